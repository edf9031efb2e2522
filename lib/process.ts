/** Process helpers shared across the project. */
import { errnoCode } from './fs.js';

/** True while a process with this id exists (EPERM: it exists, but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

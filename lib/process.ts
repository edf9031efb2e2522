/** Process helpers shared across the project. */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, temporaryOwner } from './fs.js';

/** True while a process with this id exists (EPERM: it exists, but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * Removes the temporary files (lib/fs.ts temporaryPath) in `dir` whose process is gone: a write killed before its
 * rename left them, and a killed `analyze` leaves a partial invocations.csv as large as the whole one would be. A
 * running process's are kept. Returns the names removed.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const pid = temporaryOwner(name);
    if (pid === null || pid === process.pid || pidAlive(pid)) continue;
    await rm(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * `child_process` mode: the entry of a forked worker process. It hashes the share it is sent over IPC and
 * answers with the hashes and the CPU time the share cost this process.
 */
import { type HashTask, hashRange } from './hash.js';

export interface ChildRequest {
  id: number;
  task: HashTask;
}

export type ChildReply =
  | { id: number; ok: true; hashes: string[]; cpuUserMs: number; cpuSystemMs: number; pid: number }
  | { id: number; ok: false; error: string };

process.on('message', (message: ChildRequest) => {
  const before = process.cpuUsage();
  let reply: ChildReply;
  try {
    const hashes = hashRange(message.task);
    const used = process.cpuUsage(before);
    reply = {
      id: message.id,
      ok: true,
      hashes,
      cpuUserMs: used.user / 1000,
      cpuSystemMs: used.system / 1000,
      pid: process.pid,
    };
  } catch (error) {
    reply = { id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  process.send?.(reply);
});

// The parent disconnecting (environment shut down) ends this process.
process.on('disconnect', () => process.exit(0));

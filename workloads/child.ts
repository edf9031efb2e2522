/**
 * `child_process` mode: the entry of a forked worker process. It hashes the share it is sent over IPC and
 * answers with the hashes and the CPU time the share cost this process. Asked for progress (background mode), it
 * also sends each item as it completes, stamped here, in the child, when it completed.
 */
import { type Stamp, stamp } from './clock.js';
import { type HashTask, hashOne } from './hash.js';

export interface ChildRequest {
  id: number;
  task: HashTask;
  /** Send a ChildItem per completed item before the final reply. */
  progress?: boolean;
}

export interface ChildItem {
  id: number;
  item: { index: number; hash: string; completedAt: Stamp };
}

export type ChildReply =
  | { id: number; ok: true; hashes: string[]; cpuUserMs: number; cpuSystemMs: number; pid: number }
  | { id: number; ok: false; error: string };

export type ChildMessage = ChildReply | ChildItem;

process.on('message', (message: ChildRequest) => {
  const before = process.cpuUsage();
  let reply: ChildReply;
  try {
    const { task } = message;
    const hashes: string[] = [];
    for (let index = task.start; index < task.end; index++) {
      const hash = hashOne(task.algorithm, task.cost, task.seed, index);
      hashes.push(hash);
      if (message.progress) {
        const item: ChildItem = { id: message.id, item: { index, hash, completedAt: stamp() } };
        process.send?.(item);
      }
    }
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

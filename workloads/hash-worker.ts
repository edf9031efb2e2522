/** Piscina task: hash one contiguous share of the items on a worker thread. */
import { threadId } from 'node:worker_threads';
import { type Stamp, stamp } from './clock.js';
import { type HashTask, hashRange } from './hash.js';

export interface HashTaskResult {
  hashes: string[];
  threadId: number;
  /** When the thread finished the share, read on the thread itself (background mode times items with it). */
  finishedAt: Stamp;
}

export default function hashTask(task: HashTask): HashTaskResult {
  const hashes = hashRange(task);
  return { hashes, threadId, finishedAt: stamp() };
}

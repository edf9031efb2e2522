/** Piscina task: hash one contiguous share of the items on a worker thread. */
import { threadId } from 'node:worker_threads';
import { type HashTask, hashRange } from './hash.js';

export interface HashTaskResult {
  hashes: string[];
  threadId: number;
}

export default function hashTask(task: HashTask): HashTaskResult {
  return { hashes: hashRange(task), threadId };
}

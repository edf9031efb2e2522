/**
 * `worker_threads` mode: a piscina pool of exactly `workers` threads, created on first use and kept for warm
 * invocations of the same execution environment; a different `workers` replaces it.
 */
import { Piscina } from 'piscina';
import type { HashTask } from './hash.js';
import type { HashTaskResult } from './hash-worker.js';

// Resolved beside this module: dist/workloads/ when compiled, the bundle's root when bundled.
const WORKER_FILE = new URL('./hash-worker.js', import.meta.url).href;

let pool: Piscina | null = null;

export interface PoolUse {
  size: number;
  /** True when this call had to create (or re-create, on a resize) the pool. */
  created: boolean;
}

async function poolOf(size: number): Promise<{ pool: Piscina; created: boolean }> {
  if (pool && pool.options.maxThreads === size) return { pool, created: false };
  if (pool) await pool.destroy();
  pool = new Piscina({
    filename: WORKER_FILE,
    minThreads: size,
    maxThreads: size,
    // One task per thread at a time, and threads live as long as the environment does.
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  return { pool, created: true };
}

export async function runOnThreads(
  tasks: HashTask[],
  size: number,
): Promise<{ results: HashTaskResult[]; use: PoolUse; threadIds: number[] }> {
  const { pool: p, created } = await poolOf(size);
  const results = await Promise.all(tasks.map((task) => p.run(task) as Promise<HashTaskResult>));
  return { results, use: { size, created }, threadIds: p.threads.map((t) => t.threadId) };
}

/**
 * Background mode: one pool task per item, not awaited; each promise settles when its item is done, with the time
 * the thread finished it.
 */
export async function startOnThreads(
  tasks: HashTask[],
  size: number,
): Promise<{ results: Promise<HashTaskResult>[]; use: PoolUse; threadIds: number[] }> {
  const { pool: p, created } = await poolOf(size);
  const results = tasks.map((task) => p.run(task) as Promise<HashTaskResult>);
  return { results, use: { size, created }, threadIds: p.threads.map((t) => t.threadId) };
}

/** Makes sure the pool exists at this size (a collecting invocation readies the environment for the next one). */
export async function readyThreadPool(size: number): Promise<boolean> {
  return (await poolOf(size)).created;
}

export async function closeThreadPool(): Promise<void> {
  const p = pool;
  pool = null;
  if (p) await p.destroy();
}

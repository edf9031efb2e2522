/** Worker pools (piscina), ended without taking the process with them. */

/**
 * Destroys `pool` once `tasks` have settled. Node 20 aborts the whole process when a worker thread is terminated in
 * the middle of a require() of an ES module, which is how piscina loads a pool's module; a thread that has finished a
 * task has loaded it. The caller makes sure every thread of the pool has had one of `tasks`.
 */
export async function destroyOnceLoaded(
  pool: { destroy(): Promise<void> },
  tasks: Iterable<Promise<unknown>>,
): Promise<void> {
  await Promise.allSettled(tasks);
  await pool.destroy();
}

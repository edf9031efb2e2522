import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { handler, shutdownPools } from '../../workloads/handler.js';

after(shutdownPools);

const event = { items: 4, algorithm: 'pbkdf2', cost: 100, seed: 'pool' } as const;

for (const mode of ['worker_threads', 'child_process'] as const) {
  test(`${mode}: the pool is created on first use, reused by warm calls, and replaced when workers changes`, async () => {
    await shutdownPools();
    const first = await handler({ ...event, mode, workers: 2 });
    assert.ok(first.pool);
    assert.equal(first.pool.created, true);
    assert.equal(first.pool.size, 2);
    assert.equal(new Set(first.pool.ids).size, 2);

    const warm = await handler({ ...event, mode, workers: 2 });
    assert.ok(warm.pool);
    assert.equal(warm.pool.created, false);
    assert.deepEqual(warm.pool.ids, first.pool.ids, 'same threads or processes');

    const resized = await handler({ ...event, mode, workers: 3 });
    assert.ok(resized.pool);
    assert.equal(resized.pool.created, true);
    assert.equal(resized.pool.size, 3);
    assert.equal(new Set(resized.pool.ids).size, 3);
    if (mode === 'child_process') {
      for (const pid of first.pool.ids) assert.ok(!resized.pool.ids.includes(pid), 'old children replaced');
    }
    assert.equal(resized.digest, first.digest);
  });
}

test('child_process reports its children CPU time in the response, not only its own', async () => {
  const work = { ...event, cost: 20000, workers: 2 } as const;
  const cpuOf = (r: { cpuUserMs: number; cpuSystemMs: number }) => r.cpuUserMs + r.cpuSystemMs;
  // The same items hashed in this process: the CPU time the work itself costs, whatever the host's load (CPU time,
  // unlike wall time, does not stretch when the host is busy).
  const inProcess = await handler({ ...work, mode: 'sequential' });
  await handler({ ...work, mode: 'child_process' });
  const out = await handler({ ...work, mode: 'child_process' });
  assert.notEqual(out.pool?.ids[0], process.pid);
  // The parent only passes messages (a few ms); without its children's share the figure would be a fraction of it.
  assert.ok(
    cpuOf(out) >= 0.6 * cpuOf(inProcess),
    `child_process reported ${cpuOf(out).toFixed(1)} ms of CPU for work that costs ${cpuOf(inProcess).toFixed(1)} ms`,
  );
});

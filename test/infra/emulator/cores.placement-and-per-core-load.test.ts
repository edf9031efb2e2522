/** Which cores environments get, and how loaded the busiest one is (infra/emulator/cores.ts), worked by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreAllocator, formatCpuList, parseCpuList } from '../../../infra/emulator/cores.js';

test('cpu lists read and write as the kernel writes them', () => {
  assert.deepEqual(parseCpuList('0-3,8,10-11\n'), [0, 1, 2, 3, 8, 10, 11]);
  assert.deepEqual(parseCpuList('1'), [1]);
  assert.equal(formatCpuList([11, 0, 1, 2, 3, 8, 10]), '0-3,8,10-11');
  assert.equal(formatCpuList([1]), '1');
});

test('each environment gets the least held cores, so concurrent ones spread over the host', () => {
  const cores = new CoreAllocator([0, 1, 2, 3, 4, 5, 6, 7]);
  const parent = cores.assign(2);
  const childA = cores.assign(2);
  const childB = cores.assign(2);
  assert.deepEqual(parent, [0, 1]);
  assert.deepEqual(childA, [2, 3]);
  assert.deepEqual(childB, [4, 5]);
  cores.release(childA);
  assert.deepEqual(cores.assign(2), [2, 3], 'released cores are the least held again');
  // More than the cpuset holds: all of it.
  assert.deepEqual(new CoreAllocator([4, 5]).assign(6), [4, 5]);
});

test('a cpuset without CPU 0 places environments on the CPUs it has', () => {
  const cores = new CoreAllocator([1]);
  assert.deepEqual(cores.assign(2), [1]);
  assert.deepEqual(cores.assign(2), [1]);
});

test('oversubscription is the busiest core: running quotas spread over their cores, frozen ones count nothing', () => {
  const load = (cores: number[], cpuQuota: number | null, running = true) => ({ cores, cpuQuota, running });
  // Two 1-vCPU environments on their own cores: each core at 0.5.
  assert.equal(CoreAllocator.oversubscription([load([0, 1], 1), load([2, 3], 1)]), 0.5);
  // The same two on the same two cores: 1.0 each; a third makes 1.5.
  assert.equal(CoreAllocator.oversubscription([load([0, 1], 1), load([0, 1], 1)]), 1);
  assert.equal(CoreAllocator.oversubscription([load([0, 1], 1), load([0, 1], 1), load([0, 1], 1)]), 1.5);
  // A frozen environment, or one without an enforced quota, adds nothing.
  assert.equal(CoreAllocator.oversubscription([load([0, 1], 2), load([0, 1], 2, false), load([0, 1], null)]), 1);
  assert.equal(CoreAllocator.oversubscription([]), 0);
});

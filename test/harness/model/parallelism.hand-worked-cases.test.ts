/** The one parallelism model (harness/model/parallelism.ts), on cases worked out by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MB_PER_VCPU } from '../../../harness/lambda/platform.js';
import { modelDurationMs, parallelism } from '../../../harness/model/parallelism.js';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} vs ${expected}`);

test('sequential: one thread at min(1, share); ideal speedup 1 whatever the workers', () => {
  const low = parallelism({ mode: 'sequential', workers: 4, items: 4, memoryMb: 256 });
  close(low.threadCpus, 256 / MB_PER_VCPU);
  assert.equal(low.slices, 1);
  assert.equal(low.largestSlice, 4);
  assert.equal(low.idealSpeedup, 1);
  const high = parallelism({ mode: 'sequential', workers: 1, items: 4, memoryMb: 2 * MB_PER_VCPU });
  assert.equal(high.threadCpus, 1);
  assert.equal(high.idealSpeedup, 1);
});

test('pools below one vCPU gain nothing: min(2, 0.145, 2) / 0.145 = 1', () => {
  const p = parallelism({ mode: 'worker_threads', workers: 2, items: 4, memoryMb: 256 });
  close(p.usableCpus, 256 / MB_PER_VCPU);
  assert.equal(p.idealSpeedup, 1);
});

test('pools at 2 vCPUs, 2 workers, 4 items: c = min(2, 2, 2) = 2, slices 2+2, speedup 2', () => {
  const p = parallelism({ mode: 'child_process', workers: 2, items: 4, memoryMb: 2 * MB_PER_VCPU });
  assert.equal(p.slices, 2);
  assert.equal(p.largestSlice, 2);
  assert.equal(p.usableCpus, 2);
  assert.equal(p.idealSpeedup, 2);
});

test('uneven slices bound the speedup: worker_threads x3, 4 items at 7077 MB -> slices 2,1,1, speedup 4/2 = 2', () => {
  // share 7077/1769 = 4.0006, 5 visible cores: c = min(3, 4.0006, 5) = 3 CPUs, but the slice of 2 items takes as long
  // as 2 items on one CPU: 4 items / 2 = 2.
  const p = parallelism({ mode: 'worker_threads', workers: 3, items: 4, memoryMb: 7077 });
  assert.equal(p.visibleCores, 5);
  assert.equal(p.slices, 3);
  assert.equal(p.largestSlice, 2);
  assert.equal(p.usableCpus, 3);
  assert.equal(p.idealSpeedup, 2);
});

test('items below workers: fan_out x6 with 4 items makes 4 children, ideal 4, not 6', () => {
  const p = parallelism({ mode: 'fan_out', workers: 6, items: 4, memoryMb: MB_PER_VCPU });
  assert.equal(p.slices, 4);
  assert.equal(p.largestSlice, 1);
  assert.equal(p.usableCpus, 4);
  assert.equal(p.idealSpeedup, 4);
});

test('fan_out below one vCPU still gains from its slices: each child has its own 0.145 vCPU', () => {
  const p = parallelism({ mode: 'fan_out', workers: 2, items: 4, memoryMb: 256 });
  close(p.usableCpus, (2 * 256) / MB_PER_VCPU);
  assert.equal(p.idealSpeedup, 2);
});

test('share bounds pools between cores: 3008 MB, 4 workers, 8 items -> min(4, 1.700, 2) = 1.700', () => {
  const p = parallelism({ mode: 'worker_threads', workers: 4, items: 8, memoryMb: 3008 });
  close(p.idealSpeedup, 3008 / MB_PER_VCPU);
});

test('visible cores bound pools: 10240 MB (5.79 vCPUs, 6 cores), 8 workers, 48 items -> 5.79', () => {
  const p = parallelism({ mode: 'worker_threads', workers: 8, items: 48, memoryMb: 10_240 });
  assert.equal(p.visibleCores, 6);
  close(p.idealSpeedup, 10_240 / MB_PER_VCPU);
});

test('on the emulator every bound is capped by the host cores the environments get', () => {
  // A 2-core host: 4 vCPUs of share, 4 workers, 8 items -> 2 CPUs.
  const pool = parallelism({ mode: 'worker_threads', workers: 4, items: 8, memoryMb: 4 * MB_PER_VCPU, hostCores: 2 });
  assert.equal(pool.usableCpus, 2);
  assert.equal(pool.idealSpeedup, 2);
  // fan_out x4 of 1-vCPU children on 2 host cores: 2.
  const fan = parallelism({ mode: 'fan_out', workers: 4, items: 8, memoryMb: MB_PER_VCPU, hostCores: 2 });
  assert.equal(fan.usableCpus, 2);
  assert.equal(fan.idealSpeedup, 2);
  // A 1-core host caps even a sequential thread at a large memory size.
  assert.equal(
    parallelism({ mode: 'sequential', workers: 1, items: 1, memoryMb: 3 * MB_PER_VCPU, hostCores: 1 }).threadCpus,
    1,
  );
});

test('the plan duration: items x item time / thread CPUs / ideal speedup', () => {
  // 4 items of 10 ms at 256 MB sequential: 40 ms / (256/1769).
  close(modelDurationMs({ mode: 'sequential', workers: 1, items: 4, memoryMb: 256 }, 10), 40 / (256 / MB_PER_VCPU));
  // worker_threads x3 at 7077 MB, 4 items: the slice of 2 items, 20 ms.
  close(modelDurationMs({ mode: 'worker_threads', workers: 3, items: 4, memoryMb: 7077 }, 10), 20);
  // fan_out x2 at 256 MB, 4 items: each child 2 items at 0.1447 vCPU.
  close(modelDurationMs({ mode: 'fan_out', workers: 2, items: 4, memoryMb: 256 }, 10), 20 / (256 / MB_PER_VCPU));
});

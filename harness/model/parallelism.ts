/**
 * The one parallelism model: how much of an invocation's work can run at once, and so the speedup over sequential
 * that the platform allows, for every mode. Used by the plan (its duration estimate), the summary (ideal speedup and
 * efficiency) and the benchmark scripts. Pure.
 *
 * For `n` items split into `p = min(workers, n)` slices of at most `m = ceil(n / p)` items, a vCPU share `s` and `k`
 * visible cores (harness/lambda/platform.ts):
 *  - sequential: one thread at min(1, s) of a CPU; ideal speedup 1.
 *  - worker_threads, child_process: usable CPUs `c = min(p, s, k)`; ideal speedup `min(c / min(1, s), n / m)`: the
 *    CPUs beyond one thread's share, but never faster than the largest slice allows.
 *  - fan_out: each slice runs in its own environment at min(1, s); ideal speedup `n / m`.
 * On the local emulator every bound is also capped by the host cores the environments actually get (`hostCores`).
 */
import type { Mode } from '../../workloads/event.js';
import { vcpuShare, visibleCores } from '../lambda/platform.js';

export interface ParallelismInput {
  mode: Mode;
  workers: number;
  items: number;
  memoryMb: number;
  /** Host cores the environments can get (the local emulator); omit for Lambda itself. */
  hostCores?: number | null;
}

export interface Parallelism {
  /** Non-empty slices the work is split into: min(workers, items); 1 for sequential. */
  slices: number;
  /** Items in the largest slice: ceil(items / slices). */
  largestSlice: number;
  /** CPU share the memory buys (memory / 1,769 MB). */
  vcpuShare: number;
  /** Cores the function sees at this memory size. */
  visibleCores: number;
  /** CPUs one thread of one environment can use: min(1, share), capped by the host. */
  threadCpus: number;
  /** CPUs the whole invocation can use at once (for fan_out, over all its children's environments). */
  usableCpus: number;
  /** Speedup over sequential at the same memory the model allows. */
  idealSpeedup: number;
}

export function parallelism(input: ParallelismInput): Parallelism {
  const { mode, items } = input;
  const host = input.hostCores ?? Number.POSITIVE_INFINITY;
  const share = vcpuShare(input.memoryMb);
  const cores = visibleCores(input.memoryMb);
  const slices = mode === 'sequential' ? 1 : Math.max(1, Math.min(input.workers, items));
  const largestSlice = Math.ceil(items / slices);
  // The largest slice bounds every mode: no split finishes before its biggest share.
  const sliceBound = items / largestSlice;
  const threadCpus = Math.min(1, share, host);
  let usableCpus: number;
  let idealSpeedup: number;
  switch (mode) {
    case 'sequential':
      usableCpus = threadCpus;
      idealSpeedup = 1;
      break;
    case 'worker_threads':
    case 'child_process':
      usableCpus = Math.min(slices, share, cores, host);
      idealSpeedup = Math.min(usableCpus / threadCpus, sliceBound);
      break;
    case 'fan_out':
      usableCpus = Math.min(slices * Math.min(1, share), host);
      idealSpeedup = Math.min(usableCpus / threadCpus, sliceBound);
      break;
  }
  return { slices, largestSlice, vcpuShare: share, visibleCores: cores, threadCpus, usableCpus, idealSpeedup };
}

/**
 * The model's Duration of one invocation, for the plan: the sequential time of all items at one thread's CPU,
 * divided by the ideal speedup. For fan_out it is the parent's Duration, which waits for its slowest child.
 */
export function modelDurationMs(input: ParallelismInput, msPerItemAtOneVcpu: number): number {
  const p = parallelism(input);
  return (input.items * msPerItemAtOneVcpu) / p.threadCpus / p.idealSpeedup;
}

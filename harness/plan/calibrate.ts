/**
 * How long one item takes on one CPU: measured here, on this machine, with the workload's own hash function. It
 * stands in for one Lambda vCPU, which it is not exactly (a different CPU, and arm64 is another architecture
 * altogether), so every figure built on it is an estimate and says so.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { type Algorithm, COST_RANGE } from '../../workloads/event.js';
import { hashOne } from '../../workloads/hash.js';
import { median } from '../statistics/statistics.js';

export interface Calibration {
  msPerItemAtOneVcpu: number;
  /** Always true: the figure is measured on this machine and scaled, not measured on Lambda. */
  estimate: true;
  /** How it was obtained, for the plan's output. */
  method: string;
  cpuModel: string;
  /** The cost the hashes were timed at; the figure is scaled from there to the requested cost. */
  measuredCost: number;
  samples: number;
}

/**
 * Time at a cost no higher than this and scale: bcrypt work doubles per round (2^cost key expansions) and pbkdf2 work
 * is linear in iterations, so a cheap measurement predicts an expensive one (16 bcrypt rounds is ~5 s per hash).
 */
const MAX_MEASURED_COST: Record<Algorithm, number> = { bcrypt: 8, pbkdf2: COST_RANGE.pbkdf2.default };
const MIN_SAMPLES = 3;
const MAX_SAMPLES = 7;
const BUDGET_MS = 250;

function scale(algorithm: Algorithm, from: number, to: number): number {
  return algorithm === 'bcrypt' ? 2 ** (to - from) : to / from;
}

export function calibrate(algorithm: Algorithm, cost: number): Calibration {
  const measuredCost = Math.min(cost, MAX_MEASURED_COST[algorithm]);
  // One untimed hash first: the first call pays for JIT compilation and lazy initialisation.
  hashOne(algorithm, measuredCost, 'calibration', 0);
  const timesMs: number[] = [];
  const started = performance.now();
  while (timesMs.length < MIN_SAMPLES || (timesMs.length < MAX_SAMPLES && performance.now() - started < BUDGET_MS)) {
    const t0 = performance.now();
    hashOne(algorithm, measuredCost, 'calibration', timesMs.length + 1);
    timesMs.push(performance.now() - t0);
  }
  // At least MIN_SAMPLES samples, so the median exists.
  const measuredMs = median(timesMs) ?? 0;
  const cpuModel = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const scaled = measuredCost === cost ? '' : `, scaled from cost ${measuredCost} to ${cost}`;
  return {
    msPerItemAtOneVcpu: measuredMs * scale(algorithm, measuredCost, cost),
    estimate: true,
    method: `median of ${timesMs.length} ${algorithm} hashes on one thread of this machine (${cpuModel})${scaled}`,
    cpuModel,
    measuredCost,
    samples: timesMs.length,
  };
}

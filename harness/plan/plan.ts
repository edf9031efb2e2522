/**
 * The sweep plan: which functions and cells a sweep measures, how many invocations that takes, and what it should
 * cost and how long it should run. Every duration, cost and time here comes from a simple model fed by a calibration,
 * so it is an estimate; the plan says so wherever it is shown. Pure: no clock, no disk, no network.
 */
import type { Mode } from '../../workloads/event.js';
import { slices } from '../../workloads/hash.js';
import { ConfigError } from '../errors.js';
import { type Architecture, NEW_ACCOUNT_MEMORY_CAP_MB, vcpuShare, visibleCores } from '../lambda/platform.js';
import { billedDurationMs, gbSeconds, invocationCostUsd, PRICED_REGION } from '../lambda/pricing.js';
import { modelDurationMs, parallelism } from '../model/parallelism.js';
import { functionName, type SweepOptions } from '../options.js';
import { formatUsd } from '../text/format.js';

export { type Calibration, calibrate } from './calibrate.js';

export interface PlanCalibration {
  msPerItemAtOneVcpu: number;
}

/** One deployed function per architecture and memory size. */
export interface PlannedFunction {
  name: string;
  arch: Architecture;
  memoryMb: number;
  /** CPU share the memory buys (harness/lambda/platform.ts vcpuShare). */
  vcpuShare: number;
  /** Cores the function sees in os.cpus() (harness/lambda/platform.ts visibleCores), which can exceed its share. */
  visibleCores: number;
}

/** One measured configuration: a function, a mode and a worker count, repeated --min-reps to --max-reps times. */
export interface PlannedCell {
  functionName: string;
  arch: Architecture;
  memoryMb: number;
  mode: Mode;
  workers: number;
  items: number;
  /** CPUs' worth of hashing the parallelism model lets the invocation do at once (fan_out: over its children). */
  effectiveParallelism: number;
  /** The speedup over sequential at this memory that the parallelism model allows. */
  idealSpeedup: number;
  /** Estimated Duration of one invocation; for fan_out, of the parent, which waits for its slowest child. */
  durationMs: number;
  /** Billed Duration: Duration rounded up to the next 1 ms (harness/lambda/pricing.ts). */
  billedMs: number;
  /** fan_out: the child invocations one invocation makes, min(workers, items); 0 for the other modes. */
  childInvocations: number;
  /** fan_out: each child's estimated Duration (its slice, sequential, in its own environment). */
  childDurationsMs: number[];
  /** Billed GB-seconds of one invocation, its fan-out children included. */
  gbSecondsPerInvocation: number;
  /** AWS price of one invocation: compute plus request fees, its fan-out children included. */
  usdPerInvocation: number;
}

export interface ArchTotals {
  arch: Architecture;
  requests: number;
  gbSeconds: number;
  usd: number;
}

/** The sweep's totals if every cell stops at the same repetition count (--min-reps or --max-reps). */
export interface PlanTotals {
  repsPerCell: number;
  measuredInvocations: number;
  warmupInvocations: number;
  /** Invocations fan_out parents make, warm-ups' included. They are billed and count as requests. */
  childInvocations: number;
  requests: number;
  gbSeconds: number;
  usd: number;
  byArch: ArchTotals[];
  /** Wall time of the invocations alone (no deploy, no network): local cells run one at a time, AWS --concurrency at once. */
  wallTimeS: number;
}

export interface Plan {
  /** Every figure is a model's estimate, not a measurement. */
  estimate: true;
  options: SweepOptions;
  calibration: PlanCalibration;
  functions: PlannedFunction[];
  cells: PlannedCell[];
  atMinReps: PlanTotals;
  atMaxReps: PlanTotals;
  /** Things to know before running this plan, one line each. */
  warnings: string[];
}

/**
 * One cell's estimate from the parallelism model (harness/model/parallelism.ts): an item takes `msPerItem` on a whole
 * vCPU and the invocation hashes at the model's speedup over one thread. It leaves out pool start-up, IPC, invoke
 * latency and cold starts (INIT is billed since 2025-08-01, but warm-ups absorb most of it).
 */
function planCell(fn: PlannedFunction, mode: Mode, workers: number, o: SweepOptions, msPerItem: number): PlannedCell {
  const input = { mode, workers, items: o.items, memoryMb: fn.memoryMb };
  const model = parallelism(input);
  const durationMs = modelDurationMs(input, msPerItem);
  // fan_out: the same split the function makes (workloads/fan-out.ts), each slice sequential in its own environment.
  const childDurationsMs =
    mode === 'fan_out'
      ? slices(0, o.items, workers)
          .map((s) => s.end - s.start)
          .filter((size) => size > 0)
          .map((size) => (size * msPerItem) / model.threadCpus)
      : [];
  const billedMs = billedDurationMs(durationMs);
  const childBilledMs = childDurationsMs.map((ms) => billedDurationMs(ms));
  return {
    functionName: fn.name,
    arch: fn.arch,
    memoryMb: fn.memoryMb,
    mode,
    workers,
    items: o.items,
    effectiveParallelism: model.usableCpus,
    idealSpeedup: model.idealSpeedup,
    durationMs,
    billedMs,
    childInvocations: childDurationsMs.length,
    childDurationsMs,
    gbSecondsPerInvocation:
      gbSeconds(billedMs, fn.memoryMb) + childBilledMs.reduce((sum, ms) => sum + gbSeconds(ms, fn.memoryMb), 0),
    usdPerInvocation:
      invocationCostUsd(billedMs, fn.memoryMb, fn.arch) +
      childBilledMs.reduce((sum, ms) => sum + invocationCostUsd(ms, fn.memoryMb, fn.arch), 0),
  };
}

function totalsAt(repsPerCell: number, cells: readonly PlannedCell[], o: SweepOptions): PlanTotals {
  const perCell = repsPerCell + o.warmup;
  const byArch: ArchTotals[] = o.arch.map((arch) => ({ arch, requests: 0, gbSeconds: 0, usd: 0 }));
  let childInvocations = 0;
  let busyMs = 0;
  for (const cell of cells) {
    const totals = byArch.find((t) => t.arch === cell.arch);
    if (!totals) continue;
    childInvocations += perCell * cell.childInvocations;
    totals.requests += perCell * (1 + cell.childInvocations);
    totals.gbSeconds += perCell * cell.gbSecondsPerInvocation;
    totals.usd += perCell * cell.usdPerInvocation;
    // Children run inside their parent's Duration, so only parents take wall time.
    busyMs += perCell * cell.durationMs;
  }
  const parallelCells = o.target === 'aws' ? o.concurrency : 1;
  return {
    repsPerCell,
    measuredInvocations: cells.length * repsPerCell,
    warmupInvocations: cells.length * o.warmup,
    childInvocations,
    requests: byArch.reduce((sum, t) => sum + t.requests, 0),
    gbSeconds: byArch.reduce((sum, t) => sum + t.gbSeconds, 0),
    usd: byArch.reduce((sum, t) => sum + t.usd, 0),
    byArch,
    wallTimeS: busyMs / 1000 / parallelCells,
  };
}

function warningsFor(o: SweepOptions, cells: readonly PlannedCell[], atMaxReps: PlanTotals): string[] {
  const warnings: string[] = [];
  const timeoutMs = o.timeoutS * 1000;
  const tooLong = cells.filter((cell) => cell.durationMs > timeoutMs);
  const longest = tooLong.reduce<PlannedCell | null>((a, b) => (a && a.durationMs >= b.durationMs ? a : b), null);
  if (longest) {
    warnings.push(
      `${tooLong.length} cell(s) are estimated to run longer than --timeout ${o.timeoutS} s and would time out ` +
        `(longest: ${longest.functionName} ${longest.mode} workers ${longest.workers}, ` +
        `~${Math.round(longest.durationMs / 1000)} s); lower --items or --cost, or raise --timeout (at most 900)`,
    );
  }
  const overCap = o.memoryMb.filter((mb) => mb > NEW_ACCOUNT_MEMORY_CAP_MB);
  if (o.target === 'aws' && overCap.length > 0) {
    warnings.push(
      `new AWS accounts may be capped at ${NEW_ACCOUNT_MEMORY_CAP_MB} MB; deploying ${overCap.join(', ')} MB may fail there`,
    );
  }
  if (o.region !== PRICED_REGION) {
    warnings.push(`USD figures use ${PRICED_REGION} prices; ${o.region} may differ`);
  }
  if (o.target === 'local' && o.concurrency > 1) {
    warnings.push(`--concurrency ${o.concurrency} is not used on --target local: cells run one at a time`);
  }
  if (o.target === 'aws' && !o.yes && atMaxReps.usd > o.maxCostUsd) {
    warnings.push(
      `the max-reps estimate ${formatUsd(atMaxReps.usd)} exceeds --max-cost-usd ${o.maxCostUsd}: running it needs --yes`,
    );
  }
  return warnings;
}

/** The functions a sweep deploys: one per architecture and memory size, named `<prefix>-<arch>-<memory>`. */
export function plannedFunctions(o: Pick<SweepOptions, 'arch' | 'memoryMb' | 'prefix'>): PlannedFunction[] {
  return o.arch.flatMap((arch) =>
    o.memoryMb.map((memoryMb) => ({
      name: functionName(o.prefix, arch, memoryMb),
      arch,
      memoryMb,
      vcpuShare: vcpuShare(memoryMb),
      visibleCores: visibleCores(memoryMb),
    })),
  );
}

/**
 * Plan a sweep: one function per architecture and memory size, named `<prefix>-<arch>-<memory>`, and one cell per
 * function, mode and worker count. `sequential` ignores --workers (it never starts a worker), so it is planned once
 * per function, at workers 1, whatever --workers says: measuring it again per worker count would repeat one cell.
 */
export function planSweep(o: SweepOptions, calibration: PlanCalibration): Plan {
  const functions = plannedFunctions(o);
  const cells: PlannedCell[] = [];
  for (const fn of functions) {
    for (const mode of o.modes) {
      const workerCounts = mode === 'sequential' ? [1] : o.workers;
      for (const workers of workerCounts) {
        cells.push(planCell(fn, mode, workers, o, calibration.msPerItemAtOneVcpu));
      }
    }
  }
  const atMinReps = totalsAt(o.minReps, cells, o);
  const atMaxReps = totalsAt(o.maxReps, cells, o);
  return {
    estimate: true,
    options: o,
    calibration,
    functions,
    cells,
    atMinReps,
    atMaxReps,
    warnings: warningsFor(o, cells, atMaxReps),
  };
}

/**
 * Refuse to start an AWS sweep whose worst case (every cell at --max-reps) is estimated above --max-cost-usd,
 * unless --yes. Local sweeps cost nothing, so they pass.
 */
export function costGuard(plan: Plan, o: SweepOptions): void {
  if (o.target !== 'aws' || o.yes) return;
  if (plan.atMaxReps.usd > o.maxCostUsd) {
    throw new ConfigError(
      `estimated cost ${formatUsd(plan.atMaxReps.usd)} exceeds --max-cost-usd ${o.maxCostUsd}; re-run with --yes to proceed`,
    );
  }
}

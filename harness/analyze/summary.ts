/**
 * One summary row per cell (arch, memory_mb, mode, workers; and the workload, which a run normally holds fixed):
 * statistics of Lambda's Duration over the cell's warm invocations, cost, and speedup against the sequential cell
 * at the same memory, next to the speedup the parallelism model allows (harness/model/parallelism.ts).
 */
import type { Architecture } from '../lambda/platform.js';
import { vcpuShare } from '../lambda/platform.js';
import { parallelism } from '../model/parallelism.js';
import {
  mean,
  median,
  medianConfidenceInterval,
  outlierCount,
  quantile,
  sampleStdev,
  cv as variationCoefficient,
} from '../statistics/statistics.js';
import type { InvocationRow } from './rows.js';

/**
 * What identifies a cell and how it was measured, in the order vcpu.csv and the summary's input list it (summary.csv
 * keeps its own, older order).
 */
export const CELL_FIELDS = [
  'arch',
  'memory_mb',
  'mode',
  'workers',
  'algorithm',
  'cost',
  'items',
  'emulated',
  'cpu_enforced',
] as const satisfies readonly (keyof InvocationRow)[];

/** summary.csv columns, in order (results/README.md defines each). */
export const SUMMARY_COLUMNS = [
  'arch',
  'memory_mb',
  'mode',
  'workers',
  'emulated',
  'cpu_enforced',
  'algorithm',
  'cost',
  'items',
  'n',
  'n_errors',
  'median_ms',
  'mean_ms',
  'stdev_ms',
  'cv',
  'p90_ms',
  'p99_ms',
  'ci95_low_ms',
  'ci95_high_ms',
  'outliers',
  'billed_median_ms',
  'cost_per_invocation_usd',
  'cost_per_1k_items_usd',
  'items_per_s',
  'speedup_vs_sequential',
  'ideal_speedup',
  'efficiency',
  'vcpu_share',
  'visible_cores',
  'n_oversubscribed',
  'n_cost_incomplete',
] as const;

export interface SummaryRow {
  arch: Architecture;
  memory_mb: number;
  mode: InvocationRow['mode'];
  workers: number;
  /** True when any row of the cell ran on the emulator. */
  emulated: boolean;
  /** False when any row of the cell ran without the CPU quota enforced. */
  cpu_enforced: boolean;
  algorithm: InvocationRow['algorithm'];
  cost: number;
  items: number;
  n: number;
  n_errors: number;
  median_ms: number | null;
  mean_ms: number | null;
  stdev_ms: number | null;
  cv: number | null;
  p90_ms: number | null;
  p99_ms: number | null;
  ci95_low_ms: number | null;
  ci95_high_ms: number | null;
  outliers: number;
  billed_median_ms: number | null;
  cost_per_invocation_usd: number | null;
  cost_per_1k_items_usd: number | null;
  items_per_s: number | null;
  speedup_vs_sequential: number | null;
  ideal_speedup: number | null;
  efficiency: number | null;
  vcpu_share: number;
  visible_cores: number | null;
  /** Warm rows measured while the local host was oversubscribed (host_oversubscription above 1). */
  n_oversubscribed: number;
  /**
   * Measured rows of the cell whose cost is unknown although Lambda reported their own Duration: a fan-out child's
   * REPORT never arrived, so the row's cost is left empty rather than understated.
   */
  n_cost_incomplete: number;
}

/**
 * The fields of an invocation row the summary reads: all a streaming analyzer keeps of each row once its CSV line
 * is written (harness/analyze/analyze.ts).
 */
export const SUMMARY_INPUT_FIELDS = [
  ...CELL_FIELDS,
  'warmup',
  'warm',
  'cold',
  'status',
  'digest_ok',
  'duration_ms',
  'billed_ms',
  'cost_usd',
  'visible_cores',
  'host_oversubscription',
] as const satisfies readonly (keyof InvocationRow)[];

export type SummaryInput = Pick<InvocationRow, (typeof SUMMARY_INPUT_FIELDS)[number]>;

/** The summary's share of a row, as a plain object of its own. */
export function summaryInput(row: SummaryInput): SummaryInput {
  return {
    arch: row.arch,
    memory_mb: row.memory_mb,
    mode: row.mode,
    workers: row.workers,
    algorithm: row.algorithm,
    cost: row.cost,
    items: row.items,
    emulated: row.emulated,
    cpu_enforced: row.cpu_enforced,
    warmup: row.warmup,
    warm: row.warm,
    cold: row.cold,
    status: row.status,
    digest_ok: row.digest_ok,
    duration_ms: row.duration_ms,
    billed_ms: row.billed_ms,
    cost_usd: row.cost_usd,
    visible_cores: row.visible_cores,
    host_oversubscription: row.host_oversubscription,
  };
}

/**
 * A warm measurement: not a warm-up, not a cold start (its Duration would include lazy init work), status ok,
 * a result that was not wrong, and a Duration to measure.
 */
export function isWarm<R extends SummaryInput>(row: R): row is R & { duration_ms: number } {
  return row.warm && row.duration_ms !== null;
}

/** A failed measurement: a non-warm-up row whose status is not ok, or whose digest was wrong. */
export function isFailed(row: SummaryInput): boolean {
  return !row.warmup && (row.status !== 'ok' || row.digest_ok === false);
}

function workloadKey(row: Pick<InvocationRow, 'arch' | 'memory_mb' | 'algorithm' | 'cost' | 'items'>): string {
  return JSON.stringify([row.arch, row.memory_mb, row.algorithm, row.cost, row.items]);
}

/** What identifies a cell's summary row (CELL_FIELDS but how it ran), on an input row or a summary row alike. */
type CellIdentity = Pick<SummaryInput, 'arch' | 'memory_mb' | 'mode' | 'workers' | 'algorithm' | 'cost' | 'items'>;

/** The key of a row's cell: its summary row's, for an input row; a summary row's own. */
export function cellKey(row: CellIdentity): string {
  // A template, not JSON.stringify: it runs once per invocation. The parts are enums and numbers, so `|` is safe.
  return `${row.arch}|${row.memory_mb}|${row.mode}|${row.workers}|${row.algorithm}|${row.cost}|${row.items}`;
}

/**
 * What the summary and the Amdahl fits read of a cell's rows, gathered row by row in the rows' order: the warm rows'
 * Durations, costs and Billed Durations, every row's visible cores, and counts. The streaming analyzer keeps only
 * this of each row once its CSV line is written (analyze.ts), not the row.
 */
export class CellSamples {
  /** The cell's first row, what identifies the cell (and its first row's emulated flag, which the model reads). */
  readonly first: SummaryInput;
  /** Warm rows' Durations. */
  readonly durations: number[] = [];
  /** Warm rows' costs and Billed Durations, where known. */
  readonly costs: number[] = [];
  readonly billed: number[] = [];
  /** Every row's visible cores, where reported: cores do not depend on warmth. */
  readonly visibleCores: number[] = [];
  failed = 0;
  oversubscribed = 0;
  costIncomplete = 0;
  emulated = false;
  cpuEnforced = true;

  constructor(first: SummaryInput) {
    this.first = summaryInput(first);
  }

  add(row: SummaryInput): void {
    if (row.emulated) this.emulated = true;
    if (!row.cpu_enforced) this.cpuEnforced = false;
    const visibleCores = row.visible_cores;
    if (visibleCores !== null) this.visibleCores.push(visibleCores);
    if (isFailed(row)) this.failed += 1;
    const costUsd = row.cost_usd;
    const billedMs = row.billed_ms;
    if (!row.warmup && billedMs !== null && costUsd === null) this.costIncomplete += 1;
    if (!isWarm(row)) return;
    this.durations.push(row.duration_ms);
    if (costUsd !== null) this.costs.push(costUsd);
    if (billedMs !== null) this.billed.push(billedMs);
    if ((row.host_oversubscription ?? 0) > 1) this.oversubscribed += 1;
  }
}

/** A run's cells (cellKey), in first-seen order, each with its samples. */
export type SampledCells = ReadonlyMap<string, CellSamples>;

/** The samples in `cells` of the cell `key` (cellKey), made with `row` as its first row if there are none yet. */
export function cellFor(cells: Map<string, CellSamples>, key: string, row: SummaryInput): CellSamples {
  let cell = cells.get(key);
  if (cell === undefined) {
    cell = new CellSamples(row);
    cells.set(key, cell);
  }
  return cell;
}

/** The samples of rows, by cell. */
export function sampleCells(rows: Iterable<SummaryInput>): Map<string, CellSamples> {
  const cells = new Map<string, CellSamples>();
  for (const row of rows) cellFor(cells, cellKey(row), row).add(row);
  return cells;
}

const MODE_ORDER: Record<InvocationRow['mode'], number> = {
  sequential: 0,
  worker_threads: 1,
  child_process: 2,
  fan_out: 3,
};

function compareCells(a: SummaryRow, b: SummaryRow): number {
  return (
    a.arch.localeCompare(b.arch) ||
    a.memory_mb - b.memory_mb ||
    a.algorithm.localeCompare(b.algorithm) ||
    a.cost - b.cost ||
    a.items - b.items ||
    MODE_ORDER[a.mode] - MODE_ORDER[b.mode] ||
    a.workers - b.workers
  );
}

export interface SummarizeOptions {
  /**
   * Host cores the local emulator's environments could get: the model caps every bound by them (harness/model/
   * parallelism.ts). Null for Lambda itself.
   */
  hostCores?: number | null;
}

function summarizeCell(cell: CellSamples, o: SummarizeOptions): SummaryRow {
  const first = cell.first;
  const durations = cell.durations;
  const medianMs = median(durations);
  const ci = medianConfidenceInterval(durations);
  const costPerInvocation = median(cell.costs);
  const share = vcpuShare(first.memory_mb);
  const visibleCores = median(cell.visibleCores);
  const ideal = parallelism({
    mode: first.mode,
    workers: first.workers,
    items: first.items,
    memoryMb: first.memory_mb,
    hostCores: first.emulated ? (o.hostCores ?? null) : null,
  }).idealSpeedup;
  return {
    arch: first.arch,
    memory_mb: first.memory_mb,
    mode: first.mode,
    workers: first.workers,
    emulated: cell.emulated,
    cpu_enforced: cell.cpuEnforced,
    algorithm: first.algorithm,
    cost: first.cost,
    items: first.items,
    n: durations.length,
    n_errors: cell.failed,
    median_ms: medianMs,
    mean_ms: mean(durations),
    stdev_ms: sampleStdev(durations),
    cv: variationCoefficient(durations),
    p90_ms: quantile(durations, 0.9),
    p99_ms: quantile(durations, 0.99),
    ci95_low_ms: ci?.low ?? null,
    ci95_high_ms: ci?.high ?? null,
    outliers: outlierCount(durations),
    billed_median_ms: median(cell.billed),
    cost_per_invocation_usd: costPerInvocation,
    cost_per_1k_items_usd: costPerInvocation === null ? null : (costPerInvocation / first.items) * 1000,
    items_per_s: medianMs === null || medianMs === 0 ? null : first.items / (medianMs / 1000),
    speedup_vs_sequential: null,
    ideal_speedup: ideal,
    efficiency: null,
    vcpu_share: share,
    visible_cores: visibleCores,
    n_oversubscribed: cell.oversubscribed,
    n_cost_incomplete: cell.costIncomplete,
  };
}

/**
 * The summary of a run's rows, sorted by arch, memory, workload, mode and workers. Cells are split by workload
 * (algorithm, cost, items) as well, so a run that varies it never mixes different work in one median.
 */
export function summarize(rows: readonly SummaryInput[], o: SummarizeOptions = {}): SummaryRow[] {
  return summarizeCells(sampleCells(rows), o);
}

/** summarize, of rows sampled by cell already. */
export function summarizeCells(cells: SampledCells, o: SummarizeOptions = {}): SummaryRow[] {
  const summary = [...cells.values()].map((cell) => summarizeCell(cell, o)).sort(compareCells);

  // Baseline: the sequential cell with the fewest workers at the same arch, memory and workload (the sort puts it
  // first among its sequential cells).
  const baselines = new Map<string, number | null>();
  for (const row of summary) {
    const key = workloadKey(row);
    if (row.mode === 'sequential' && !baselines.has(key)) baselines.set(key, row.median_ms);
  }
  for (const row of summary) {
    const baseline = baselines.get(workloadKey(row)) ?? null;
    if (baseline === null || row.median_ms === null || row.median_ms === 0) continue;
    row.speedup_vs_sequential = baseline / row.median_ms;
    row.efficiency = row.ideal_speedup === null ? null : row.speedup_vs_sequential / row.ideal_speedup;
  }
  return summary;
}

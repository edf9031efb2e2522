/**
 * amdahl.csv: per (arch, mode) and workload, the serial fraction f of Amdahl's law, speedup = 1 / (f + (1 - f) / P),
 * fitted over the mode's cells with P the parallelism model's ideal speedup there (harness/model/parallelism.ts: the
 * CPUs the cell can use over the ones sequential gets). Written 1/s - 1/P = f (1 - 1/P), least squares through the
 * origin over the cells where P > 1 gives f = sum(x y) / sum(x^2), x = 1 - 1/P, y = 1/s - 1/P: each cell's
 * Karp-Flatt serial fraction y / x, weighted by x^2. A 95% interval comes from a seeded bootstrap over invocations
 * (each replicate resamples every cell's warm Durations, its sequential baseline's too, and refits); R^2 is on the
 * speedup scale. f above 1 means slower than sequential where CPUs allow parallelism: overhead the law does not
 * model; below 0, faster than the model allows.
 */
import { groupBy } from '../../lib/collections.js';
import { bootstrapInterval, resampledMedian } from '../statistics/statistics.js';
import { csvExporter } from './csv.js';
import type { Exporter } from './exporter.js';
import { cellKey, type SampledCells, type SummaryRow } from './summary.js';

/** Replicates and seed of the bootstrap: fixed, so the same run always gives the same interval. */
export const AMDAHL_BOOTSTRAP = { resamples: 1000, seed: 20261125, level: 0.95 } as const;

export const AMDAHL_COLUMNS = [
  'arch',
  'mode',
  'algorithm',
  'cost',
  'items',
  'emulated',
  'n_cells',
  'serial_fraction',
  'serial_fraction_ci95_low',
  'serial_fraction_ci95_high',
  'r2',
  'bootstrap_resamples',
  'bootstrap_seed',
] as const;

export interface AmdahlRow {
  arch: SummaryRow['arch'];
  mode: SummaryRow['mode'];
  algorithm: SummaryRow['algorithm'];
  cost: number;
  items: number;
  emulated: boolean;
  /** Cells fitted: those with a speedup and P > 1. */
  n_cells: number;
  serial_fraction: number | null;
  serial_fraction_ci95_low: number | null;
  serial_fraction_ci95_high: number | null;
  r2: number | null;
  bootstrap_resamples: number;
  bootstrap_seed: number;
}

/** One fitted cell: the model's P, its measured speedup, and the warm Durations behind both medians, sorted. */
interface FitCell {
  p: number;
  speedup: number;
  durations: number[];
  baseline: number[];
}

/** f by least squares through the origin of 1/s - 1/P = f (1 - 1/P); null without a cell where P > 1. */
export function fitSerialFraction(cells: ReadonlyArray<{ p: number; speedup: number }>): number | null {
  let xy = 0;
  let xx = 0;
  for (const { p, speedup } of cells) {
    const x = 1 - 1 / p;
    xy += x * (1 / speedup - 1 / p);
    xx += x * x;
  }
  return xx === 0 ? null : xy / xx;
}

export function amdahlSpeedup(f: number, p: number): number {
  return 1 / (f + (1 - f) / p);
}

/** R^2 of the fit on the speedup scale; null below 2 cells or when the speedups do not vary. */
export function speedupR2(cells: ReadonlyArray<{ p: number; speedup: number }>, f: number): number | null {
  if (cells.length < 2) return null;
  const meanSpeedup = cells.reduce((sum, c) => sum + c.speedup, 0) / cells.length;
  let residual = 0;
  let total = 0;
  for (const c of cells) {
    residual += (c.speedup - amdahlSpeedup(f, c.p)) ** 2;
    total += (c.speedup - meanSpeedup) ** 2;
  }
  return total === 0 ? null : 1 - residual / total;
}

const workloadKey = (r: Pick<SummaryRow, 'arch' | 'algorithm' | 'cost' | 'items'>) =>
  `${r.arch}|${r.algorithm}|${r.cost}|${r.items}`;

/**
 * Each cell's warm Durations, sorted, once per cell: a sequential cell is the baseline of every parallel cell at its
 * memory.
 */
function warmDurationsOf(cells: SampledCells): (row: SummaryRow) => number[] {
  const sorted = new Map<string, number[]>();
  return (row) => {
    const key = cellKey(row);
    let durations = sorted.get(key);
    if (durations === undefined) {
      durations = [...(cells.get(key)?.durations ?? [])].sort((a, b) => a - b);
      sorted.set(key, durations);
    }
    return durations;
  };
}

/**
 * The fits of every parallel mode. `cells` are the samples the summary was made from (summary.ts sampleCells): the
 * bootstrap resamples their warm Durations.
 */
export function amdahlRows(summary: readonly SummaryRow[], cells: SampledCells): AmdahlRow[] {
  const warmDurations = warmDurationsOf(cells);
  // The baseline of a cell, as the summary chose it: the sequential cell with the fewest workers at its memory.
  const baselines = new Map<string, SummaryRow>();
  for (const s of summary) {
    const key = `${workloadKey(s)}|${s.memory_mb}`;
    if (s.mode === 'sequential' && !baselines.has(key)) baselines.set(key, s);
  }
  const parallel = summary.filter((s) => s.mode !== 'sequential');
  return [...groupBy(parallel, (s) => `${workloadKey(s)}|${s.mode}`).values()].map((group) => {
    const first = group[0] as SummaryRow;
    const fitted: FitCell[] = [];
    for (const s of group) {
      const baseline = baselines.get(`${workloadKey(s)}|${s.memory_mb}`);
      if (s.speedup_vs_sequential === null || s.ideal_speedup === null || s.ideal_speedup <= 1 || !baseline) continue;
      fitted.push({
        p: s.ideal_speedup,
        speedup: s.speedup_vs_sequential,
        durations: warmDurations(s),
        baseline: warmDurations(baseline),
      });
    }
    const f = fitSerialFraction(fitted);
    const interval =
      f === null
        ? null
        : bootstrapInterval((random) => {
            const resampled: Array<{ p: number; speedup: number }> = [];
            for (const c of fitted) {
              const cell = resampledMedian(c.durations, random);
              const base = resampledMedian(c.baseline, random);
              if (cell === null || base === null || cell === 0) return null;
              resampled.push({ p: c.p, speedup: base / cell });
            }
            return fitSerialFraction(resampled);
          }, AMDAHL_BOOTSTRAP);
    return {
      arch: first.arch,
      mode: first.mode,
      algorithm: first.algorithm,
      cost: first.cost,
      items: first.items,
      emulated: group.some((s) => s.emulated),
      n_cells: fitted.length,
      serial_fraction: f,
      serial_fraction_ci95_low: interval?.low ?? null,
      serial_fraction_ci95_high: interval?.high ?? null,
      r2: f === null ? null : speedupR2(fitted, f),
      bootstrap_resamples: AMDAHL_BOOTSTRAP.resamples,
      bootstrap_seed: AMDAHL_BOOTSTRAP.seed,
    };
  });
}

export const amdahlCsv: Exporter<AmdahlRow> = csvExporter<AmdahlRow, (typeof AMDAHL_COLUMNS)[number]>(
  'amdahl.csv',
  AMDAHL_COLUMNS,
);

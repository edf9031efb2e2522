/**
 * scaling.csv, the knee table: per (arch, mode, workers) and workload, the smallest memory size from which more
 * memory stops paying: its median Duration is within KNEE_TOLERANCE of the best median at that memory or above (the
 * plateau). The published experiment's headline ("N workers reach their best time at M MB") in one row per line.
 * The knee can only be as fine as the sweep: the true one lies between the memory swept just below it and it.
 */
import { groupBy } from '../../lib/collections.js';
import { renderTable } from '../text/table.js';
import { csvExporter } from './csv.js';
import type { Exporter } from './exporter.js';
import type { SummaryRow } from './summary.js';

/** Within 5% of the best median at that memory or above counts as on the plateau. */
export const KNEE_TOLERANCE = 0.05;

export const SCALING_COLUMNS = [
  'arch',
  'mode',
  'workers',
  'algorithm',
  'cost',
  'items',
  'emulated',
  'knee_memory_mb',
  'knee_vcpu_share',
  'knee_median_ms',
  'previous_memory_mb',
  'best_memory_mb',
  'best_median_ms',
  'speedup_at_knee',
  'cost_per_1k_items_usd',
  'memories_swept',
] as const;

export interface ScalingRow {
  arch: SummaryRow['arch'];
  mode: SummaryRow['mode'];
  workers: number;
  algorithm: SummaryRow['algorithm'];
  cost: number;
  items: number;
  emulated: boolean;
  knee_memory_mb: number;
  knee_vcpu_share: number;
  knee_median_ms: number;
  /** The memory swept just below the knee: the true knee lies above it, up to knee_memory_mb. Null at the bottom. */
  previous_memory_mb: number | null;
  best_memory_mb: number;
  best_median_ms: number;
  speedup_at_knee: number | null;
  cost_per_1k_items_usd: number | null;
  memories_swept: number;
}

function lineKey(row: SummaryRow): string {
  return `${row.arch}|${row.algorithm}|${row.cost}|${row.items}|${row.mode}|${row.workers}`;
}

/** The knee of one line (its cells sorted by memory, each with a median); null when no cell has a median. */
function knee(cells: readonly SummaryRow[]): ScalingRow | null {
  const measured = cells
    .filter((c): c is SummaryRow & { median_ms: number } => c.median_ms !== null)
    .sort((a, b) => a.memory_mb - b.memory_mb);
  const first = measured[0];
  if (first === undefined) return null;
  // The best median at each memory or above, from the top down.
  const bestFrom: number[] = new Array(measured.length);
  let best = Number.POSITIVE_INFINITY;
  for (let i = measured.length - 1; i >= 0; i--) {
    best = Math.min(best, measured[i]?.median_ms ?? best);
    bestFrom[i] = best;
  }
  const index = measured.findIndex((c, i) => c.median_ms <= (1 + KNEE_TOLERANCE) * (bestFrom[i] ?? c.median_ms));
  const at = measured[index] ?? first;
  const bestCell = measured.reduce((a, b) => (b.median_ms < a.median_ms ? b : a));
  return {
    arch: first.arch,
    mode: first.mode,
    workers: first.workers,
    algorithm: first.algorithm,
    cost: first.cost,
    items: first.items,
    emulated: measured.some((c) => c.emulated),
    knee_memory_mb: at.memory_mb,
    knee_vcpu_share: at.vcpu_share,
    knee_median_ms: at.median_ms,
    previous_memory_mb: measured[index - 1]?.memory_mb ?? null,
    best_memory_mb: bestCell.memory_mb,
    best_median_ms: bestCell.median_ms,
    speedup_at_knee: at.speedup_vs_sequential,
    cost_per_1k_items_usd: at.cost_per_1k_items_usd,
    memories_swept: measured.length,
  };
}

/** The knee of every (arch, workload, mode, workers) line of the summary, in the summary's order. */
export function scalingRows(summary: readonly SummaryRow[]): ScalingRow[] {
  return [...groupBy(summary, lineKey).values()].map(knee).filter((row): row is ScalingRow => row !== null);
}

export const scalingCsv: Exporter<ScalingRow> = csvExporter<ScalingRow, (typeof SCALING_COLUMNS)[number]>(
  'scaling.csv',
  SCALING_COLUMNS,
);

/** Where the knee lies, as the sweep resolves it: `2654 MB` at the bottom, `1769-2654 MB` above a swept size. */
export function kneeRange(row: Pick<ScalingRow, 'previous_memory_mb' | 'knee_memory_mb'>): string {
  return row.previous_memory_mb === null
    ? `<= ${row.knee_memory_mb} MB`
    : `${row.previous_memory_mb + 1}-${row.knee_memory_mb} MB`;
}

/** The knee table for the terminal (Markdown), with a line on how coarse the sweep makes it. */
export function renderKneeTable(rows: readonly ScalingRow[]): string {
  if (rows.length === 0) return 'Knee: no cell has a median Duration.\n';
  const lines = rows.map((r) => [
    `${r.arch}${r.emulated ? ' *' : ''}`,
    `${r.mode} x${r.workers}`,
    String(r.knee_memory_mb),
    kneeRange(r),
    `${r.knee_median_ms.toFixed(1)} ms`,
    `${r.best_median_ms.toFixed(1)} ms @ ${r.best_memory_mb}`,
    r.speedup_at_knee === null ? '-' : `${r.speedup_at_knee.toFixed(2)}x`,
  ]);
  const table = renderTable(
    ['arch', 'mode', 'knee MB', 'knee lies in', 'median at knee', 'best median', 'speedup at knee'],
    lines,
    { style: 'markdown', rightAligned: (column) => column >= 2 },
  );
  const widest = Math.max(
    ...rows.map((r) => (r.previous_memory_mb === null ? 0 : r.knee_memory_mb - r.previous_memory_mb)),
  );
  const note =
    `Knee: the smallest memory whose median Duration is within ${KNEE_TOLERANCE * 100}% of the best at that memory or above. ` +
    (widest > 0
      ? `The sweep only resolves it to the step below it (up to ${widest} MB here); sweep finer around it to pin it down.`
      : 'Every knee is at the smallest memory swept: sweep lower to find where it starts.');
  return `${table}\n\n${note}\n`;
}

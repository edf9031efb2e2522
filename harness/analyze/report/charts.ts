/**
 * The report's charts as Vega-Lite specifications, built from the analysis's rows: pure data, no rendering (render.ts
 * turns them into SVG). Every plotted figure is a field of a summary row, an invocation's Init Duration, or the
 * parallelism model's ideal speedup (harness/model/parallelism.ts); nothing is smoothed or fitted here.
 *  - Duration vs memory, both on log scales, one line per mode and worker count, with the median's 95% interval.
 *  - Speedup over sequential vs vCPU share, measured, beside the model's ideal (dashed), per mode and worker count.
 *  - Cost per 1,000 items vs Duration: the trade-off, with each recommendation's pick ringed.
 *  - Init Duration vs memory: every cold start's, and their median per memory.
 */
import type { TopLevelSpec } from 'vega-lite';
import { MODES } from '../../../workloads/event.js';
import { MB_PER_VCPU, MEMORY_MB, vcpuShare } from '../../lambda/platform.js';
import { parallelism } from '../../model/parallelism.js';
import { formatCount } from '../../text/format.js';
import type { Recommendation } from '../recommend.js';
import type { InitPoint } from '../rows.js';
import type { SummaryRow } from '../summary.js';

export interface ChartInput {
  summary: readonly SummaryRow[];
  recommendations: readonly Recommendation[];
  initPoints: readonly InitPoint[];
  /** Host cores of an emulated run (they cap the model's ideal); null on Lambda. */
  hostCores: number | null;
}

export interface ChartSpec {
  /** A stable id: the HTML anchor and what the browser test looks for. */
  id: string;
  title: string;
  /** One or two sentences under the chart: what is plotted and from which rows. */
  caption: string;
  spec: TopLevelSpec;
}

/** Chart size in CSS pixels: two fit side by side on a laptop screen, one per row on a phone. */
const WIDTH = 400;
const HEIGHT = 260;
/** Points of the model's ideal line between the smallest and largest memory swept (plus every memory swept). */
const IDEAL_STEPS = 120;

type Row = Record<string, string | number | boolean | null>;

/** What tells one line of a chart from another: mode and workers, with arch and workload only when they vary. */
export function seriesLabeller(summary: readonly SummaryRow[]): (r: SeriesKey) => string {
  const arches = new Set(summary.map((r) => r.arch));
  const workloads = new Set(summary.map(workloadOf));
  return (r) => {
    const base = r.mode === 'sequential' ? 'sequential' : `${r.mode} x${r.workers}`;
    const arch = arches.size > 1 ? `${r.arch} ` : '';
    const workload = workloads.size > 1 && 'algorithm' in r ? `, ${workloadOf(r)}` : '';
    return `${arch}${base}${workload}`;
  };
}

type SeriesKey = Pick<SummaryRow, 'arch' | 'mode' | 'workers'> &
  Partial<Pick<SummaryRow, 'algorithm' | 'cost' | 'items'>>;

function workloadOf(r: Partial<Pick<SummaryRow, 'algorithm' | 'cost' | 'items'>>): string {
  return `${r.algorithm} ${r.cost}, ${r.items} items`;
}

/** The series in legend order: sequential first, then by mode and workers; the same colours on every chart. */
export function seriesOrder(summary: readonly SummaryRow[]): string[] {
  const label = seriesLabeller(summary);
  const sorted = [...summary].sort(
    (a, b) =>
      a.arch.localeCompare(b.arch) ||
      MODES.indexOf(a.mode) - MODES.indexOf(b.mode) ||
      a.workers - b.workers ||
      workloadOf(a).localeCompare(workloadOf(b)),
  );
  return [...new Set(sorted.map(label))];
}

function colour(domain: readonly string[]) {
  return {
    field: 'series',
    type: 'nominal',
    title: 'mode x workers',
    scale: { domain: [...domain], scheme: 'tableau10' },
  } as const;
}

/** Axis ticks at the memories swept: a log axis otherwise labels powers of ten no sweep uses. */
function memoryAxis(memories: readonly number[]) {
  return { values: [...memories], format: 'd', labelAngle: -90, labelOverlap: 'greedy' as const };
}

function sweptMemories(summary: readonly SummaryRow[]): number[] {
  return [...new Set(summary.map((r) => r.memory_mb))].sort((a, b) => a - b);
}

/**
 * What every chart shares: its size, and legends under the plot, so every chart is as wide as its plot and the page
 * shows them all at the same scale.
 */
function base(title: string) {
  return {
    width: WIDTH,
    height: HEIGHT,
    title,
    config: {
      legend: { orient: 'bottom', direction: 'horizontal', columns: 3, labelLimit: 220 },
      axis: { labelFontSize: 11, titleFontSize: 12 },
      title: { fontSize: 14, subtitleFontSize: 11 },
    },
  } as const;
}

/** Duration vs memory: the median warm Duration of every cell with one, and its 95% interval where it has one. */
export function durationChart(summary: readonly SummaryRow[]): ChartSpec {
  const label = seriesLabeller(summary);
  const values: Row[] = summary
    .filter((r) => r.median_ms !== null)
    .map((r) => ({
      series: label(r),
      memory_mb: r.memory_mb,
      median_ms: r.median_ms,
      ci95_low_ms: r.ci95_low_ms,
      ci95_high_ms: r.ci95_high_ms,
      n: r.n,
    }));
  const x = {
    field: 'memory_mb',
    type: 'quantitative',
    title: 'memory (MB, log scale)',
    scale: { type: 'log' },
    axis: memoryAxis(sweptMemories(summary)),
  } as const;
  const y = {
    type: 'quantitative',
    title: 'median warm Duration (ms, log scale)',
    scale: { type: 'log', nice: false, padding: 12 },
  } as const;
  return {
    id: 'duration-vs-memory',
    title: 'Duration vs memory',
    caption:
      'Median warm Duration of each cell (summary.csv median_ms) by memory size, one line per mode and worker count; the vertical bars are the 95% interval of the median, where a cell has enough rows for one (n >= 6).',
    spec: {
      ...base('Median warm Duration by memory'),
      data: { values },
      encoding: { x, color: colour(seriesOrder(summary)) },
      layer: [
        { mark: { type: 'line', point: true }, encoding: { y: { ...y, field: 'median_ms' } } },
        {
          transform: [{ filter: 'isValid(datum.ci95_low_ms) && isValid(datum.ci95_high_ms)' }],
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: { y: { ...y, field: 'ci95_low_ms' }, y2: { field: 'ci95_high_ms' } },
        },
      ],
    },
  };
}

/** The memories the ideal line is drawn at: an even grid over the swept range, plus every memory swept. */
function idealMemories(memories: readonly number[]): number[] {
  const low = memories[0] ?? MEMORY_MB.min;
  const high = memories[memories.length - 1] ?? low;
  const grid = Array.from({ length: IDEAL_STEPS + 1 }, (_, i) => Math.round(low + ((high - low) * i) / IDEAL_STEPS));
  return [...new Set([...grid, ...memories])].sort((a, b) => a - b);
}

/** Speedup vs vCPU share: each parallel cell's speedup over sequential, and the model's ideal along the swept range. */
export function speedupChart(summary: readonly SummaryRow[], hostCores: number | null): ChartSpec {
  const label = seriesLabeller(summary);
  const parallel = summary.filter((r) => r.mode !== 'sequential');
  const measured: Row[] = parallel
    .filter((r) => r.speedup_vs_sequential !== null)
    .map((r) => ({
      series: label(r),
      kind: 'measured',
      vcpu_share: r.vcpu_share,
      memory_mb: r.memory_mb,
      speedup: r.speedup_vs_sequential,
    }));
  const memories = idealMemories(sweptMemories(summary));
  const lines = new Map(parallel.map((r) => [label(r), r]));
  const ideal: Row[] = [...lines].flatMap(([series, r]) =>
    memories.map((memoryMb) => ({
      series,
      kind: 'model ideal',
      vcpu_share: vcpuShare(memoryMb),
      memory_mb: memoryMb,
      speedup: parallelism({
        mode: r.mode,
        workers: r.workers,
        items: r.items,
        memoryMb,
        hostCores: r.emulated ? hostCores : null,
      }).idealSpeedup,
    })),
  );
  const x = {
    field: 'vcpu_share',
    type: 'quantitative',
    title: `vCPU share (memory / ${formatCount(MB_PER_VCPU)} MB)`,
  } as const;
  const y = { field: 'speedup', type: 'quantitative', title: 'speedup over sequential at the same memory' } as const;
  const dash = {
    field: 'kind',
    type: 'nominal',
    title: 'line',
    scale: {
      domain: ['measured', 'model ideal'],
      range: [
        [1, 0],
        [5, 4],
      ],
    },
    // Said in the subtitle instead: a legend of dashes draws as dots in a layered chart.
    legend: null,
  } as const;
  return {
    id: 'speedup-vs-vcpu',
    title: 'Speedup vs vCPU share',
    caption:
      "Each parallel cell's speedup over sequential at the same memory (summary.csv speedup_vs_sequential), solid, and the speedup the parallelism model allows there (harness/model/parallelism.ts), dashed, over the memory range swept.",
    spec: {
      ...base('Speedup over sequential by vCPU share'),
      title: {
        text: 'Speedup over sequential by vCPU share',
        subtitle: 'solid: measured; dashed: what the parallelism model allows',
      },
      data: { values: [...ideal, ...measured] },
      encoding: { x, y, color: colour(seriesOrder(summary)), strokeDash: dash },
      layer: [
        { transform: [{ filter: "datum.kind === 'model ideal'" }], mark: { type: 'line', strokeWidth: 1.5 } },
        { transform: [{ filter: "datum.kind === 'measured'" }], mark: { type: 'line', point: true } },
      ],
    },
  };
}

/** Cost per 1,000 items vs Duration: every cell with both, and each recommendation's pick ringed and named. */
export function costChart(summary: readonly SummaryRow[], recommendations: readonly Recommendation[]): ChartSpec {
  const label = seriesLabeller(summary);
  const priced = summary.filter((r) => r.median_ms !== null && r.cost_per_1k_items_usd !== null);
  // Each line runs from its smallest memory to its largest; only those two points are labelled, or the labels of
  // a dozen cells at nearly the same cost would cover each other.
  const ends = new Map<string, { low: number; high: number }>();
  for (const r of priced) {
    const end = ends.get(label(r));
    ends.set(label(r), {
      low: Math.min(end?.low ?? r.memory_mb, r.memory_mb),
      high: Math.max(end?.high ?? r.memory_mb, r.memory_mb),
    });
  }
  const cells: Row[] = priced.map((r) => {
    const end = ends.get(label(r));
    const labelled = end !== undefined && (r.memory_mb === end.low || r.memory_mb === end.high);
    return {
      series: label(r),
      memory_mb: r.memory_mb,
      median_ms: r.median_ms,
      cost_per_1k_items_usd: r.cost_per_1k_items_usd,
      memory_label: labelled ? `${r.memory_mb} MB` : '',
    };
  });
  const picked = recommendations.flatMap((rec) => (rec.pick === null ? [] : [{ rec, pick: rec.pick }]));
  const picks: Row[] = picked.map(({ pick }) => ({
    median_ms: pick.median_ms,
    cost_per_1k_items_usd: pick.cost_per_1k_items_usd,
  }));
  const subtitle = picked.map(
    ({ rec, pick }) => `ringed: the ${rec.strategy} pick, ${pick.mode} x${pick.workers} at ${pick.memory_mb} MB`,
  );
  const x = {
    field: 'median_ms',
    type: 'quantitative',
    title: 'median warm Duration (ms, log scale)',
    // Not extended to powers of ten: the cells' own range, spread over the width.
    scale: { type: 'log', nice: false, padding: 12 },
  } as const;
  const y = {
    field: 'cost_per_1k_items_usd',
    type: 'quantitative',
    title: 'USD per 1,000 items',
    scale: { zero: false },
    axis: { format: '$.3~g' },
  } as const;
  return {
    id: 'cost-vs-duration',
    title: 'Cost per 1,000 items vs Duration',
    caption:
      'Each cell by its median warm Duration and its cost per 1,000 items (summary.csv cost_per_1k_items_usd), one line per mode and worker count from its smallest memory to its largest (both labelled); down and to the left is better. The ring is the recommendation.',
    spec: {
      ...base('The trade-off: cost against Duration'),
      ...(subtitle.length > 0 ? { title: { text: 'The trade-off: cost against Duration', subtitle } } : {}),
      layer: [
        {
          data: { values: cells },
          mark: { type: 'line', point: { filled: true, size: 50 }, strokeWidth: 1 },
          encoding: { x, y, color: colour(seriesOrder(summary)), order: { field: 'memory_mb', type: 'quantitative' } },
        },
        {
          data: { values: cells },
          mark: { type: 'text', dx: 5, dy: -7, align: 'left', fontSize: 9, color: '#444' },
          encoding: { x, y, text: { field: 'memory_label', type: 'nominal' } },
        },
        {
          data: { values: picks },
          mark: { type: 'point', shape: 'circle', size: 500, strokeWidth: 2.5, color: '#111', filled: false },
          encoding: { x, y },
        },
      ],
    },
  };
}

/** Init Duration vs memory: every cold start that reported one, and the median per memory; null without any. */
export function initChart(points: readonly InitPoint[], summary: readonly SummaryRow[]): ChartSpec | null {
  if (points.length === 0) return null;
  const arches = new Set(points.map((p) => p.arch));
  const values: Row[] = points.map((p) => ({
    memory_mb: p.memory_mb,
    init_ms: p.init_ms,
    arch: p.arch,
    mode: p.mode,
  }));
  const memories = [...new Set([...points.map((p) => p.memory_mb), ...sweptMemories(summary)])].sort((a, b) => a - b);
  const x = {
    field: 'memory_mb',
    type: 'quantitative',
    title: 'memory (MB, log scale)',
    scale: { type: 'log' },
    axis: memoryAxis(memories),
  } as const;
  const y = { field: 'init_ms', type: 'quantitative', title: 'Init Duration (ms)' } as const;
  const colourBy =
    arches.size > 1 ? ({ field: 'arch', type: 'nominal', title: 'arch' } as const) : ({ value: '#4c78a8' } as const);
  return {
    id: 'init-vs-memory',
    title: 'Init Duration vs memory',
    caption:
      "Each cold start's Init Duration from its REPORT line (invocations.csv init_ms), by memory size, and their median per memory (the line). INIT is not part of any Duration above.",
    spec: {
      ...base('Init Duration of cold starts by memory'),
      data: { values },
      layer: [
        { mark: { type: 'point', opacity: 0.6 }, encoding: { x, y, color: colourBy } },
        {
          mark: { type: 'line', point: true, color: '#222' },
          encoding: { x, y: { ...y, aggregate: 'median' }, ...(arches.size > 1 ? { detail: { field: 'arch' } } : {}) },
        },
      ],
    },
  };
}

/** Every chart the data has: the Init chart only when some cold start reported an Init Duration. */
export function reportCharts(input: ChartInput): ChartSpec[] {
  const charts = [
    durationChart(input.summary),
    speedupChart(input.summary, input.hostCores),
    costChart(input.summary, input.recommendations),
    initChart(input.initPoints, input.summary),
  ];
  return charts.filter((c): c is ChartSpec => c !== null);
}

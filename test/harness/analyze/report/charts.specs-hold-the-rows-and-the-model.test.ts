/**
 * The report's chart specifications: the values each chart plots are the summary rows' figures, the ideal line is
 * the parallelism model's, worked out by hand here, and the recommendation's pick is the point ringed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recommend } from '../../../../harness/analyze/recommend.js';
import {
  costChart,
  durationChart,
  initChart,
  reportCharts,
  seriesLabeller,
  seriesOrder,
  speedupChart,
} from '../../../../harness/analyze/report/charts.js';
import { MB_PER_VCPU, memoryForVcpus } from '../../../../harness/lambda/platform.js';
import { summaryRow } from '../../../support/summary-fixtures.js';

const ONE = MB_PER_VCPU;
const ONE_AND_A_HALF = memoryForVcpus(1.5);
const TWO = memoryForVcpus(2);

const rows = [
  summaryRow({ memory_mb: ONE, median_ms: 400, cost_per_1k_items_usd: 0.3, ci95_low_ms: 390, ci95_high_ms: 410 }),
  summaryRow({
    memory_mb: ONE,
    mode: 'worker_threads',
    workers: 2,
    median_ms: 410,
    speedup_vs_sequential: 400 / 410,
    cost_per_1k_items_usd: 0.31,
    ci95_low_ms: null,
    ci95_high_ms: null,
  }),
  summaryRow({ memory_mb: ONE_AND_A_HALF, median_ms: 400, cost_per_1k_items_usd: 0.45 }),
  summaryRow({
    memory_mb: ONE_AND_A_HALF,
    mode: 'worker_threads',
    workers: 2,
    median_ms: 290,
    speedup_vs_sequential: 400 / 290,
    cost_per_1k_items_usd: 0.33,
  }),
  summaryRow({ memory_mb: TWO, median_ms: 400, cost_per_1k_items_usd: 0.6 }),
  summaryRow({
    memory_mb: TWO,
    mode: 'worker_threads',
    workers: 2,
    median_ms: 210,
    speedup_vs_sequential: 400 / 210,
    cost_per_1k_items_usd: 0.32,
  }),
  summaryRow({ memory_mb: TWO, median_ms: null, mode: 'child_process', workers: 2, speedup_vs_sequential: null }),
];

type Datum = Record<string, unknown>;
const valuesOf = (data: unknown): Datum[] => (data as { values: Datum[] }).values;

test('Duration vs memory: one point per cell with a median, its interval as given, log scales', () => {
  const chart = durationChart(rows);
  const values = valuesOf(chart.spec.data);
  assert.equal(values.length, 6, 'the child_process cell has no median: not plotted');
  assert.deepEqual(values[0], {
    series: 'sequential',
    memory_mb: ONE,
    median_ms: 400,
    ci95_low_ms: 390,
    ci95_high_ms: 410,
    n: 10,
  });
  assert.equal(values[1]?.series, 'worker_threads x2');
  assert.equal(values[1]?.ci95_low_ms, null);
  const spec = chart.spec as unknown as {
    encoding: { x: { field: string; scale: { type: string } } };
    layer: Array<{ encoding: { y: { field: string; scale: { type: string } } } }>;
  };
  assert.equal(spec.encoding.x.field, 'memory_mb');
  assert.equal(spec.encoding.x.scale.type, 'log');
  assert.deepEqual(
    spec.layer.map((l) => [l.encoding.y.field, l.encoding.y.scale.type]),
    [
      ['median_ms', 'log'],
      ['ci95_low_ms', 'log'],
    ],
  );
});

test('speedup vs vCPU share: measured speedups, and the model ideal by hand at the memories swept', () => {
  const chart = speedupChart(rows, null);
  const values = valuesOf(chart.spec.data);
  const measured = values.filter((v) => v.kind === 'measured');
  assert.deepEqual(
    measured.map((v) => [v.memory_mb, v.speedup]),
    [
      [ONE, 400 / 410],
      [ONE_AND_A_HALF, 400 / 290],
      [TWO, 400 / 210],
    ],
  );
  const ideal = (memory: number) => values.find((v) => v.kind === 'model ideal' && v.memory_mb === memory)?.speedup;
  // worker_threads x2, 10 items: min(2 slices, share, 2 cores) over min(1, share) CPUs.
  assert.equal(ideal(ONE), 1);
  assert.ok(Math.abs((ideal(ONE_AND_A_HALF) as number) - ONE_AND_A_HALF / MB_PER_VCPU) < 1e-12);
  assert.equal(ideal(TWO), 2);
  assert.equal(ideal(memoryForVcpus(0.5)), undefined, 'no point outside the memory range swept');
  // On an emulated host of one core, the pool gets no more than sequential: ideal 1 everywhere.
  const emulated = rows.map((r) => ({ ...r, emulated: true }));
  const capped = valuesOf(speedupChart(emulated, 1).spec.data).filter((v) => v.kind === 'model ideal');
  assert.ok(capped.length > 3);
  assert.ok(capped.every((v) => v.speedup === 1));
  // child_process has no speedup measured, but its ideal line is still drawn; sequential has neither.
  assert.ok(values.some((v) => v.series === 'child_process x2' && v.kind === 'model ideal'));
  assert.ok(!values.some((v) => v.series === 'sequential'));
});

test('cost vs Duration: the cells with both figures, and the pick of each recommendation ringed', () => {
  const recommendations = recommend(rows, { strategy: 'cost', maxDurationMs: null });
  const chart = costChart(rows, recommendations);
  const layers = (chart.spec as { layer: Array<{ data: unknown; mark: { type: string; filled?: boolean } }> }).layer;
  const cells = valuesOf(layers[0]?.data);
  assert.equal(cells.length, 6);
  const ring = layers.find((l) => l.mark.type === 'point' && l.mark.filled === false);
  // cost strategy: the least USD per 1,000 items is sequential at one vCPU ($0.3).
  assert.deepEqual(valuesOf(ring?.data), [{ median_ms: 400, cost_per_1k_items_usd: 0.3 }]);
  assert.deepEqual((chart.spec.title as { subtitle: string[] }).subtitle, [
    `ringed: the cost pick, sequential x1 at ${ONE} MB`,
  ]);
  // Only each line's two ends are labelled with their memory.
  assert.deepEqual(
    cells.filter((c) => c.series === 'worker_threads x2').map((c) => c.memory_label),
    [`${ONE} MB`, '', `${TWO} MB`],
  );
  const none = costChart(rows, recommend(rows, { strategy: 'cost', maxDurationMs: 1 }));
  assert.deepEqual(valuesOf((none.spec as { layer: Array<{ data: unknown }> }).layer[2]?.data), []);
});

test('Init Duration vs memory: every cold start, and no chart without one', () => {
  assert.equal(initChart([], rows), null);
  const points = [
    { arch: 'x86_64', memory_mb: ONE, mode: 'sequential', workers: 1, init_ms: 210.5 },
    { arch: 'x86_64', memory_mb: TWO, mode: 'worker_threads', workers: 2, init_ms: 190.25 },
  ] as const;
  const chart = initChart(points, rows);
  assert.deepEqual(
    valuesOf(chart?.spec.data).map((v) => [v.memory_mb, v.init_ms]),
    [
      [ONE, 210.5],
      [TWO, 190.25],
    ],
  );
  assert.equal(reportCharts({ summary: rows, recommendations: [], initPoints: [], hostCores: null }).length, 3);
  assert.deepEqual(
    reportCharts({ summary: rows, recommendations: [], initPoints: points, hostCores: null }).map((c) => c.id),
    ['duration-vs-memory', 'speedup-vs-vcpu', 'cost-vs-duration', 'init-vs-memory'],
  );
});

test('series: sequential first, then by mode and workers; the arch named only when the run has two', () => {
  assert.deepEqual(seriesOrder(rows), ['sequential', 'worker_threads x2', 'child_process x2']);
  const arm = [...rows, summaryRow({ arch: 'arm64' })];
  assert.equal(seriesLabeller(arm)({ arch: 'arm64', mode: 'worker_threads', workers: 2 }), 'arm64 worker_threads x2');
  assert.equal(seriesLabeller(rows)({ arch: 'x86_64', mode: 'sequential', workers: 1 }), 'sequential');
});

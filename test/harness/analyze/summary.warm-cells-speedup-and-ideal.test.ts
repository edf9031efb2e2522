import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SUMMARY_COLUMNS, type SummaryRow, summarize } from '../../../harness/analyze/summary.js';
import { invocationRow } from '../../support/report-fixtures.js';

function close(actual: number | null, expected: number, tolerance = 1e-12): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);
}

function cell(summary: SummaryRow[], mode: SummaryRow['mode'], workers: number, memory = 3538): SummaryRow {
  const row = summary.find((r) => r.mode === mode && r.workers === workers && r.memory_mb === memory);
  assert.ok(row, `no ${mode} x${workers} at ${memory} MB`);
  return row;
}

// 3538 MB = 2.0 vCPU share exactly (3538 / 1769), 2 visible cores.
const at3538 = { memory_mb: 3538, vcpu_share: 2 };

test('statistics use warm rows only: warm-ups, cold starts, failures and wrong digests are left out', () => {
  const rows = [
    invocationRow({ ...at3538, warmup: true, cold: true, duration_ms: 5000 }),
    invocationRow({ ...at3538, cold: true, duration_ms: 4000, init_ms: 300 }),
    invocationRow({ ...at3538, status: 'timeout', duration_ms: 3000 }),
    invocationRow({ ...at3538, status: 'throttled', duration_ms: null, cold: null }),
    invocationRow({ ...at3538, digest_ok: false, duration_ms: 10 }),
    invocationRow({ ...at3538, warmup: true, status: 'error', duration_ms: 20 }),
    ...[1010, 990, 1000].map((d) => invocationRow({ ...at3538, duration_ms: d, billed_ms: d + 1, cost_usd: d * 1e-8 })),
  ];
  const [row] = summarize(rows);
  assert.ok(row);
  assert.equal(row.n, 3);
  // timeout, throttled, wrong digest; the failed warm-up is not counted
  assert.equal(row.n_errors, 3);
  assert.equal(row.median_ms, 1000);
  assert.equal(row.mean_ms, 1000);
  // deviations 10 -10 0: variance 200 / 2 = 100, stdev 10, cv 0.01
  assert.equal(row.stdev_ms, 10);
  assert.equal(row.cv, 0.01);
  // sorted 990 1000 1010; p90: h = 2 * 0.9 = 1.8 -> 1000 + 0.8 * 10 = 1008; p99: h = 1.98 -> 1009.8
  close(row.p90_ms, 1008, 1e-9);
  close(row.p99_ms, 1009.8, 1e-9);
  // n = 3 < 6: no distribution-free 95% interval
  assert.equal(row.ci95_low_ms, null);
  assert.equal(row.ci95_high_ms, null);
  assert.equal(row.outliers, 0);
  assert.equal(row.billed_median_ms, 1001);
  close(row.cost_per_invocation_usd, 1e-5);
  // 1e-5 USD / 40 items * 1000 = 2.5e-4 USD per 1k items; 40 items / 1.000 s = 40 items/s
  close(row.cost_per_1k_items_usd, 2.5e-4);
  assert.equal(row.items_per_s, 40);
  assert.equal(row.speedup_vs_sequential, 1);
  assert.equal(row.ideal_speedup, 1);
  assert.equal(row.efficiency, 1);
});

test('speedup is against the sequential cell with the fewest workers at the same arch and memory', () => {
  const rows = [
    ...[1000, 1000, 1000].map((d) => invocationRow({ ...at3538, duration_ms: d })),
    ...[900, 900, 900].map((d) => invocationRow({ ...at3538, workers: 2, duration_ms: d })),
    ...[520, 500, 510].map((d) => invocationRow({ ...at3538, mode: 'worker_threads', workers: 2, duration_ms: d })),
    ...[250, 260, 255].map((d) => invocationRow({ ...at3538, mode: 'fan_out', workers: 4, duration_ms: d })),
    // another memory size has its own baseline
    ...[4000, 4000, 4000].map((d) => invocationRow({ memory_mb: 1024, vcpu_share: 1024 / 1769, duration_ms: d })),
  ];
  const summary = summarize(rows);
  // sorted: 1024 MB first, then mode order sequential < worker_threads < child_process < fan_out, then workers
  assert.deepEqual(
    summary.map((r) => `${r.memory_mb} ${r.mode} x${r.workers}`),
    ['1024 sequential x1', '3538 sequential x1', '3538 sequential x2', '3538 worker_threads x2', '3538 fan_out x4'],
  );
  // 1000 / 510 = 1.96078...; ideal min(2 workers, 2.0 share, 2 cores) / min(1, 2.0) = 2; efficiency 0.98039...
  const threads = cell(summary, 'worker_threads', 2);
  close(threads.speedup_vs_sequential, 1000 / 510);
  assert.equal(threads.ideal_speedup, 2);
  close(threads.efficiency, 1000 / 510 / 2);
  // sequential x2 is compared with sequential x1: 1000 / 900
  close(cell(summary, 'sequential', 2).speedup_vs_sequential, 1000 / 900);
  // fan_out: ideal = workers (each slice gets its own environment); 1000 / 255 = 3.92157
  const fan = cell(summary, 'fan_out', 4);
  assert.equal(fan.ideal_speedup, 4);
  close(fan.speedup_vs_sequential, 1000 / 255);
  close(fan.efficiency, 1000 / 255 / 4);
  assert.equal(cell(summary, 'sequential', 1, 1024).speedup_vs_sequential, 1);
});

test('ideal speedup and efficiency use the parallelism model, items included (uneven slices, items < workers)', () => {
  // 4 items at 7077 MB (4 vCPUs, 5 cores): worker_threads x3 -> slices 2,1,1 -> ideal 2; fan_out x6 -> 4 children -> 4.
  const at7077 = { memory_mb: 7077, items: 4, visible_cores: 5 };
  const summary = summarize([
    invocationRow({ ...at7077, mode: 'sequential', workers: 1, duration_ms: 400 }),
    invocationRow({ ...at7077, mode: 'worker_threads', workers: 3, duration_ms: 200 }),
    invocationRow({ ...at7077, mode: 'fan_out', workers: 6, duration_ms: 100 }),
  ]);
  const threads = summary.find((r) => r.mode === 'worker_threads');
  const fan = summary.find((r) => r.mode === 'fan_out');
  assert.ok(threads && fan);
  assert.equal(threads.ideal_speedup, 2);
  assert.equal(threads.speedup_vs_sequential, 2);
  assert.equal(threads.efficiency, 1);
  assert.equal(fan.ideal_speedup, 4);
  assert.equal(fan.efficiency, 1);
});

test('an emulated cell is capped by the host cores it ran on; a cell on Lambda is not', () => {
  const rows = [
    invocationRow({ memory_mb: 7077, items: 8, mode: 'worker_threads', workers: 4, emulated: true }),
    invocationRow({ memory_mb: 7077, items: 8, mode: 'fan_out', workers: 4, emulated: false }),
  ];
  const [threads, fan] = summarize(rows, { hostCores: 2 }).filter((r) => r.mode !== 'sequential');
  assert.equal(threads?.ideal_speedup, 2);
  assert.equal(fan?.ideal_speedup, 4);
});

test('cells without warm rows, without cores, or without a sequential baseline have empty figures', () => {
  const summary = summarize([
    invocationRow({ ...at3538, mode: 'worker_threads', workers: 2, visible_cores: null, duration_ms: 500 }),
    invocationRow({ ...at3538, mode: 'child_process', workers: 2, status: 'error', duration_ms: null }),
  ]);
  const threads = cell(summary, 'worker_threads', 2);
  assert.equal(threads.speedup_vs_sequential, null);
  // The model needs no reported cores: 2 workers at 2 vCPUs, 40 items.
  assert.equal(threads.ideal_speedup, 2);
  assert.equal(threads.efficiency, null);
  assert.equal(threads.visible_cores, null);
  const children = cell(summary, 'child_process', 2);
  assert.equal(children.n, 0);
  assert.equal(children.n_errors, 1);
  assert.equal(children.median_ms, null);
  assert.equal(children.items_per_s, null);
  assert.equal(children.cost_per_1k_items_usd, null);
  assert.equal(children.ideal_speedup, 2);
});

test('a cell is emulated if any row is, CPU-enforced only if every row is; different workloads never mix', () => {
  const summary = summarize([
    invocationRow({ ...at3538, emulated: true, cpu_enforced: true }),
    invocationRow({ ...at3538, emulated: true, cpu_enforced: false }),
    invocationRow({ ...at3538, emulated: true, cpu_enforced: true, items: 80 }),
  ]);
  assert.equal(summary.length, 2);
  assert.deepEqual(
    summary.map((r) => [r.items, r.emulated, r.cpu_enforced, r.n]),
    [
      [40, true, false, 2],
      [80, true, true, 1],
    ],
  );
});

test('summary rows have exactly the documented columns, key columns first', () => {
  const [row] = summarize([invocationRow()]);
  assert.ok(row);
  assert.deepEqual(Object.keys(row), [...SUMMARY_COLUMNS]);
  assert.deepEqual(SUMMARY_COLUMNS.slice(0, 6), ['arch', 'memory_mb', 'mode', 'workers', 'emulated', 'cpu_enforced']);
});

test('n_cost_incomplete counts measured rows whose own REPORT arrived but whose cost could not be completed', () => {
  const fan = { mode: 'fan_out', workers: 2 } as const;
  const [row] = summarize([
    invocationRow({ ...fan, cost_usd: 0.00002 }),
    // A child's REPORT never arrived: the parent's billed time is known, its cost is not.
    invocationRow({ ...fan, cost_usd: null }),
    invocationRow({ ...fan, cost_usd: null }),
    // No REPORT at all is another matter (no_report), and warm-ups do not count.
    invocationRow({ ...fan, cost_usd: null, billed_ms: null, duration_ms: null }),
    invocationRow({ ...fan, cost_usd: null, warmup: true }),
  ]);
  assert.equal(row?.n_cost_incomplete, 2);
  assert.equal(row?.cost_per_invocation_usd, 0.00002, 'the cost figures use the rows that have one');
});

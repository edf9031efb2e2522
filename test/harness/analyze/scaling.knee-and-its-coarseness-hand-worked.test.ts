/** scaling.csv: the knee of each line, worked out by hand from summary rows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kneeRange, renderKneeTable, scalingCsv, scalingRows } from '../../../harness/analyze/scaling.js';
import { readCsvObjects } from '../../support/report-fixtures.js';
import { summaryRow } from '../../support/summary-fixtures.js';

const threads = (memory_mb: number, median_ms: number | null, speedup: number | null = null) =>
  summaryRow({ memory_mb, mode: 'worker_threads', workers: 2, median_ms, speedup_vs_sequential: speedup });

test('the knee is the smallest memory within 5% of the best median at that memory or above', () => {
  // Medians 300, 150, 60, 40, 41, 39 at 256 ... 3538 MB. Best at or above each: 39 everywhere. Within 5% of 39 is
  // <= 40.95: 1769 MB (40) is the first. Best overall: 39 at 3538 MB.
  const rows = scalingRows([
    threads(256, 300),
    threads(512, 150),
    threads(1024, 60),
    threads(1769, 40, 1.9),
    threads(2654, 41),
    threads(3538, 39),
  ]);
  assert.equal(rows.length, 1);
  const [row] = rows;
  assert.equal(row?.knee_memory_mb, 1769);
  assert.equal(row?.knee_median_ms, 40);
  assert.equal(row?.previous_memory_mb, 1024);
  assert.equal(row?.best_memory_mb, 3538);
  assert.equal(row?.best_median_ms, 39);
  assert.equal(row?.speedup_at_knee, 1.9);
  assert.equal(row?.memories_swept, 6);
  assert.equal(kneeRange({ previous_memory_mb: 1024, knee_memory_mb: 1769 }), '1025-1769 MB');
});

test('a later dip moves the knee up: only the best at that memory or above counts', () => {
  // 100, 50, 52, 30: best at or above 512 is 30, 50 > 31.5; at 1024 52 > 31.5; the knee is 2048 (30).
  const [row] = scalingRows([threads(256, 100), threads(512, 50), threads(1024, 52), threads(2048, 30)]);
  assert.equal(row?.knee_memory_mb, 2048);
  assert.equal(row?.previous_memory_mb, 1024);
});

test('one line per (mode, workers); cells without a median are left out; the CSV has its columns', () => {
  const rows = scalingRows([
    summaryRow({ memory_mb: 512 }),
    threads(512, null),
    threads(1024, 20),
    summaryRow({ memory_mb: 1024, median_ms: 90 }),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.mode, r.knee_memory_mb, r.previous_memory_mb]),
    [
      ['sequential', 1024, 512],
      ['worker_threads', 1024, null],
    ],
  );
  const csv = readCsvObjects(scalingCsv.serialize(rows));
  assert.equal(csv[1]?.previous_memory_mb, '');
  assert.equal(csv[0]?.knee_median_ms, '90');
  assert.match(renderKneeTable(rows), /up to 512 MB here/);
});

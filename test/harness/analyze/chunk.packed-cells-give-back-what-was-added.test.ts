/**
 * chunk.ts PackedCells: what the streaming analyzer keeps of each row, packed by cell. Each cell's rows must come back
 * as the summary inputs that went in, field for field (nulls, every status, both booleans), in the order they went in,
 * whether the run of rows was made by rowRun or by hand; and it must group them as summary.ts groupCells does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackedCells, packSummary, rowRun, SUMMARY_WIDTH } from '../../../harness/analyze/chunk.js';
import { cellKey, groupCells, type SummaryInput, summaryInput } from '../../../harness/analyze/summary.js';
import { invocationRow } from '../../support/report-fixtures.js';

const rows = [
  invocationRow({ memory_mb: 1769, duration_ms: 101.25, cost_usd: 0.0000016667 }),
  invocationRow({ memory_mb: 3538, mode: 'worker_threads', workers: 2, duration_ms: null, billed_ms: null }),
  invocationRow({
    memory_mb: 1769,
    status: 'timeout',
    cold: null,
    digest_ok: null,
    visible_cores: null,
    cost_usd: null,
  }),
  invocationRow({ memory_mb: 3538, mode: 'worker_threads', workers: 2, status: 'throttled', warmup: true }),
  invocationRow({ memory_mb: 1769, arch: 'arm64', status: 'error', digest_ok: false, host_oversubscription: 1.5 }),
  invocationRow({ memory_mb: 1769, emulated: true, cpu_enforced: false, cold: true, warmup: false }),
];
const inputs: SummaryInput[] = rows.map(summaryInput);

/** Cells' rows as plain objects: PackedCells' rows read their fields from the packed numbers when asked. */
const plain = (cells: Iterable<readonly SummaryInput[]>) => [...cells].map((cell) => cell.map(summaryInput));

test("rows added as rowRun's run come back by cell, in order, field for field", () => {
  const packed = new PackedCells();
  packed.addRun(rowRun(rows));
  const expected = groupCells(inputs);
  assert.equal(packed.count, inputs.length);
  assert.deepEqual(plain(packed.values()), [...expected.values()]);
  for (const [key, cellRows] of expected) assert.deepEqual(packed.get(key)?.map(summaryInput), cellRows);
  assert.equal(packed.get('no such cell'), undefined);
});

test('a run of rows packed by hand, added again and again, lands in the cells groupCells makes', () => {
  const summaries = new Float64Array(inputs.length * SUMMARY_WIDTH);
  for (const [i, input] of inputs.entries()) packSummary(input, summaries, i * SUMMARY_WIDTH);
  const keys = [...new Set(inputs.map(cellKey))];
  const packed = new PackedCells();
  // More rows than a cell's block holds (1,024), so each cell fills one and goes on in the next.
  const ROUNDS = 1100;
  for (let round = 0; round < ROUNDS; round++) {
    packed.addRun({
      csv: new Uint8Array(0),
      count: inputs.length,
      summaries,
      cells: keys,
      cellOf: Uint32Array.from(inputs.map((input) => keys.indexOf(cellKey(input)))),
      initPoints: [],
    });
  }
  const many = Array.from({ length: ROUNDS }, () => inputs).flat();
  assert.equal(packed.count, many.length);
  assert.deepEqual(plain(packed.values()), [...groupCells(many).values()]);
});

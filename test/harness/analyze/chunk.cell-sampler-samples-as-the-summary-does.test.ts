/**
 * chunk.ts CellSampler: what the streaming analyzer keeps of each row, its cell's samples, from rows packed to cross
 * threads. Its cells must be summary.ts sampleCells' of the same rows (every field the samples read: nulls, every
 * status, both booleans; cells and samples in the rows' order), whether the run of rows was made by rowRun or by hand,
 * and however many runs the rows came in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellSampler, packSummary, rowRun, SUMMARY_WIDTH } from '../../../harness/analyze/chunk.js';
import { cellKey, type SummaryInput, sampleCells, summaryInput } from '../../../harness/analyze/summary.js';
import { invocationRow } from '../../support/report-fixtures.js';

const rows = [
  invocationRow({ memory_mb: 1769, duration_ms: 101.25, cost_usd: 0.0000016667, visible_cores: 1 }),
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
  invocationRow({ memory_mb: 1769, duration_ms: 99.5, cost_usd: null, billed_ms: 100, host_oversubscription: 2 }),
  invocationRow({ memory_mb: 1769, duration_ms: 98.75, cpu_enforced: false, visible_cores: 2 }),
];
const inputs: SummaryInput[] = rows.map(summaryInput);

test("rows added as rowRun's run land in the cells sampleCells makes of them", () => {
  const sampler = new CellSampler();
  sampler.addRun(rowRun(rows));
  assert.equal(sampler.count, inputs.length);
  const expected = sampleCells(inputs);
  assert.deepEqual([...sampler.cells.keys()], [...expected.keys()]);
  assert.deepEqual(sampler.cells, expected);
  // Not vacuous: the cells hold what the rows say.
  const first = expected.get(cellKey(inputs[0] as SummaryInput));
  assert.deepEqual(first?.durations, [101.25, 99.5, 98.75]);
  // The timeout's and the 99.5 ms row's: Billed Duration known, cost not.
  assert.equal(first?.costIncomplete, 2);
  assert.equal(first?.oversubscribed, 1);
  assert.equal(first?.cpuEnforced, false);
});

test('rows packed by hand and added run after run land where sampleCells puts them, in order', () => {
  const summaries = new Float64Array(inputs.length * SUMMARY_WIDTH);
  for (const [i, input] of inputs.entries()) packSummary(input, summaries, i * SUMMARY_WIDTH);
  const keys = [...new Set(inputs.map(cellKey))];
  const sampler = new CellSampler();
  const rounds = 30;
  for (let round = 0; round < rounds; round++) {
    sampler.addRun({
      csv: new Uint8Array(0),
      count: inputs.length,
      summaries,
      cells: keys,
      cellOf: Uint32Array.from(inputs.map((input) => keys.indexOf(cellKey(input)))),
      initPoints: [],
    });
  }
  const many = Array.from({ length: rounds }, () => inputs).flat();
  assert.equal(sampler.count, many.length);
  assert.deepEqual(sampler.cells, sampleCells(many));
});

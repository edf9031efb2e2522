import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeRun } from '../../../harness/analyze/analyze.js';
import { INVOCATION_COLUMNS } from '../../../harness/analyze/rows.js';
import { SUMMARY_COLUMNS } from '../../../harness/analyze/summary.js';
import type { InvocationRecord } from '../../../harness/run/record.js';
import {
  failedRecord,
  jsonl,
  okRecord,
  readCsv,
  readCsvObjects,
  reportLine,
  workloadResponse,
} from '../../support/report-fixtures.js';

// 3538 MB = 2 vCPUs (harness/lambda/README.md "Memory and CPU"); the fixture function reports 2 visible cores.
const MEMORY = 3538;
const GB = MEMORY / 1024;
const base = { memoryMb: MEMORY, functionName: 'vcpu-bench-3538' } as const;
const seq = { ...base, mode: 'sequential', workers: 1 } as const;
const threads = { ...base, mode: 'worker_threads', workers: 2 } as const;
const fan = { ...base, mode: 'fan_out', workers: 2 } as const;

const sequentialMs = [1000.5, 1010.25, 990.75, 1005, 995.5, 2000];
const threadMs = [520.5, 530.25, 510.75];

// The REPORT of worker_threads rep 1 is not on its record: it is only in the saved CloudWatch export, in the JSON
// log format; so is fan-out child b.
const jsonReport = JSON.stringify({
  time: '2026-01-02T03:05:00.000Z',
  type: 'platform.report',
  record: {
    requestId: 'wt-1',
    metrics: { durationMs: threadMs[1], billedDurationMs: 531, memorySizeMB: MEMORY, maxMemoryUsedMB: 120 },
    status: 'success',
  },
});
const childB = reportLine('child-b', { durationMs: 649.1, billedMs: 650, memoryMb: MEMORY });
const cloudWatchExport = JSON.stringify({
  events: [
    { timestamp: 1, message: 'START RequestId: wt-1 Version: $LATEST\n' },
    { timestamp: 2, message: jsonReport },
    { timestamp: 3, message: `${childB}\n` },
  ],
});

const records: InvocationRecord[] = [
  okRecord({
    ...seq,
    warmup: true,
    requestId: 'warm-up',
    reportLine: `2026-01-02T03:04:05.000Z\t${reportLine('warm-up', { durationMs: 1100, billedMs: 1514, memoryMb: MEMORY, initMs: 413.61 })}`,
    response: workloadResponse({ coldStart: true }),
  }),
  ...sequentialMs.map((ms, rep) =>
    okRecord({
      ...seq,
      rep,
      requestId: `seq-${rep}`,
      reportLine: reportLine(`seq-${rep}`, { durationMs: ms, billedMs: Math.ceil(ms), memoryMb: MEMORY }),
    }),
  ),
  ...threadMs.map((ms, rep) =>
    okRecord({
      ...threads,
      rep,
      requestId: `wt-${rep}`,
      reportLine:
        rep === 1 ? null : reportLine(`wt-${rep}`, { durationMs: ms, billedMs: Math.ceil(ms), memoryMb: MEMORY }),
      response: workloadResponse({ mode: 'worker_threads', workers: 2 }),
    }),
  ),
  okRecord({
    ...threads,
    rep: 3,
    requestId: 'wt-3',
    reportLine: reportLine('wt-3', { durationMs: 3000, billedMs: 3000, memoryMb: MEMORY, status: 'timeout' }),
    response: null,
  }),
  okRecord({
    ...fan,
    requestId: 'fan-0',
    reportLine: reportLine('fan-0', { durationMs: 700.25, billedMs: 701, memoryMb: MEMORY }),
    childReportLines: [reportLine('child-a', { durationMs: 600.5, billedMs: 601, memoryMb: MEMORY })],
    response: workloadResponse({
      mode: 'fan_out',
      workers: 2,
      children: [
        { requestId: 'child-a', start: 0, end: 20, workloadMs: 590, coldStart: false },
        { requestId: 'child-b', start: 20, end: 40, workloadMs: 640, coldStart: false },
      ],
    }),
  }),
  failedRecord({ ...seq, rep: 6, status: 'throttled', errorType: 'TooManyRequestsException' }),
];

/** Duration and billed ms of a raw REPORT, read independently of the parser under test. */
function rawFigures(line: string): { duration: number; billed: number } {
  if (line.includes('platform.report')) {
    const { record } = JSON.parse(line) as { record: { metrics: { durationMs: number; billedDurationMs: number } } };
    return { duration: record.metrics.durationMs, billed: record.metrics.billedDurationMs };
  }
  const duration = /\tDuration: ([\d.]+) ms/.exec(line)?.[1];
  const billed = /\tBilled Duration: (\d+) ms/.exec(line)?.[1];
  return { duration: Number(duration), billed: Number(billed) };
}

function cost(billedMs: number): number {
  // cost.ts: GB-seconds at x86_64's $0.0000166667 plus the $0.20 per million request fee
  return (billedMs / 1000) * GB * 0.0000166667 + 0.0000002;
}

function near(cell: string | undefined, expected: number, tolerance: number, what: string): void {
  assert.ok(cell !== undefined && cell !== '', `${what}: empty`);
  assert.ok(Math.abs(Number(cell) - expected) <= tolerance, `${what}: ${cell} is not ${expected}`);
}

test('analyzeRun: invocations.jsonl + a CloudWatch export -> invocations.csv and summary.csv that match the raw records', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'analyze-e2e-'));
  try {
    // The runner was killed mid-line: the last line is half a record, without its newline.
    const truncated = JSON.stringify(okRecord({ ...seq, rep: 99 })).slice(0, 120);
    await writeFile(path.join(dir, 'invocations.jsonl'), jsonl(records) + truncated);

    const result = await analyzeRun(dir, { extraLogText: cloudWatchExport });
    assert.deepEqual(
      result.files,
      [
        'invocations.csv',
        'summary.csv',
        'summary.json',
        'summary.md',
        'scaling.csv',
        'vcpu.csv',
        'amdahl.csv',
        'report.html',
      ].map((f) => path.join(dir, f)),
    );
    // summary.json holds the same rows as summary.csv, with typed values.
    const json = JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as Array<Record<string, unknown>>;
    assert.equal(json.length, result.summary.length);
    assert.deepEqual(json[0], JSON.parse(JSON.stringify(result.summary[0])));
    assert.equal(result.invocationCount, records.length);

    // invocations.csv: one row per complete record, in file order, each traceable to its raw record.
    const invocationsText = await readFile(path.join(dir, 'invocations.csv'), 'utf8');
    assert.deepEqual(readCsv(invocationsText)[0], [...INVOCATION_COLUMNS]);
    const rows = readCsvObjects(invocationsText);
    assert.equal(rows.length, records.length);
    records.forEach((record, i) => {
      const row = rows[i];
      assert.ok(row);
      const what = `row ${i} (${record.requestId})`;
      assert.equal(row.request_id, record.requestId ?? '', what);
      assert.equal(row.mode, record.mode, what);
      assert.equal(row.workers, String(record.workers), what);
      assert.equal(row.memory_mb, String(MEMORY), what);
      assert.equal(row.rep, String(record.rep), what);
      assert.equal(row.warmup, String(record.warmup), what);
      assert.equal(row.emulated, 'false', what);
      assert.equal(row.cpu_enforced, 'true', what);
      assert.equal(row.started_at, record.startedAt, what);
      assert.equal(row.client_ms, String(record.clientMs), what);
      const raw = record.reportLine ?? (record.requestId === 'wt-1' ? jsonReport : null);
      if (raw === null) {
        assert.equal(row.duration_ms, '', what);
        assert.equal(row.cost_usd, '', what);
        assert.equal(row.cold, '', what);
        return;
      }
      const { duration, billed } = rawFigures(raw);
      near(row.duration_ms, duration, 0.0005, `${what} duration_ms`);
      assert.equal(row.billed_ms, String(billed), what);
      const children = record.mode === 'fan_out' ? [601, 650] : [];
      const expectedCost = cost(billed) + children.reduce((sum, b) => sum + cost(b), 0);
      near(row.cost_usd, expectedCost, expectedCost * 1e-9, `${what} cost_usd`);
    });
    assert.equal(rows[0]?.cold, 'true');
    assert.equal(rows[0]?.init_ms, '413.61');
    assert.equal(rows[1]?.cold, 'false');
    assert.equal(rows[1]?.digest_ok, 'true');
    assert.equal(rows[1]?.vcpu_share, '2');
    assert.equal(rows[10]?.status, 'timeout');
    assert.equal(rows[12]?.status, 'throttled');
    assert.equal(rows[12]?.error_type, 'TooManyRequestsException');

    // summary.csv
    const summaryText = await readFile(path.join(dir, 'summary.csv'), 'utf8');
    assert.deepEqual(readCsv(summaryText)[0], [...SUMMARY_COLUMNS]);
    const summary = readCsvObjects(summaryText);
    assert.deepEqual(
      summary.map((s) => `${s.mode} x${s.workers}`),
      ['sequential x1', 'worker_threads x2', 'fan_out x2'],
    );
    const [sequential, pool, fanOut] = summary;
    assert.ok(sequential && pool && fanOut);

    // sequential: 6 warm reps (the cold warm-up and the throttled rep are not warm)
    // sorted 990.75 995.5 1000.5 1005 1010.25 2000 -> median (1000.5 + 1005) / 2 = 1002.75
    // 95% CI at n = 6 is [x(1), x(6)] = [990.75, 2000]
    // |x - 1002.75| sorted 2.25 2.25 7.25 7.5 12 997.25 -> MAD 7.375; z(2000) = 0.6745 * 997.25 / 7.375 = 91.2
    assert.equal(sequential.n, '6');
    assert.equal(sequential.n_errors, '1');
    assert.equal(sequential.median_ms, '1002.75');
    assert.equal(sequential.ci95_low_ms, '990.75');
    assert.equal(sequential.ci95_high_ms, '2000');
    assert.equal(sequential.outliers, '1');
    assert.equal(sequential.speedup_vs_sequential, '1');
    assert.equal(sequential.ideal_speedup, '1');
    // billed: 991 996 1001 1005 1011 2000 -> median (1001 + 1005) / 2 = 1003
    assert.equal(sequential.billed_median_ms, '1003');
    near(sequential.cost_per_invocation_usd, (cost(1001) + cost(1005)) / 2, 1e-13, 'sequential cost');
    // 40 items / 1.00275 s = 39.89030...
    near(sequential.items_per_s, 40 / 1.00275, 1e-4, 'items_per_s');

    // worker_threads x2: 3 warm reps (one REPORT from the CloudWatch export), the timeout counted as an error
    // median 520.5; speedup 1002.75 / 520.5 = 1.926513; ideal min(2, 2.0, 2) / min(1, 2.0) = 2
    assert.equal(pool.n, '3');
    assert.equal(pool.n_errors, '1');
    assert.equal(pool.median_ms, '520.5');
    near(pool.speedup_vs_sequential, 1002.75 / 520.5, 1e-5, 'pool speedup');
    assert.equal(pool.ideal_speedup, '2');
    near(pool.efficiency, 1002.75 / 520.5 / 2, 1e-5, 'pool efficiency');
    assert.equal(pool.visible_cores, '2');
    assert.equal(pool.ci95_low_ms, '');

    // fan_out x2: one rep, cost of the parent and both children; ideal = 2 slices
    assert.equal(fanOut.n, '1');
    assert.equal(fanOut.median_ms, '700.25');
    assert.equal(fanOut.ideal_speedup, '2');
    const fanCost = cost(701) + cost(601) + cost(650);
    near(fanOut.cost_per_invocation_usd, fanCost, fanCost * 1e-9, 'fan_out cost');
    near(fanOut.cost_per_1k_items_usd, (fanCost / 40) * 1000, fanCost * 1e-6, 'fan_out cost per 1k');

    // The returned rows are what was written.
    assert.equal(result.summary.length, summary.length);
    assert.equal(result.summary[0]?.median_ms, 1002.75);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

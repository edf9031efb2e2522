import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INVOCATION_COLUMNS, toInvocationRow } from '../../../harness/analyze/rows.js';
import { parseReportLine, type ReportFields } from '../../../harness/lambda/report-line.js';
import { FACTS_OOM, failedRecord, okRecord, reportLine, workloadResponse } from '../../support/report-fixtures.js';

const none = new Map<string, ReportFields>();

function close(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-15, `${actual} is not ${expected}`);
}

function mapOf(...lines: string[]): Map<string, ReportFields> {
  const map = new Map<string, ReportFields>();
  for (const line of lines) {
    const report = parseReportLine(line);
    if (report !== null) map.set(report.requestId, report);
  }
  return map;
}

test('a row has exactly the documented columns, in order', () => {
  const row = toInvocationRow(okRecord({ mode: 'sequential', workers: 1, memoryMb: 1024 }), none);
  assert.deepEqual(Object.keys(row), [...INVOCATION_COLUMNS]);
  assert.deepEqual(
    [...INVOCATION_COLUMNS],
    [
      'run_id',
      'target',
      'emulated',
      'cpu_enforced',
      'arch',
      'function_name',
      'memory_mb',
      'vcpu_share',
      'visible_cores',
      'mode',
      'workers',
      'items',
      'algorithm',
      'cost',
      'rep',
      'warmup',
      'cold',
      'warm',
      'not_warm_reason',
      'request_id',
      'status',
      'error_type',
      'duration_ms',
      'billed_ms',
      'init_ms',
      'max_memory_used_mb',
      'workload_ms',
      'client_ms',
      'cpu_user_ms',
      'cpu_system_ms',
      'digest_ok',
      'cost_usd',
      'started_at',
      'host_oversubscription',
      'retries',
      'executor',
      'docker_mode',
      'image',
      'image_standin',
    ],
  );
});

test('a warm invocation: Lambda figures from its REPORT, the function figures from its response', () => {
  const record = okRecord({
    mode: 'sequential',
    workers: 1,
    memoryMb: 1024,
    rep: 3,
    requestId: 'r-1',
    reportLine: reportLine('r-1', { durationMs: 811.4, billedMs: 812 }),
    clientMs: 851.25,
    response: workloadResponse({ workloadMs: 805.5, cpuUserMs: 800.25, cpuSystemMs: 3.5, visibleCores: 2 }),
  });
  const row = toInvocationRow(record, none);
  assert.equal(row.duration_ms, 811.4);
  assert.equal(row.billed_ms, 812);
  assert.equal(row.max_memory_used_mb, 95);
  assert.equal(row.init_ms, null);
  assert.equal(row.cold, false);
  assert.equal(row.status, 'ok');
  assert.equal(row.error_type, null);
  assert.equal(row.workload_ms, 805.5);
  assert.equal(row.cpu_user_ms, 800.25);
  assert.equal(row.cpu_system_ms, 3.5);
  assert.equal(row.visible_cores, 2);
  assert.equal(row.client_ms, 851.25);
  assert.equal(row.digest_ok, true);
  assert.equal(row.rep, 3);
  assert.equal(row.request_id, 'r-1');
  // 1024 / 1769 = 0.5788581...
  close(row.vcpu_share, 1024 / 1769);
  // 0.812 s * 1 GB * $0.0000166667 = $0.0000135333604, + $0.0000002 request = $0.0000137333604
  close(row.cost_usd, 0.0000137333604);
});

test('cold: the REPORT has an Init Duration', () => {
  const record = okRecord({
    mode: 'sequential',
    workers: 1,
    memoryMb: 1024,
    requestId: 'r-2',
    reportLine: reportLine('r-2', { durationMs: 2.46, billedMs: 417, initMs: 413.61 }),
  });
  const row = toInvocationRow(record, none);
  assert.equal(row.cold, true);
  assert.equal(row.init_ms, 413.61);
});

test('arm64 is priced at its own GB-second rate', () => {
  const record = okRecord({
    mode: 'sequential',
    workers: 1,
    memoryMb: 2048,
    arch: 'arm64',
    requestId: 'r-3',
    reportLine: reportLine('r-3', { durationMs: 499.1, billedMs: 500, memoryMb: 2048 }),
  });
  // 0.5 s * 2 GB * $0.0000133334 = $0.0000133334, + $0.0000002 = $0.0000135334
  close(toInvocationRow(record, none).cost_usd, 0.0000135334);
});

test("a REPORT status of timeout or error overrides an 'ok' record (Lambda's verdict wins)", () => {
  const timedOut = okRecord({
    mode: 'sequential',
    workers: 1,
    memoryMb: 1024,
    requestId: 'r-4',
    reportLine: reportLine('r-4', { durationMs: 3000, billedMs: 3000, status: 'timeout' }),
  });
  assert.equal(toInvocationRow(timedOut, none).status, 'timeout');
  const oom = okRecord({ mode: 'sequential', workers: 1, memoryMb: 1024, reportLine: FACTS_OOM });
  const row = toInvocationRow(oom, none);
  assert.equal(row.status, 'error');
  assert.equal(row.error_type, 'Runtime.OutOfMemory');
  assert.equal(row.request_id, '276ff3b9-1609-4ee7-a288-db3752630767');
});

test('a failed record keeps its own status and error type', () => {
  const record = failedRecord({
    mode: 'sequential',
    workers: 1,
    memoryMb: 1024,
    status: 'throttled',
    errorType: 'TooManyRequestsException',
  });
  const row = toInvocationRow(record, none);
  assert.equal(row.status, 'throttled');
  assert.equal(row.error_type, 'TooManyRequestsException');
  assert.equal(row.digest_ok, null);
});

test('without its own line, the REPORT is found by request id among the run logs', () => {
  const record = okRecord({ mode: 'sequential', workers: 1, memoryMb: 1024, requestId: 'r-5' });
  const row = toInvocationRow(record, mapOf(reportLine('r-5', { durationMs: 700.25, billedMs: 701 })));
  assert.equal(row.duration_ms, 700.25);
  assert.equal(row.billed_ms, 701);
});

test('no REPORT at all: Lambda figures, cold and cost are empty, the rest is kept', () => {
  const row = toInvocationRow(okRecord({ mode: 'sequential', workers: 1, memoryMb: 1024, requestId: 'r-6' }), none);
  for (const column of ['duration_ms', 'billed_ms', 'init_ms', 'max_memory_used_mb', 'cold', 'cost_usd'] as const) {
    assert.equal(row[column], null, column);
  }
  assert.equal(row.workload_ms, 100);
  assert.equal(row.status, 'ok');
});

test('digest_ok compares the response digest with the expected one; empty when either is missing', () => {
  const cell = { mode: 'sequential', workers: 1, memoryMb: 1024 } as const;
  assert.equal(toInvocationRow(okRecord({ ...cell, expectedDigest: 'other' }), none).digest_ok, false);
  assert.equal(toInvocationRow(okRecord({ ...cell, expectedDigest: null }), none).digest_ok, null);
  assert.equal(toInvocationRow(okRecord({ ...cell, response: { message: 'no digest' } }), none).digest_ok, null);
  assert.equal(
    toInvocationRow(okRecord({ ...cell, response: 'Task timed out after 3.00 seconds' }), none).visible_cores,
    null,
  );
});

const fanOutResponse = workloadResponse({
  mode: 'fan_out',
  workers: 2,
  children: [
    { requestId: 'child-a', start: 0, end: 20, workloadMs: 590, coldStart: false },
    { requestId: 'child-b', start: 20, end: 40, workloadMs: 640, coldStart: false },
  ],
});

test('fan_out cost: the parent plus every child invocation, each with its request fee', () => {
  const record = okRecord({
    mode: 'fan_out',
    workers: 2,
    memoryMb: 1024,
    requestId: 'parent',
    reportLine: reportLine('parent', { durationMs: 299.5, billedMs: 300 }),
    childReportLines: [reportLine('child-a', { durationMs: 599.9, billedMs: 600 })],
    response: fanOutResponse,
  });
  // child-b is not on the record but in the run's logs, found through the response's child request ids.
  const row = toInvocationRow(record, mapOf(reportLine('child-b', { durationMs: 649.1, billedMs: 650 })));
  // parent 0.3 * 0.0000166667 + 0.0000002 = 0.00000520001
  // child-a 0.6 * 0.0000166667 + 0.0000002 = 0.00001020002
  // child-b 0.65 * 0.0000166667 + 0.0000002 = 0.000011033355
  // total 0.000026433385
  close(row.cost_usd, 0.000026433385);
  // The row's Duration is the parent's: what the caller waited for.
  assert.equal(row.duration_ms, 299.5);
});

test("fan_out cost is left empty rather than understated when a child's REPORT is missing", () => {
  const record = okRecord({
    mode: 'fan_out',
    workers: 2,
    memoryMb: 1024,
    requestId: 'parent',
    reportLine: reportLine('parent', { durationMs: 299.5, billedMs: 300 }),
    childReportLines: [reportLine('child-a', { durationMs: 599.9, billedMs: 600 })],
    response: fanOutResponse,
  });
  const row = toInvocationRow(record, none);
  assert.equal(row.cost_usd, null);
  assert.equal(row.duration_ms, 299.5);
});

test('warm: a measured, ok, warm-started row that built no pool and met no cold child; otherwise the first reason', () => {
  const report = `REPORT RequestId: w-1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 1024 MB\tMax Memory Used: 60 MB\t`;
  const seq = { mode: 'sequential', workers: 1, memoryMb: 1024 } as const;
  const at = (overrides: Parameters<typeof okRecord>[0], line: string | null = report) =>
    toInvocationRow({ ...okRecord(overrides), requestId: 'w-1', reportLine: line }, none);
  const warm = at({ mode: 'worker_threads', workers: 2, memoryMb: 1024 });
  assert.equal(warm.warm, true);
  assert.equal(warm.not_warm_reason, null);
  assert.equal(at({ ...seq, warmup: true }).not_warm_reason, 'warmup');
  assert.equal(at(seq, null).not_warm_reason, 'no_report');
  assert.equal(at(seq, `${report}Init Duration: 100.00 ms\t`).not_warm_reason, 'cold_start');
  const pooled = okRecord({ mode: 'worker_threads', workers: 2, memoryMb: 1024 });
  const created = {
    ...(pooled.response as object),
    pool: { kind: 'worker_threads', size: 2, created: true, ids: [1, 2] },
  };
  const resized = toInvocationRow({ ...pooled, requestId: 'w-1', reportLine: report, response: created }, none);
  assert.equal(resized.warm, false);
  assert.equal(resized.not_warm_reason, 'pool_created');
  const fan = okRecord({ mode: 'fan_out', workers: 2, memoryMb: 1024 });
  const coldChild = {
    ...(fan.response as object),
    children: [
      { requestId: 'c1', start: 0, end: 1, workloadMs: 1, coldStart: false },
      { requestId: 'c2', start: 1, end: 2, workloadMs: 1, coldStart: true },
    ],
  };
  const parent = toInvocationRow({ ...fan, requestId: 'w-1', reportLine: report, response: coldChild }, none);
  assert.equal(parent.not_warm_reason, 'cold_child');
});

test('a timeout is a timeout, not an error: by REPORT Status, or by the Sandbox.Timedout answer of older lines', () => {
  const failed = failedRecord({
    mode: 'sequential',
    workers: 1,
    memoryMb: 1024,
    status: 'error',
    errorType: 'Unhandled',
  });
  const byAnswer = toInvocationRow(
    {
      ...failed,
      response: {
        errorType: 'Sandbox.Timedout',
        errorMessage: 'RequestId: r Error: Task timed out after 3.00 seconds',
      },
    },
    none,
  );
  assert.equal(byAnswer.status, 'timeout');
  assert.equal(byAnswer.error_type, 'Sandbox.Timedout');
  const byMessage = toInvocationRow(
    { ...failed, response: { errorMessage: '2023-04-03T10:41:08.374Z r Task timed out after 30.03 seconds' } },
    none,
  );
  assert.equal(byMessage.status, 'timeout');
  assert.equal(byMessage.warm, false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectReports } from '../../../harness/analyze/analyze.js';
import { actualCost, completeness, expectedReports, RunTally } from '../../../harness/analyze/completeness.js';
import { runReportOf } from '../../../harness/analyze/run-report.js';
import { renderRunReport } from '../../../harness/analyze/table.js';
import { invocationCostUsd } from '../../../harness/lambda/pricing.js';
import { failedRecord, okRecord, reportLine, workloadResponse } from '../../support/report-fixtures.js';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

// A warm-up (cold start, billed with its INIT), a fan_out parent with two children, and a throttled call.
const warmup = okRecord({
  mode: 'sequential',
  workers: 1,
  memoryMb: 1024,
  warmup: true,
  requestId: id(1),
  reportLine: reportLine(id(1), { durationMs: 10, billedMs: 400, initMs: 389.5 }),
});
const parent = okRecord({
  mode: 'fan_out',
  workers: 2,
  memoryMb: 1024,
  rep: 3,
  requestId: id(2),
  reportLine: reportLine(id(2), { durationMs: 50, billedMs: 50 }),
  response: workloadResponse({
    mode: 'fan_out',
    workers: 2,
    children: [
      { requestId: id(3), start: 0, end: 20, workloadMs: 40, cpuUserMs: 39, cpuSystemMs: 1, coldStart: false },
      { requestId: id(4), start: 20, end: 40, workloadMs: 40, cpuUserMs: 39, cpuSystemMs: 1, coldStart: false },
    ],
  } as never),
});
const throttled = failedRecord({
  mode: 'sequential',
  workers: 1,
  memoryMb: 1024,
  status: 'throttled',
  errorType: 'TooManyRequestsException',
  retries: 8,
});
const records = [warmup, parent, throttled];
const child3 = reportLine(id(3), { durationMs: 40, billedMs: 40 });

test('expected: every request id the run made, children with their parent; a throttled call expects nothing', () => {
  assert.deepEqual(
    expectedReports(records).map((e) => [e.requestId, e.kind, e.parentRequestId]),
    [
      [id(1), 'invocation', null],
      [id(2), 'invocation', null],
      [id(3), 'fan-out child', id(2)],
      [id(4), 'fan-out child', id(2)],
    ],
  );
});

test('one child REPORT missing: 3 of 4 found, the missing child listed, the cost a flagged lower bound', () => {
  const reports = collectReports(records, `${child3}\n`);
  const found = completeness(records, reports);
  const tally = new RunTally();
  for (const record of records) tally.add(record, reports);
  assert.deepEqual(tally.completeness, found, 'the streaming tally agrees with the in-memory one');
  assert.equal(found.expected, 4);
  assert.equal(found.found, 3);
  assert.deepEqual(
    found.missing.map((m) => m.requestId),
    [id(4)],
  );
  const cost = actualCost(records, reports);
  const usd =
    invocationCostUsd(400, 1024, 'x86_64') +
    invocationCostUsd(50, 1024, 'x86_64') +
    invocationCostUsd(40, 1024, 'x86_64');
  assert.ok(Math.abs(cost.usd - usd) < 1e-15, `${cost.usd} vs ${usd}`);
  assert.equal(cost.invocations, 3);
  assert.equal(cost.childInvocations, 1);
  assert.equal(cost.complete, false);

  const text = renderRunReport(
    runReportOf(tally, {
      estimate: { usdAtMinReps: 0.001, usdAtMaxReps: 0.002, requestsAtMinReps: 3, requestsAtMaxReps: 9 },
    }),
  );
  assert.match(
    text,
    /^Run actual cost: \$0\.\d+ at least: some REPORT lines are missing \(below\), .* over 3 billed invocations, 1 of them fan-out children; .* The plan estimated \$0\.0010 \(every cell at --min-reps\) to \$0\.0020 \(at --max-reps\)\.$/m,
  );
  assert.match(
    text,
    /^REPORT lines: 3 of 4 found\. Missing, so their Duration and cost are left empty, not guessed:$/m,
  );
  assert.ok(text.includes(`  ${id(4)}  vcpu-bench-1024 fan_out x2 rep 3 child of ${id(2)}\n`));
  assert.match(
    text,
    /^Throttling: 8 retries over 3 invocations \(never measured\); 1 invocation still throttled after every retry, recorded as throttled\.$/m,
  );
});

test('every REPORT found: complete, and the cost is the sum over all of them', () => {
  const reports = collectReports(records, `${child3}\n${reportLine(id(4), { durationMs: 41, billedMs: 41 })}\n`);
  assert.equal(completeness(records, reports).missing.length, 0);
  const cost = actualCost(records, reports);
  assert.equal(cost.complete, true);
  assert.equal(cost.invocations, 4);
  assert.equal(cost.childInvocations, 2);
});

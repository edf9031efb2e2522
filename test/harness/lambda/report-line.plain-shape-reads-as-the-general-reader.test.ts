/**
 * report-line.ts reads the shape Lambda and the emulator write with a fast plain-string reader and everything else
 * with the general one: on every line, both must give the same REPORT (or both none).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportLine } from '../../../harness/lambda/log-format.js';
import { parseReportLine, parseTextReportGeneral, reportRequestId } from '../../../harness/lambda/report-line.js';
import {
  FACTS_COLD_INIT_BILLED,
  FACTS_COLD_XRAY,
  FACTS_OOM,
  FACTS_SNAPSTART,
  FACTS_TIMEOUT,
  RIE_REPORT,
} from '../../support/report-fixtures.js';

const emulated = reportLine({
  requestId: 'e1',
  durationMs: 12.345,
  billedDurationMs: 13,
  memorySizeMb: 1769,
  maxMemoryUsedMb: 83,
  initDurationMs: 312.04,
  status: 'error',
  errorType: 'Runtime.ExitError',
});

const LINES = [
  FACTS_COLD_XRAY,
  FACTS_COLD_INIT_BILLED,
  FACTS_TIMEOUT,
  FACTS_OOM,
  FACTS_SNAPSTART,
  RIE_REPORT,
  emulated,
  // Shapes the plain reader leaves to the general one:
  `2026-01-02T03:04:05.000Z\t${FACTS_TIMEOUT}`,
  FACTS_TIMEOUT.replaceAll('\t', ' '),
  `"${FACTS_OOM}"`,
  FACTS_OOM.replace('Status: error', 'Status: weird'),
  'REPORT RequestId: a b\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: \tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration:1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tFoo Duration: 2 ms\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration: 1 ms Billed Duration: 7 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration: 1 ms\tDuration: 9 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration: .5 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration: 1.5.2 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration: 1. ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB',
  'REPORT RequestId: x\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB\tError Type: \t',
  'XREPORT RequestId: x\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'START RequestId: x Version: $LATEST',
];

test('every line reads the same through parseReportLine (plain reader first) and the general reader', () => {
  for (const line of LINES) {
    assert.deepEqual(parseReportLine(line), parseTextReportGeneral(line), JSON.stringify(line));
  }
});

test('the figures of the plain shape, checked by hand', () => {
  assert.deepEqual(parseReportLine(emulated), {
    requestId: 'e1',
    durationMs: 12.35,
    billedDurationMs: 13,
    memorySizeMb: 1769,
    maxMemoryUsedMb: 83,
    initDurationMs: 312.04,
    restoreDurationMs: null,
    billedRestoreDurationMs: null,
    status: 'error',
    errorType: 'Runtime.ExitError',
    format: 'text',
  });
  // ".5" has no leading digit (^\d+), "1." no digit after the point: the first is no number, the second is 1.
  assert.equal(parseReportLine(LINES[17] ?? ''), null);
  assert.equal(parseReportLine(LINES[19] ?? '')?.durationMs, 1);
  assert.equal(parseReportLine(LINES[16] ?? '')?.durationMs, 1, 'the first of a repeated field wins');
});

test('reportRequestId names the request id parseReportLine would read, without the figures', () => {
  for (const line of LINES) {
    const report = parseReportLine(line);
    if (report !== null) assert.equal(reportRequestId(line), report.requestId, JSON.stringify(line));
  }
  assert.equal(reportRequestId('START RequestId: x Version: $LATEST'), null);
  assert.equal(
    reportRequestId(
      '{"type":"platform.report","record":{"requestId":"j1","metrics":{"durationMs":1,"billedDurationMs":1,"memorySizeMB":128,"maxMemoryUsedMB":1}}}',
    ),
    'j1',
  );
});

/**
 * report-line.ts reads the shape Lambda and the emulator write with a fast plain-string reader and everything else
 * with the general one: on every line, both must give the same REPORT (or both none).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportLine } from '../../../harness/lambda/log-format.js';
import { parseReportLine, parseTextReportGeneral, reportRequestId } from '../../../harness/lambda/report-line.js';
import { seededRandom } from '../../../harness/statistics/random.js';
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
  // Figures read in place, and those too long for that (more than 15 digits), or not starting with a digit:
  'REPORT RequestId: x\tDuration: 0.1 ms\tBilled Duration: 1 ms\tMemory Size: 10240 MB\tMax Memory Used: 007 MB',
  'REPORT RequestId: x\tDuration: 123456789.123456789 ms\tBilled Duration: 12345678901234567890 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration: 9007199254740993 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration: 0.30000000000000004 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration:  2.5 ms\tBilled Duration: \u00a03 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'REPORT RequestId: x\tDuration: 1e3 ms\tBilled Duration: -1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'XREPORT RequestId: x\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB',
  'START RequestId: x Version: $LATEST',
];

test('every line reads the same through parseReportLine (plain reader first) and the general reader', () => {
  for (const line of LINES) {
    assert.deepEqual(parseReportLine(line), parseTextReportGeneral(line), JSON.stringify(line));
  }
});

test('figures read in place are the numbers Number() reads, whatever their digits (seeded, 20,000 lines)', () => {
  const random = seededRandom(7);
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const figure = () => {
    const whole = digits(1 + Math.floor(random() * 10));
    return random() < 0.3 ? whole : `${whole}.${digits(1 + Math.floor(random() * 10))}`;
  };
  for (let i = 0; i < 20_000; i++) {
    const line = `REPORT RequestId: r${i}\tDuration: ${figure()} ms\tBilled Duration: ${figure()} ms\tMemory Size: ${figure()} MB\tMax Memory Used: ${figure()} MB\tInit Duration: ${figure()} ms\t`;
    const report = parseReportLine(line);
    assert.deepEqual(report, parseTextReportGeneral(line), line);
    assert.equal(report?.format, 'text', line);
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

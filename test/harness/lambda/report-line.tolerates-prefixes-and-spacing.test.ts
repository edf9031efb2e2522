import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReportLine } from '../../../harness/lambda/report-line.js';
import { FACTS_COLD_XRAY, FACTS_JSON_REPORT, FACTS_OOM } from '../../support/report-fixtures.js';

const expectedXray = parseReportLine(FACTS_COLD_XRAY);

test('older lines with a space before the tab after Billed Duration (harness/lambda/README.md "The REPORT line")', () => {
  const older = FACTS_COLD_XRAY.replace('Billed Duration: 200 ms\t', 'Billed Duration: 200 ms \t');
  assert.notEqual(older, FACTS_COLD_XRAY);
  assert.deepEqual(parseReportLine(older), expectedXray);
});

test('a timestamp prefix, as in a CloudWatch export', () => {
  assert.deepEqual(parseReportLine(`2019-10-08T21:21:09.823Z\t${FACTS_COLD_XRAY}`), expectedXray);
  assert.deepEqual(parseReportLine(`1696329668374 ${FACTS_COLD_XRAY}`), expectedXray);
});

test('a docker logs prefix (compose service name, --timestamps)', () => {
  assert.deepEqual(parseReportLine(`rie-1  | 2026-01-02T03:04:05.678901234Z ${FACTS_COLD_XRAY}`), expectedXray);
});

test('a line whose tabs became spaces still parses by field name', () => {
  const spaced = FACTS_OOM.replaceAll('\t', ' ');
  assert.deepEqual(parseReportLine(spaced), parseReportLine(FACTS_OOM));
});

test('a CSV export cell: the closing quote is not part of the last value', () => {
  const cell = `1696329668374,"${FACTS_OOM}"`;
  assert.equal(parseReportLine(cell)?.errorType, 'Runtime.OutOfMemory');
});

test('a JSON platform.report after a prefix, with status and errorType', () => {
  const timeout = FACTS_JSON_REPORT.replace('"status":"success"', '"status":"timeout","errorType":"Sandbox.Timedout"');
  const parsed = parseReportLine(`2026-10-08T07:30:29.470Z ${timeout}`);
  assert.equal(parsed?.format, 'json');
  assert.equal(parsed?.status, 'timeout');
  assert.equal(parsed?.errorType, 'Sandbox.Timedout');
  assert.equal(parsed?.durationMs, 1233.96);
});

test('a JSON report without initDurationMs is a warm one', () => {
  const warm = FACTS_JSON_REPORT.replace(',"initDurationMs":463.512', '');
  assert.equal(parseReportLine(warm)?.initDurationMs, null);
});

test('a REPORT missing a required field, or a cut-off one, is refused rather than half read', () => {
  assert.equal(parseReportLine('REPORT RequestId: abc\tDuration: 1.00 ms\t'), null);
  assert.equal(parseReportLine(FACTS_COLD_XRAY.slice(0, 80)), null);
  assert.equal(parseReportLine(FACTS_JSON_REPORT.slice(0, 150)), null);
  assert.equal(parseReportLine(FACTS_JSON_REPORT.replace('"durationMs":1233.96,', '')), null);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReportLine } from '../../../harness/lambda/report-line.js';
import { RIE_REPORT } from '../../support/report-fixtures.js';

// harness/lambda/README.md "The Runtime Interface Emulator": Init Duration comes BEFORE Duration, so a positional parser
// would read 0.51 ms as the Duration.
test('the RIE REPORT line, Init Duration first, parses by field name', () => {
  assert.deepEqual(parseReportLine(RIE_REPORT), {
    requestId: '2f8f1b33-9c8a-4c7e-9a57-6b1f1c0f2b5d',
    durationMs: 1203.46,
    billedDurationMs: 1204,
    memorySizeMb: 3008,
    maxMemoryUsedMb: 3008,
    initDurationMs: 0.51,
    restoreDurationMs: null,
    billedRestoreDurationMs: null,
    status: 'success',
    errorType: null,
    format: 'text',
  });
});

test('fields in any order give the same result', () => {
  const fields = RIE_REPORT.split('\t').filter((f) => f !== '');
  const [head, ...rest] = fields;
  const shuffled = `${head}\t${[...rest].reverse().join('\t')}`;
  assert.deepEqual(parseReportLine(shuffled), parseReportLine(RIE_REPORT));
});

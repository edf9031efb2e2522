import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReportLine, type ReportFields } from '../../../harness/lambda/report-line.js';
import {
  FACTS_COLD_INIT_BILLED,
  FACTS_COLD_XRAY,
  FACTS_JSON_REPORT,
  FACTS_OOM,
  FACTS_SNAPSTART,
  FACTS_TIMEOUT,
} from '../../support/report-fixtures.js';

const none = {
  initDurationMs: null,
  restoreDurationMs: null,
  billedRestoreDurationMs: null,
  status: 'success',
  errorType: null,
  format: 'text',
} as const;

const cases: Array<[string, string, ReportFields]> = [
  [
    'cold start with an XRAY part on the same line',
    FACTS_COLD_XRAY,
    {
      ...none,
      requestId: 'c793869b-ee49-115b-a5b6-4fd21e8dedac',
      durationMs: 128.83,
      billedDurationMs: 200,
      memorySizeMb: 128,
      maxMemoryUsedMb: 74,
      initDurationMs: 166.62,
    },
  ],
  [
    // Since 2025-08-01 INIT is billed: 417 = ceil(2.46 + 413.61) (harness/lambda/README.md "Pricing").
    'cold start whose Billed Duration includes INIT, trailing tab',
    FACTS_COLD_INIT_BILLED,
    {
      ...none,
      requestId: '8d5958b5-559f-43f3-b278-b71dd7dd0e01',
      durationMs: 2.46,
      billedDurationMs: 417,
      memorySizeMb: 1024,
      maxMemoryUsedMb: 95,
      initDurationMs: 413.61,
    },
  ],
  [
    'Status: timeout',
    FACTS_TIMEOUT,
    {
      ...none,
      requestId: '13222b1e-f16b-4550-89df-869ab0a9806d',
      durationMs: 3000,
      billedDurationMs: 3000,
      memorySizeMb: 1024,
      maxMemoryUsedMb: 64,
      status: 'timeout',
    },
  ],
  [
    'Status: error with an Error Type',
    FACTS_OOM,
    {
      ...none,
      requestId: '276ff3b9-1609-4ee7-a288-db3752630767',
      durationMs: 10935.7,
      billedDurationMs: 10936,
      memorySizeMb: 1024,
      maxMemoryUsedMb: 1024,
      status: 'error',
      errorType: 'Runtime.OutOfMemory',
    },
  ],
  [
    'SnapStart restore: Restore Duration and Billed Restore Duration, not Init Duration',
    FACTS_SNAPSTART,
    {
      ...none,
      requestId: '8c360c87-d4b7-4423-b5f3-af02be3c1763',
      durationMs: 2338.66,
      billedDurationMs: 2521,
      memorySizeMb: 3009,
      maxMemoryUsedMb: 173,
      restoreDurationMs: 398.97,
      billedRestoreDurationMs: 182,
    },
  ],
  [
    'JSON log format platform.report with fractional metrics',
    FACTS_JSON_REPORT,
    {
      ...none,
      requestId: '79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36',
      durationMs: 1233.96,
      billedDurationMs: 1698,
      memorySizeMb: 256,
      maxMemoryUsedMb: 123,
      initDurationMs: 463.512,
      format: 'json',
    },
  ],
];

for (const [name, line, expected] of cases) {
  test(`harness/lambda/README.md REPORT example parses field by field: ${name}`, () => {
    assert.deepEqual(parseReportLine(line), expected);
  });
}

test('the other lines of the harness/lambda/README.md log block hold no REPORT', () => {
  for (const line of [
    'START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST',
    'END RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac',
    '2023-04-03T10:41:08.374Z 8bc0262c-2da8-428a-ab5a-86a5f12bcfcc Task timed out after 30.03 seconds',
    '{"time":"2026-10-08T07:30:28.235Z","type":"platform.start","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","version":"$LATEST"}}',
    '',
  ]) {
    assert.equal(parseReportLine(line), null, line);
  }
});

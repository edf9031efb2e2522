import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractReportLines } from '../../../harness/lambda/report-line.js';
import { FACTS_JSON_REPORT, FACTS_LOG_BLOCK, RIE_REPORT } from '../../support/report-fixtures.js';

test('every REPORT of the harness/lambda/README.md log block, in order, nothing else', () => {
  const reports = extractReportLines(FACTS_LOG_BLOCK);
  assert.deepEqual(
    reports.map((r) => r.requestId),
    [
      'c793869b-ee49-115b-a5b6-4fd21e8dedac',
      '8d5958b5-559f-43f3-b278-b71dd7dd0e01',
      '13222b1e-f16b-4550-89df-869ab0a9806d',
      '276ff3b9-1609-4ee7-a288-db3752630767',
      '8c360c87-d4b7-4423-b5f3-af02be3c1763',
    ],
  );
});

test('CRLF line ends and a JSON log stream mixed with text lines', () => {
  const blob = [
    '{"time":"2026-10-08T07:30:27.768Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:22.mainline.v122","functionName":"fn","functionVersion":"$LATEST","instanceMaxMemory":268435456}}',
    FACTS_JSON_REPORT,
    RIE_REPORT,
  ].join('\r\n');
  assert.deepEqual(
    extractReportLines(blob).map((r) => [r.requestId, r.format]),
    [
      ['79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36', 'json'],
      ['2f8f1b33-9c8a-4c7e-9a57-6b1f1c0f2b5d', 'text'],
    ],
  );
});

test('a CloudWatch FilterLogEvents JSON export: REPORTs inside the events messages, XRAY on the next line', () => {
  const [cold, , , , snap] = FACTS_LOG_BLOCK.split('\n').filter((l) => l.startsWith('REPORT'));
  const exported = JSON.stringify({
    events: [
      { logStreamName: 's', timestamp: 1, message: 'START RequestId: x Version: $LATEST\n', ingestionTime: 2 },
      { logStreamName: 's', timestamp: 3, message: `${cold}\nXRAY TraceId: 1-abc\tSegmentId: 1\tSampled: true\n` },
      { logStreamName: 's', timestamp: 4, message: FACTS_JSON_REPORT },
      { logStreamName: 's', timestamp: 5, message: `${snap}\n` },
    ],
    searchedLogStreams: [],
  });
  assert.deepEqual(
    extractReportLines(exported).map((r) => r.requestId),
    [
      'c793869b-ee49-115b-a5b6-4fd21e8dedac',
      '79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36',
      '8c360c87-d4b7-4423-b5f3-af02be3c1763',
    ],
  );
});

test('a decoded X-Amz-Log-Result tail (Invoke API, harness/lambda/README.md) whose first line is cut off', () => {
  const tail = Buffer.from(`d: 5ce0-a3a1 Version: $LATEST\nhello\nEND RequestId: 2f8f\n${RIE_REPORT}\n`).toString(
    'base64',
  );
  const reports = extractReportLines(Buffer.from(tail, 'base64').toString('utf8'));
  assert.equal(reports.length, 1);
  assert.equal(reports[0]?.durationMs, 1203.46);
});

test('a blob without REPORT lines gives none', () => {
  assert.deepEqual(extractReportLines(''), []);
  assert.deepEqual(extractReportLines('{"events":[]}'), []);
  assert.deepEqual(extractReportLines('not json {'), []);
});

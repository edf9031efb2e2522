import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toInvocationRow } from '../../../harness/analyze/rows.js';
import { parseInvocationsJsonl } from '../../../harness/run/record.js';
import { okRecord } from '../../support/report-fixtures.js';

test('a record without `retries` (written before the field) reads back with retries null, an empty CSV cell', () => {
  const { retries: _dropped, ...old } = okRecord({ mode: 'sequential', workers: 1, memoryMb: 1024 });
  const [record] = parseInvocationsJsonl(`${JSON.stringify(old)}\n`, 'old.jsonl');
  assert.equal(record?.retries, null);
  assert.equal(record && toInvocationRow(record, new Map()).retries, null);
});

test('a record with retries keeps them; a negative or fractional count is refused', () => {
  const fresh = okRecord({ mode: 'sequential', workers: 1, memoryMb: 1024, retries: 3 });
  assert.equal(parseInvocationsJsonl(`${JSON.stringify(fresh)}\n`, 'new.jsonl')[0]?.retries, 3);
  for (const bad of [-1, 1.5, '2']) {
    assert.throws(
      () => parseInvocationsJsonl(`${JSON.stringify({ ...fresh, retries: bad })}\n`, 'bad.jsonl'),
      /bad\.jsonl:1: not an invocation record: retries must be a whole number/,
    );
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InvokeOutcome } from '../../../harness/run/invoke.js';
import { toRecord } from '../../../harness/run/sweep.js';

const base = {
  runId: 'r',
  target: 'local' as const,
  emulated: true,
  cpuEnforced: true,
  arch: 'x86_64' as const,
  functionName: 'vcpu-bench-x86_64-1769',
  memoryMb: 1769,
  mode: 'sequential' as const,
  workers: 1,
  items: 1,
  algorithm: 'bcrypt' as const,
  cost: 4,
  rep: 0,
  warmup: false,
  request: { mode: 'sequential' as const, workers: 1, items: 1, algorithm: 'bcrypt' as const, cost: 4, seed: 's' },
  expectedDigest: 'abc',
  childReportLines: [],
};

function outcome(overrides: Partial<InvokeOutcome>): InvokeOutcome {
  return {
    requestId: '8d5958b5-559f-43f3-b278-b71dd7dd0e01',
    body: { digest: 'abc' },
    functionError: null,
    reportLine:
      'REPORT RequestId: 8d5958b5-559f-43f3-b278-b71dd7dd0e01\tDuration: 2.46 ms\tBilled Duration: 3 ms\tMemory Size: 1769 MB\tMax Memory Used: 95 MB\t',
    clientMs: 5,
    startedAt: '2026-11-25T00:00:00.000Z',
    hostOversubscription: 0.5,
    callError: null,
    retries: 0,
    interrupted: false,
    ...overrides,
  };
}

test('a matching digest is ok', () => {
  const r = toRecord(outcome({}), base);
  assert.equal(r.status, 'ok');
  assert.equal(r.hostOversubscription, 0.5);
});

test('a wrong digest is an error record, DigestMismatch, with the response kept', () => {
  const r = toRecord(outcome({ body: { digest: 'xyz' } }), base);
  assert.equal(r.status, 'error');
  assert.ok(r.status === 'error' && r.errorType === 'DigestMismatch');
  assert.deepEqual(r.response, { digest: 'xyz' });
});

test('a function error keeps its error type and first message line', () => {
  const r = toRecord(
    outcome({
      functionError: 'Unhandled',
      body: { errorType: 'Runtime.OutOfMemory', errorMessage: 'RequestId: x Error: Runtime exited\nmore' },
    }),
    base,
  );
  assert.ok(r.status === 'error');
  assert.equal(r.errorType, 'Runtime.OutOfMemory');
  assert.equal(r.errorMessage, 'RequestId: x Error: Runtime exited');
});

test('a REPORT with Status: timeout is a timeout record', () => {
  const r = toRecord(
    outcome({
      functionError: 'Unhandled',
      body: { errorMessage: 'Task timed out after 1.00 seconds' },
      reportLine:
        'REPORT RequestId: 13222b1e-f16b-4550-89df-869ab0a9806d\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\tMemory Size: 1024 MB\tMax Memory Used: 64 MB\tStatus: timeout',
    }),
    base,
  );
  assert.ok(r.status === 'timeout');
  assert.equal(r.errorType, 'Sandbox.Timedout');
});

test('a call throttled past its retries is a throttled record, not an exception', () => {
  const r = toRecord(
    outcome({
      requestId: null,
      body: null,
      reportLine: null,
      callError: { name: 'TooManyRequestsException', message: 'Rate Exceeded.', throttled: true },
    }),
    base,
  );
  assert.ok(r.status === 'throttled');
  assert.equal(r.errorType, 'TooManyRequestsException');
});

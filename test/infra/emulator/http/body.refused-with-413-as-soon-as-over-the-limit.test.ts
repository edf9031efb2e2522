import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LIMITS } from '../../../../harness/lambda/platform.js';
import { CODE_REQUEST_BYTES } from '../../../../infra/emulator/functions.js';
import { DEFAULT_BODY_BYTES } from '../../../../infra/emulator/http/router.js';
import { deploy, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../../support/emulator.js';
import { rawRequest } from '../../../support/raw-http.js';

let t: TestTarget;
before(async () => {
  t = await startTestEmulator();
  await deploy(t, 'sink', zipOf('exports.handler = async () => 1;'));
});
after(() => stopTestEmulator(t));

const MB = 1024 * 1024;

// Each request declares (or streams) far more than it sends: only an answer given before the body ends can arrive.
test('Invoke declaring 600 MB is refused at once: 413 RequestTooLargeException', { timeout: 20_000 }, async () => {
  const res = await rawRequest(t.emulator.endpoint, {
    method: 'POST',
    path: '/2015-03-31/functions/sink/invocations',
    headers: { 'content-type': 'application/json', 'content-length': 600 * MB },
    neverEnding: [Buffer.alloc(64 * 1024, 0x20)],
  });
  assert.equal(res.status, 413);
  assert.equal(res.headers['x-amzn-errortype'], 'RequestTooLargeException');
  assert.match(
    JSON.parse(res.body).message,
    new RegExp(`smaller than ${LIMITS.syncRequestBytes} bytes for the Invoke`),
  );
});

test('a chunked Invoke body is refused as soon as the bytes read pass 6 MB', { timeout: 20_000 }, async () => {
  const chunk = Buffer.alloc(MB, 0x20);
  const res = await rawRequest(t.emulator.endpoint, {
    method: 'POST',
    path: '/2015-03-31/functions/sink/invocations',
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    neverEnding: Array.from({ length: 8 }, () => chunk),
  });
  assert.equal(res.status, 413);
});

test('an Event invoke over 1 MB is refused with the Event limit', { timeout: 20_000 }, async () => {
  const res = await rawRequest(t.emulator.endpoint, {
    method: 'POST',
    path: '/2015-03-31/functions/sink/invocations',
    headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'Event', 'content-length': 2 * MB },
    neverEnding: [Buffer.alloc(1024, 0x20)],
  });
  assert.equal(res.status, 413);
  assert.match(JSON.parse(res.body).message, new RegExp(`limit ${LIMITS.asyncRequestBytes} bytes`));
});

test('CreateFunction and UpdateFunctionCode over AWS limit, and every other endpoint over its cap, answer 413', {
  timeout: 20_000,
}, async () => {
  const cases: Array<{ method: string; path: string; bytes: number; headers?: Record<string, string> }> = [
    { method: 'POST', path: '/2015-03-31/functions', bytes: CODE_REQUEST_BYTES + 1 },
    { method: 'PUT', path: '/2015-03-31/functions/sink/code', bytes: CODE_REQUEST_BYTES + 1 },
    { method: 'PUT', path: '/2015-03-31/functions/sink/configuration', bytes: DEFAULT_BODY_BYTES + 1 },
    {
      method: 'POST',
      path: '/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Asink',
      bytes: DEFAULT_BODY_BYTES + 1,
    },
    { method: 'GET', path: '/2015-03-31/functions', bytes: DEFAULT_BODY_BYTES + 1 },
    {
      method: 'POST',
      path: '/',
      bytes: 2 * MB,
      headers: { 'x-amz-target': 'Logs_20140328.FilterLogEvents', 'content-type': 'application/x-amz-json-1.1' },
    },
  ];
  for (const c of cases) {
    const res = await rawRequest(t.emulator.endpoint, {
      method: c.method,
      path: c.path,
      headers: { 'content-type': 'application/json', ...c.headers, 'content-length': c.bytes },
      neverEnding: [Buffer.alloc(1024, 0x20)],
    });
    assert.equal(res.status, 413, `${c.method} ${c.path}`);
    assert.match(String(res.headers['x-amzn-errortype']), /TooLarge/, `${c.method} ${c.path}`);
  }
});

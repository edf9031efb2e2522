import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../../support/emulator.js';
import { rawRequest } from '../../../support/raw-http.js';

let t: TestTarget;
before(async () => {
  t = await startTestEmulator();
});
after(() => stopTestEmulator(t));

const createBody = JSON.stringify({
  FunctionName: 'from-a-web-page',
  Runtime: 'nodejs22.x',
  Handler: 'index.handler',
  Role: 'arn:aws:iam::000000000000:role/r',
  Code: { ZipFile: Buffer.from(zipOf('exports.handler = async () => 1;')).toString('base64') },
});

async function functionNames(): Promise<string[]> {
  const page = await t.lambda.send(new ListFunctionsCommand({}));
  return (page.Functions ?? []).map((f) => f.FunctionName ?? '');
}

test('a text/plain body (a simple cross-site request, no preflight) is refused with 415 and creates nothing', async () => {
  const res = await rawRequest(t.emulator.endpoint, {
    method: 'POST',
    path: '/2015-03-31/functions',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: createBody,
  });
  assert.equal(res.status, 415);
  assert.equal(res.headers['x-amzn-errortype'], 'UnsupportedMediaTypeException');
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const form = await rawRequest(t.emulator.endpoint, {
      method: 'POST',
      path: '/2015-03-31/functions',
      headers: { 'content-type': type },
      body: createBody,
    });
    assert.equal(form.status, 415, type);
  }
  assert.deepEqual(await functionNames(), []);
});

test('a request carrying Origin (every browser POST does) is refused with 403, even as JSON', async () => {
  const res = await rawRequest(t.emulator.endpoint, {
    method: 'POST',
    path: '/2015-03-31/functions',
    headers: { 'content-type': 'application/json', origin: 'https://attacker.example' },
    body: createBody,
  });
  assert.equal(res.status, 403);
  assert.equal(res.headers['x-amzn-errortype'], 'AccessDeniedException');
  assert.deepEqual(await functionNames(), []);
});

test('a Host that is not the emulator (DNS rebinding) is refused, even for reads', async () => {
  const port = new URL(t.emulator.endpoint).port;
  for (const host of [`attacker.example:${port}`, 'localhost:1', `localhost.attacker.example:${port}`]) {
    const res = await rawRequest(t.emulator.endpoint, {
      method: 'GET',
      path: '/2015-03-31/functions',
      headers: { host },
    });
    assert.equal(res.status, 403, host);
  }
  const own = await rawRequest(t.emulator.endpoint, {
    method: 'GET',
    path: '/2015-03-31/functions',
    headers: { host: `localhost:${port}` },
  });
  assert.equal(own.status, 200);
});

test('what the SDKs send still works: JSON bodies, octet-stream and untyped Invoke payloads, fetch without Origin', async () => {
  const created = await rawRequest(t.emulator.endpoint, {
    method: 'POST',
    path: '/2015-03-31/functions',
    headers: { 'content-type': 'application/json' },
    body: createBody.replace('from-a-web-page', 'sdk-shaped'),
  });
  assert.equal(created.status, 201, created.body);
  assert.deepEqual(await functionNames(), ['sdk-shaped']);
  const status = await fetch(new URL('/vcpu-bench/status', t.emulator.endpoint));
  assert.equal(status.status, 200);
});

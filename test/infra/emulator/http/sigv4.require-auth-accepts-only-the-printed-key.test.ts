import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../../../infra/emulator/http/sigv4.js';
import {
  deploy,
  payloadOf,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  zipOf,
} from '../../../support/emulator.js';
import { rawRequest } from '../../../support/raw-http.js';

let t: TestTarget;
before(async () => {
  t = await startTestEmulator({ requireAuth: true });
});
after(() => stopTestEmulator(t));

function client(credentials: { accessKeyId: string; secretAccessKey: string }): LambdaClient {
  return new LambdaClient({ endpoint: t.emulator.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

test('the emulator makes a key in AWS shape, and the test clients sign with it', () => {
  const key = t.emulator.accessKey;
  assert.ok(key);
  assert.match(key.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(key.secretAccessKey.length, 40);
});

test('requests signed with the printed key work, through invoke (the function is given the key too)', async () => {
  await deploy(t, 'signed', zipOf(`exports.handler = async () => ({ key: process.env.AWS_ACCESS_KEY_ID });`));
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'signed', Payload: '{}' }));
  assert.equal((payloadOf(out.Payload) as { key: string }).key, t.emulator.accessKey?.accessKeyId);
});

test('another key, a wrong secret and no signature are refused with AWS errors', async () => {
  const key = t.emulator.accessKey;
  assert.ok(key);
  const other = client({ accessKeyId: 'AKIAOTHEROTHEROTHER0', secretAccessKey: key.secretAccessKey });
  await assert.rejects(
    other.send(new ListFunctionsCommand({})),
    (e: Error) => e.name === 'UnrecognizedClientException',
  );
  const wrongSecret = client({ accessKeyId: key.accessKeyId, secretAccessKey: `${key.secretAccessKey.slice(1)}x` });
  await assert.rejects(
    wrongSecret.send(new ListFunctionsCommand({})),
    (e: Error) => e.name === 'InvalidSignatureException' && /signature we calculated does not match/.test(e.message),
  );
  other.destroy();
  wrongSecret.destroy();
  const unsigned = await rawRequest(t.emulator.endpoint, { method: 'GET', path: '/2015-03-31/functions' });
  assert.equal(unsigned.status, 403);
  assert.equal(unsigned.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
});

test('a body changed after signing is refused (the payload hash is part of the signature)', async () => {
  const key = t.emulator.accessKey;
  assert.ok(key);
  const url = new URL(t.emulator.endpoint);
  // With the body's hash stated in x-amz-content-sha256 (botocore, S3-style) and without it (the JS SDK for Lambda).
  for (const applyChecksum of [true, false]) {
    const signer = new SignatureV4({
      service: 'lambda',
      region: 'us-east-1',
      credentials: key,
      sha256: NodeSha256,
      applyChecksum,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/2015-03-31/functions/signed/invocations',
      query: {},
      headers: { host: url.host, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const headers = signed.headers as Record<string, string>;
    const honest = await rawRequest(t.emulator.endpoint, {
      method: 'POST',
      path: signed.path,
      headers,
      body: '{"a":1}',
    });
    assert.equal(honest.status, 200, honest.body);
    const tampered = await rawRequest(t.emulator.endpoint, {
      method: 'POST',
      path: signed.path,
      headers,
      body: '{"a":2}',
    });
    assert.ok(tampered.status === 400 || tampered.status === 403, tampered.body);
    const expected = applyChecksum ? 'XAmzContentSHA256Mismatch' : 'InvalidSignatureException';
    assert.equal(tampered.headers['x-amzn-errortype'], expected);
  }
});

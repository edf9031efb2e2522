import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, type CreateFunctionCommandInput, InvokeCommand } from '@aws-sdk/client-lambda';
import { deploy, ROLE, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../support/emulator.js';
import { rawRequest } from '../../support/raw-http.js';

let t: TestTarget;
const zip = zipOf('exports.handler = async (e, context) => ({ custom: context.clientContext?.custom ?? null });');
before(async () => {
  t = await startTestEmulator();
  await deploy(t, 'valid', zip);
});
after(() => stopTestEmulator(t));

const create = (extra: Partial<CreateFunctionCommandInput>) =>
  t.lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'refused',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: zip },
      ...extra,
    }),
  );
const refusedWith = (name: string, message: RegExp) => (e: unknown) =>
  e instanceof Error && e.name === name && message.test(e.message);

test('runtime: unknown values by AWS enum; known runtimes the emulator cannot run with its own message', async () => {
  await assert.rejects(
    create({ Runtime: 'nodejs99.x' as CreateFunctionCommandInput['Runtime'] }),
    refusedWith(
      'InvalidParameterValueException',
      /^Value nodejs99\.x at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[nodejs, .*nodejs22\.x.*\] or be a valid ARN$/,
    ),
  );
  await assert.rejects(
    create({ Runtime: 'python3.12' }),
    refusedWith('InvalidParameterValueException', /local emulator runs Node\.js/),
  );
});

test('role ARN pattern, environment over 4 KB, reserved keys, empty package: AWS errors and messages', async () => {
  await assert.rejects(
    create({ Role: 'not-a-role' }),
    refusedWith(
      'ValidationException',
      /Value 'not-a-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:\(aws\[a-zA-Z-\]\*\)\?:iam::/,
    ),
  );
  await assert.rejects(
    create({ Environment: { Variables: { BIG: 'x'.repeat(4100) } } }),
    refusedWith('InvalidParameterValueException', /exceeded the 4KB limit\. String measured: \{"BIG":"x+"\}$/),
  );
  await assert.rejects(
    create({ Environment: { Variables: { AWS_REGION: 'eu-west-1', OK: '1', AWS_ACCESS_KEY_ID: 'a' } } }),
    refusedWith('InvalidParameterValueException', /Reserved keys used in this request: AWS_REGION, AWS_ACCESS_KEY_ID$/),
  );
  await assert.rejects(
    create({ Code: { ZipFile: new Uint8Array() } }),
    refusedWith('InvalidParameterValueException', /^Uploaded file must be a non-empty zip$/),
  );
});

test('Invoke headers: a bad X-Amz-Log-Type and X-Amz-Client-Context are refused; a good ClientContext reaches the function', async () => {
  await assert.rejects(
    t.lambda.send(new InvokeCommand({ FunctionName: 'valid', LogType: 'All' as 'Tail' })),
    refusedWith(
      'ValidationException',
      /at 'logType' failed to satisfy constraint: Member must satisfy enum value set: \[Tail, None\]/,
    ),
  );
  await assert.rejects(
    t.lambda.send(new InvokeCommand({ FunctionName: 'valid', ClientContext: 'not base64 json!' })),
    refusedWith('InvalidRequestContentException', /^Client context must be a valid Base64-encoded JSON object\.$/),
  );
  const context = Buffer.from(JSON.stringify({ custom: { who: 'test' } })).toString('base64');
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'valid', ClientContext: context }));
  assert.deepEqual(JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString()), { custom: { who: 'test' } });
});

test('tags of the wrong shape are refused, not stored as strings', async () => {
  const res = await rawRequest(t.emulator.endpoint, {
    method: 'POST',
    path: `/2017-03-31/tags/${encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:valid')}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Tags: { team: { nested: true } } }),
  });
  assert.equal(res.status, 400);
  assert.equal(res.headers['x-amzn-errortype'], 'SerializationException');
  const list = await rawRequest(t.emulator.endpoint, {
    method: 'POST',
    path: '/2015-03-31/functions',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      FunctionName: 'x',
      Runtime: 'nodejs22.x',
      Handler: 'i.h',
      Role: ROLE,
      Tags: ['a'],
      Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' },
    }),
  });
  assert.equal(list.status, 400);
});

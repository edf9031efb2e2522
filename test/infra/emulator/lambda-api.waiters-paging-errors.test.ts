import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  InvokeCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import {
  deploy,
  payloadOf,
  ROLE,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  zipOf,
} from '../../support/emulator.js';

let t: TestTarget;
const echo = zipOf(
  `exports.handler = async (event) => ({ event, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, v: 1, custom: process.env.CUSTOM ?? null });`,
);
before(async () => {
  t = await startTestEmulator();
});
after(() => stopTestEmulator(t));

test('create goes Pending -> Active, and waitUntilFunctionActiveV2 sees it through', async () => {
  const created = await t.lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'waiter',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: echo },
    }),
  );
  assert.equal(created.State, 'Pending');
  assert.equal(created.MemorySize, 128, 'AWS default memory');
  assert.equal(created.Timeout, 3, 'AWS default timeout');
  await assert.rejects(
    t.lambda.send(new InvokeCommand({ FunctionName: 'waiter', Payload: '{}' })),
    (e: unknown) => e instanceof ResourceConflictException && /state: Pending/.test(e.message),
  );
  await deploy(t, 'other', echo); // uses waitUntilFunctionActiveV2
  const got = await t.lambda.send(new GetFunctionCommand({ FunctionName: 'waiter' }));
  assert.equal(got.Configuration?.State, 'Active');
  // Code.Location serves the deployment package back, byte for byte.
  const code = await fetch(got.Code?.Location ?? '');
  assert.equal(code.status, 200);
  assert.deepEqual(new Uint8Array(await code.arrayBuffer()), echo);
  assert.equal(got.Configuration?.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:waiter');
});

test('updates go InProgress -> Successful, waitUntilFunctionUpdatedV2 works, and new environments see the change', async () => {
  await deploy(t, 'updated', echo, { MemorySize: 256 });
  const first = payloadOf(
    (await t.lambda.send(new InvokeCommand({ FunctionName: 'updated', Payload: '{"a":1}' }))).Payload,
  ) as { memory: string };
  assert.equal(first.memory, '256');
  const upd = await t.lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: 'updated',
      MemorySize: 512,
      Environment: { Variables: { CUSTOM: 'yes' } },
    }),
  );
  assert.equal(upd.LastUpdateStatus, 'InProgress');
  await assert.rejects(
    t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'updated', Timeout: 5 })),
    (e: unknown) => e instanceof ResourceConflictException,
  );
  await waitUntilFunctionUpdatedV2(
    { client: t.lambda, maxWaitTime: 10, minDelay: 1, maxDelay: 1 },
    { FunctionName: 'updated' },
  );
  const conf = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'updated' }));
  assert.equal(conf.LastUpdateStatus, 'Successful');
  assert.equal(conf.MemorySize, 512);
  const second = payloadOf(
    (await t.lambda.send(new InvokeCommand({ FunctionName: 'updated', Payload: '{}' }))).Payload,
  ) as { memory: string; custom: string };
  assert.equal(second.memory, '512');
  assert.equal(second.custom, 'yes');

  const code = await t.lambda.send(
    new UpdateFunctionCodeCommand({
      FunctionName: 'updated',
      ZipFile: zipOf('exports.handler = async () => ({ v: 2 });'),
    }),
  );
  assert.notEqual(code.CodeSha256, conf.CodeSha256);
  await waitUntilFunctionUpdatedV2(
    { client: t.lambda, maxWaitTime: 10, minDelay: 1, maxDelay: 1 },
    { FunctionName: 'updated' },
  );
  const third = payloadOf(
    (await t.lambda.send(new InvokeCommand({ FunctionName: 'updated', Payload: '{}' }))).Payload,
  ) as { v: number };
  assert.equal(third.v, 2);
});

test('ListFunctions pages with MaxItems and Marker', async () => {
  for (const n of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) await deploy(t, n, echo);
  const names: string[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const page = await t.lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
    assert.ok((page.Functions?.length ?? 0) <= 2);
    names.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
    marker = page.NextMarker;
    pages += 1;
  } while (marker);
  assert.ok(pages >= 3);
  for (const n of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) assert.ok(names.includes(n), n);
  assert.equal(new Set(names).size, names.length, 'no function listed twice');
});

test('tags: TagResource, ListTags, UntagResource, and Tags at create', async () => {
  await deploy(t, 'tagged', echo, { Tags: { 'vcpu-bench:managed': 'true' } });
  const arn = 'arn:aws:lambda:us-east-1:000000000000:function:tagged';
  await t.lambda.send(new TagResourceCommand({ Resource: arn, Tags: { 'vcpu-bench:run': 'r1', other: 'x' } }));
  await t.lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['other'] }));
  const tags = await t.lambda.send(new ListTagsCommand({ Resource: arn }));
  assert.deepEqual(tags.Tags, { 'vcpu-bench:managed': 'true', 'vcpu-bench:run': 'r1' });
});

test('GetAccountSettings reports the emulator concurrency', async () => {
  const s = await t.lambda.send(new GetAccountSettingsCommand({}));
  assert.equal(s.AccountLimit?.ConcurrentExecutions, t.emulator.concurrency);
  assert.ok((s.AccountUsage?.FunctionCount ?? 0) >= 1);
});

test('errors carry AWS type names, so the SDK raises its own exception classes', async () => {
  await assert.rejects(
    t.lambda.send(new GetFunctionCommand({ FunctionName: 'missing' })),
    (e: unknown) => e instanceof ResourceNotFoundException,
  );
  await assert.rejects(
    t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'other',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: echo },
      }),
    ),
    (e: unknown) => e instanceof ResourceConflictException && /already exist/.test(e.message),
  );
  await assert.rejects(
    t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 's3',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { S3Bucket: 'b', S3Key: 'k' },
      }),
    ),
    (e: unknown) => e instanceof InvalidParameterValueException && /Code\.ZipFile/.test(e.message),
  );
  await assert.rejects(
    t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'py',
        Runtime: 'python3.12',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: echo },
      }),
    ),
    (e: unknown) => e instanceof InvalidParameterValueException,
  );
  await assert.rejects(
    t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'small',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: ROLE,
        MemorySize: 64,
        Code: { ZipFile: echo },
      }),
    ),
    (e: unknown) =>
      e instanceof Error &&
      e.name === 'ValidationException' &&
      /at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128/.test(
        e.message,
      ),
  );
  await assert.rejects(
    t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'slow',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: ROLE,
        Timeout: 901,
        Code: { ZipFile: echo },
      }),
    ),
    (e: unknown) => e instanceof Error && e.name === 'ValidationException' && /timeout/.test(e.message),
  );
  await assert.rejects(
    t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'bad name!',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: echo },
      }),
    ),
    (e: unknown) => e instanceof Error && e.name === 'ValidationException',
  );
  await assert.rejects(
    t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'notzip',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: new Uint8Array([1, 2, 3]) },
      }),
    ),
    (e: unknown) => e instanceof InvalidParameterValueException && /unzip/.test(e.message),
  );
});

test('Invoke: DryRun answers 204, Event answers 202 and runs, a missing handler is an Unhandled init error', async () => {
  const dry = await t.lambda.send(new InvokeCommand({ FunctionName: 'other', InvocationType: 'DryRun' }));
  assert.equal(dry.StatusCode, 204);
  const ev = await t.lambda.send(new InvokeCommand({ FunctionName: 'other', InvocationType: 'Event', Payload: '{}' }));
  assert.equal(ev.StatusCode, 202);
  await deploy(t, 'nohandler', echo, { Handler: 'index.missing' });
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'nohandler', Payload: '{}' }));
  assert.equal(out.FunctionError, 'Unhandled');
  assert.equal((payloadOf(out.Payload) as { errorType: string }).errorType, 'Runtime.HandlerNotFound');
});

test('DeleteFunction removes it', async () => {
  await t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'waiter' }));
  await assert.rejects(
    t.lambda.send(new GetFunctionCommand({ FunctionName: 'waiter' })),
    (e: unknown) => e instanceof ResourceNotFoundException,
  );
});

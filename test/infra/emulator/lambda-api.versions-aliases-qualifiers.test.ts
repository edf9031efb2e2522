import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import {
  deploy,
  payloadOf,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  zipOf,
} from '../../support/emulator.js';

let t: TestTarget;
const source = (v: number) =>
  zipOf(`exports.handler = async () => ({ v: ${v}, version: process.env.AWS_LAMBDA_FUNCTION_VERSION });`);
const updated = () =>
  waitUntilFunctionUpdatedV2({ client: t.lambda, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { FunctionName: 'ver' });
const call = async (FunctionName: string, Qualifier?: string) => {
  const out = await t.lambda.send(new InvokeCommand({ FunctionName, Qualifier, Payload: '{}' }));
  return { body: payloadOf(out.Payload) as { v: number; version: string }, executed: out.ExecutedVersion };
};
const errorName = (name: string, message?: RegExp) => (e: unknown) =>
  e instanceof Error && e.name === name && (message === undefined || message.test(e.message));

before(async () => {
  // Concurrency 110: enough for a reservation of 10 above the 100 that must stay unreserved.
  t = await startTestEmulator({ concurrency: 110 });
  await deploy(t, 'ver', source(1));
});
after(() => stopTestEmulator(t));

test('PublishVersion, versions and aliases run what they name; name:qualifier and Qualifier agree; ExecutedVersion', async () => {
  const v1 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }));
  assert.equal(v1.Version, '1');
  assert.equal(v1.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:ver:1');
  const again = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }));
  assert.equal(again.Version, '1', 'nothing changed since version 1: no new version');
  await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'ver', ZipFile: source(2) }));
  await updated();
  await t.lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1' }));
  assert.deepEqual(await call('ver'), { body: { v: 2, version: '$LATEST' }, executed: '$LATEST' });
  assert.deepEqual(await call('ver', '1'), { body: { v: 1, version: '1' }, executed: '1' });
  assert.deepEqual(await call('ver:live'), { body: { v: 1, version: '1' }, executed: '1' });
  assert.deepEqual(await call('arn:aws:lambda:us-east-1:000000000000:function:ver', 'live'), {
    body: { v: 1, version: '1' },
    executed: '1',
  });
  await assert.rejects(call('ver', '7'), errorName('ResourceNotFoundException', /function:ver:7$/));
  await assert.rejects(call('ver', 'missing-alias'), errorName('ResourceNotFoundException'));
  await assert.rejects(call('ver:live', '1'), errorName('InvalidParameterValueException', /does not match/));
  const conf = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'ver', Qualifier: 'live' }));
  assert.equal(conf.Version, '1');
  assert.equal(conf.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:ver:live');
  await assert.rejects(
    t.lambda.send(new GetFunctionCommand({ FunctionName: 'ver', Qualifier: '9' })),
    errorName('ResourceNotFoundException'),
  );
});

test('aliases: get, list by version, update with RevisionId, routing weights checked, delete idempotent', async () => {
  const alias = await t.lambda.send(new GetAliasCommand({ FunctionName: 'ver', Name: 'live' }));
  assert.equal(alias.AliasArn, 'arn:aws:lambda:us-east-1:000000000000:function:ver:live');
  await assert.rejects(
    t.lambda.send(new CreateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '1' })),
    errorName('ResourceConflictException', /Alias already exists/),
  );
  await assert.rejects(
    t.lambda.send(new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', RevisionId: 'stale' })),
    errorName('PreconditionFailedException'),
  );
  const v2 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }));
  assert.equal(v2.Version, '2');
  const moved = await t.lambda.send(
    new UpdateAliasCommand({ FunctionName: 'ver', Name: 'live', FunctionVersion: '2', RevisionId: alias.RevisionId }),
  );
  assert.equal(moved.FunctionVersion, '2');
  assert.deepEqual(await call('ver:live'), { body: { v: 2, version: '2' }, executed: '2' });
  const listed = await t.lambda.send(new ListAliasesCommand({ FunctionName: 'ver', FunctionVersion: '2' }));
  assert.deepEqual(
    listed.Aliases?.map((a) => a.Name),
    ['live'],
  );
  await t.lambda.send(new DeleteAliasCommand({ FunctionName: 'ver', Name: 'never-existed' }));
  const versions = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
  assert.deepEqual(
    versions.Versions?.map((v) => v.Version),
    ['$LATEST', '1', '2'],
  );
});

test('DeleteFunction with a Qualifier deletes that version only; never $LATEST, never one an alias uses', async () => {
  await assert.rejects(
    t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '2' })),
    errorName('ResourceConflictException', /following aliases reference it: \[live\]/),
  );
  await assert.rejects(
    t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '$LATEST' })),
    errorName('InvalidParameterValueException', /\$LATEST version cannot be deleted without deleting the function/),
  );
  await t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '1' }));
  const versions = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
  assert.deepEqual(
    versions.Versions?.map((v) => v.Version),
    ['$LATEST', '2'],
  );
  assert.deepEqual((await call('ver')).executed, '$LATEST', 'the function itself is still there');
});

test('UpdateFunctionCode: DryRun deploys nothing, a stale RevisionId is refused, Publish publishes', async () => {
  const before = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'ver' }));
  const dry = await t.lambda.send(
    new UpdateFunctionCodeCommand({ FunctionName: 'ver', ZipFile: source(3), DryRun: true }),
  );
  assert.notEqual(dry.CodeSha256, before.CodeSha256, 'DryRun answers with the new package');
  assert.deepEqual((await call('ver')).body.v, 2, 'but the function still runs the old code');
  await assert.rejects(
    t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'ver', ZipFile: source(3), RevisionId: 'stale' })),
    errorName('PreconditionFailedException'),
  );
  await assert.rejects(
    t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ver', Timeout: 5, RevisionId: 'stale' })),
    errorName('PreconditionFailedException'),
  );
  const published = await t.lambda.send(
    new UpdateFunctionCodeCommand({
      FunctionName: 'ver',
      ZipFile: source(3),
      Publish: true,
      RevisionId: before.RevisionId,
    }),
  );
  assert.equal(published.Version, '3');
  await updated();
  assert.deepEqual(await call('ver', '3'), { body: { v: 3, version: '3' }, executed: '3' });
});

test('reserved concurrency: put, get, throttle at the reservation, delete; the unreserved minimum holds', async () => {
  await assert.rejects(
    t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'ver', ReservedConcurrentExecutions: 11 })),
    errorName('InvalidParameterValueException', /below its minimum value of \[100\]/),
  );
  await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'ver', ReservedConcurrentExecutions: 0 }));
  const got = await t.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'ver' }));
  assert.equal(got.ReservedConcurrentExecutions, 0);
  await assert.rejects(call('ver'), (e: unknown) => {
    const error = e as { name?: string; Reason?: string };
    return (
      error.name === 'TooManyRequestsException' && error.Reason === 'ReservedFunctionConcurrentInvocationLimitExceeded'
    );
  });
  await t.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'ver' }));
  assert.equal(
    (await t.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'ver' }))).ReservedConcurrentExecutions,
    undefined,
  );
  assert.equal((await call('ver')).executed, '$LATEST');
});

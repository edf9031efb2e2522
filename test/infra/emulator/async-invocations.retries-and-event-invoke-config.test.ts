import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { deploy, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../support/emulator.js';

let t: TestTarget;
before(async () => {
  // Lambda retries about 1 and 2 minutes after a failure; the same policy with short delays here.
  t = await startTestEmulator({ asyncRetryDelaysMs: [50, 100] });
  await deploy(
    t,
    'failing',
    zipOf(`exports.handler = async (e) => { console.log('attempt', e.id); throw new Error('no'); };`),
  );
  await deploy(t, 'fine', zipOf(`exports.handler = async (e) => { console.log('attempt', e.id); return 1; };`));
});
after(() => stopTestEmulator(t));

async function attempts(fn: string, id: string): Promise<number> {
  await t.emulator.asyncIdle();
  const out = await t.logs.send(
    new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: `"attempt ${id}"` }),
  );
  return out.events?.length ?? 0;
}

const event = (FunctionName: string, id: string) =>
  t.lambda.send(new InvokeCommand({ FunctionName, InvocationType: 'Event', Payload: JSON.stringify({ id }) }));

test('a failing Event invocation is retried twice (three attempts); a succeeding one runs once', async () => {
  await event('failing', 'a');
  await event('fine', 'b');
  assert.equal(await attempts('failing', 'a'), 3);
  assert.equal(await attempts('fine', 'b'), 1);
});

test('PutFunctionEventInvokeConfig MaximumRetryAttempts is honoured; Get, Update, List and Delete work', async () => {
  const put = await t.lambda.send(
    new PutFunctionEventInvokeConfigCommand({ FunctionName: 'failing', MaximumRetryAttempts: 0 }),
  );
  assert.equal(put.MaximumRetryAttempts, 0);
  assert.equal(put.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:failing:$LATEST');
  await event('failing', 'c');
  assert.equal(await attempts('failing', 'c'), 1);
  const updated = await t.lambda.send(
    new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'failing', MaximumRetryAttempts: 1 }),
  );
  assert.equal(updated.MaximumRetryAttempts, 1);
  await event('failing', 'd');
  assert.equal(await attempts('failing', 'd'), 2);
  const got = await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'failing' }));
  assert.equal(got.MaximumRetryAttempts, 1);
  const listed = await t.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'failing' }));
  assert.equal(listed.FunctionEventInvokeConfigs?.length, 1);
  await t.lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'failing' }));
  await assert.rejects(
    t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'failing' })),
    (e: unknown) =>
      e instanceof Error &&
      e.name === 'ResourceNotFoundException' &&
      /doesn't have an EventInvokeConfig/.test(e.message),
  );
  await assert.rejects(
    t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'failing', MaximumRetryAttempts: 3 })),
    (e: unknown) => e instanceof Error && e.name === 'ValidationException',
  );
  await assert.rejects(
    t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'failing' })),
    (e: unknown) => e instanceof Error && /at least one of error handling or destination setting/.test(e.message),
  );
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { LIMITS } from '../../../harness/lambda/platform.js';
import {
  decodeTail,
  deploy,
  payloadOf,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  zipOf,
} from '../../support/emulator.js';

let t: TestTarget;
before(async () => {
  t = await startTestEmulator();
  await deploy(
    t,
    'chatty',
    zipOf(`exports.handler = async (e) => {
      for (let i = 0; i < (e.lines ?? 0); i++) console.log('line ' + i + ' ' + 'x'.repeat(100));
      if (e.responseBytes) return 'y'.repeat(e.responseBytes);
      console.log('last of', e.n);
      return e.n;
    };`),
    { MemorySize: 1024 },
  );
});
after(() => stopTestEmulator(t));

test('4 MB of output stays with its own invocation: all of it before END, none in the next one', async () => {
  const first = await t.lambda.send(
    new InvokeCommand({ FunctionName: 'chatty', Payload: JSON.stringify({ n: 1, lines: 40_000 }), LogType: 'Tail' }),
  );
  const firstTail = decodeTail(first.LogResult).trimEnd().split('\n');
  assert.match(firstTail.at(-3) ?? '', /INFO\tlast of 1$/, 'the last line precedes END and REPORT');
  const second = await t.lambda.send(
    new InvokeCommand({ FunctionName: 'chatty', Payload: JSON.stringify({ n: 2 }), LogType: 'Tail' }),
  );
  assert.doesNotMatch(decodeTail(second.LogResult), /line \d+ x/, 'nothing of the first invocation in the second');
  const firstId = first.$metadata.requestId;
  const lines = await t.logs.send(
    new FilterLogEventsCommand({ logGroupName: '/aws/lambda/chatty', filterPattern: '"line 39999"' }),
  );
  assert.equal(lines.events?.length, 1);
  const ends = await t.logs.send(
    new FilterLogEventsCommand({ logGroupName: '/aws/lambda/chatty', filterPattern: 'END' }),
  );
  const firstEnd = ends.events?.find((e) => e.message?.includes(firstId ?? '?'));
  assert.ok(firstEnd && (lines.events?.[0]?.timestamp ?? Number.POSITIVE_INFINITY) <= (firstEnd.timestamp ?? 0));
});

test(`a response over ${LIMITS.syncResponseBytes} bytes fails the invocation as Lambda does; one under it returns`, async () => {
  const big = await t.lambda.send(
    new InvokeCommand({ FunctionName: 'chatty', Payload: JSON.stringify({ responseBytes: 7 * 1024 * 1024 }) }),
  );
  assert.equal(big.FunctionError, 'Unhandled');
  assert.deepEqual(payloadOf(big.Payload), {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${LIMITS.syncResponseBytes} bytes).`,
  });
  const justUnder = await t.lambda.send(
    new InvokeCommand({ FunctionName: 'chatty', Payload: JSON.stringify({ responseBytes: 6_000_000 }) }),
  );
  assert.equal(justUnder.FunctionError, undefined);
  assert.equal((payloadOf(justUnder.Payload) as string).length, 6_000_000);
});

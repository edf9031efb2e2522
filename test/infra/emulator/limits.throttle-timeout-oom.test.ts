import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvokeCommand, TooManyRequestsException } from '@aws-sdk/client-lambda';
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
const sleeper = zipOf(
  `exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms)); return 'slept'; };`,
);
before(async () => {
  t = await startTestEmulator({ concurrency: 2 });
  await deploy(t, 'sleeper', sleeper, { MemorySize: 512, Timeout: 1 });
});
after(() => stopTestEmulator(t));

test('beyond --concurrency busy environments Invoke answers 429 TooManyRequestsException', async () => {
  const calls = [0, 1, 2].map(() =>
    t.lambda.send(new InvokeCommand({ FunctionName: 'sleeper', Payload: JSON.stringify({ ms: 600 }) })),
  );
  const results = await Promise.allSettled(calls);
  const ok = results.filter((r) => r.status === 'fulfilled');
  const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(ok.length, 2);
  assert.equal(rejected.length, 1);
  const reason: unknown = rejected[0]?.reason;
  assert.ok(reason instanceof TooManyRequestsException);
  assert.equal(reason.Reason, 'ConcurrentInvocationLimitExceeded');
});

test('a timeout kills the environment and reports Status: timeout at the configured Duration', async () => {
  const out = await t.lambda.send(
    new InvokeCommand({ FunctionName: 'sleeper', LogType: 'Tail', Payload: JSON.stringify({ ms: 5000 }) }),
  );
  assert.equal(out.FunctionError, 'Unhandled');
  const answer = payloadOf(out.Payload) as { errorType: string; errorMessage: string };
  // Lambda's answer: errorType Sandbox.Timedout (harness/lambda/README.md "Runtime API").
  assert.equal(answer.errorType, 'Sandbox.Timedout');
  assert.match(answer.errorMessage, /Task timed out after 1\.00 seconds/);
  const tail = decodeTail(out.LogResult);
  assert.match(
    tail,
    /\tDuration: 1000\.00 ms\tBilled Duration: \d+ ms\tMemory Size: 512 MB\tMax Memory Used: \d+ MB\t(Init Duration: [\d.]+ ms\t)?Status: timeout\t/,
  );
  // The timed-out environment is gone; the function still answers.
  const live = t.emulator.status().environments.filter((e) => e.functionName === 'sleeper' && e.state !== 'dead');
  assert.equal(live.length, 1, 'of the two environments the throttling test made, the timed-out one was killed');
  const next = await t.lambda.send(new InvokeCommand({ FunctionName: 'sleeper', Payload: JSON.stringify({ ms: 1 }) }));
  assert.equal(next.FunctionError, undefined);
});

test('exceeding the memory size kills the environment: Status: error, Error Type: Runtime.OutOfMemory', async (ctx) => {
  if (!t.emulator.executor.cpuEnforced) {
    ctx.skip(`no memory limit without cgroups: ${t.emulator.executor.detail}`);
    return;
  }
  const hog = zipOf(
    `const held = []; exports.handler = async () => { for (let i = 0; i < 64; i++) held.push(Buffer.alloc(16 * 1024 * 1024, 1)); return held.length; };`,
  );
  await deploy(t, 'hog', hog, { MemorySize: 256, Timeout: 20 });
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'hog', LogType: 'Tail', Payload: '{}' }));
  assert.equal(out.FunctionError, 'Unhandled');
  assert.equal((payloadOf(out.Payload) as { errorType: string }).errorType, 'Runtime.OutOfMemory');
  assert.match(
    decodeTail(out.LogResult),
    /Memory Size: 256 MB\tMax Memory Used: \d+ MB\t(Init Duration: [\d.]+ ms\t)?Status: error\tError Type: Runtime\.OutOfMemory\t/,
  );
});

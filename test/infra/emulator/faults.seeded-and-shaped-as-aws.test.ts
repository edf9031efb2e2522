import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  InvokeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { MEMORY_QUOTA_ERROR, memoryQuotaCapMb } from '../../../harness/lambda/platform.js';
import { NO_FAULTS, parseFaults } from '../../../infra/emulator/faults.js';
import { deploy, ROLE, startTestEmulator, stopTestEmulator, zipOf } from '../../support/emulator.js';

const ECHO = 'exports.handler = async () => ({ ok: true });';

/** Which of `n` invokes the emulator throttled, in order: true for a 429. */
async function throttlePattern(seed: number, n: number): Promise<boolean[]> {
  const t = await startTestEmulator({ faults: { ...NO_FAULTS, throttle: 0.5, seed } });
  try {
    await deploy(t, 'echo', zipOf(ECHO));
    const pattern: boolean[] = [];
    for (let i = 0; i < n; i++) {
      try {
        await t.lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
        pattern.push(false);
      } catch (error: unknown) {
        assert.ok(error instanceof Error);
        assert.equal(error.name, 'TooManyRequestsException');
        assert.equal((error as { Reason?: string }).Reason, 'ConcurrentInvocationLimitExceeded');
        assert.equal((error as unknown as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode, 429);
        pattern.push(true);
      }
    }
    assert.equal(t.emulator.status().faults.counts.throttle, pattern.filter(Boolean).length);
    return pattern;
  } finally {
    await stopTestEmulator(t);
  }
}

test('throttle=0.5: 429 TooManyRequestsException as Lambda sends it, the same invokes for the same seed', async () => {
  const first = await throttlePattern(42, 16);
  assert.deepEqual(await throttlePattern(42, 16), first);
  assert.ok(first.some(Boolean) && !first.every(Boolean), first.join());
});

test('max-memory: CreateFunction and UpdateFunctionConfiguration refuse larger sizes with the capped-account error', async () => {
  const t = await startTestEmulator({ faults: { ...NO_FAULTS, maxMemoryMb: 3008 } });
  try {
    const create = (memory: number) =>
      t.lambda.send(
        new CreateFunctionCommand({
          FunctionName: `f-${memory}`,
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Role: ROLE,
          MemorySize: memory,
          Code: { ZipFile: zipOf(ECHO) },
        }),
      );
    const refusal = { name: MEMORY_QUOTA_ERROR.type, message: MEMORY_QUOTA_ERROR.message(3008) };
    await assert.rejects(create(3009), refusal);
    await create(3008);
    await waitUntilFunctionUpdatedV2({ client: t.lambda, maxWaitTime: 10, minDelay: 1 }, { FunctionName: 'f-3008' });
    const update = t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'f-3008', MemorySize: 4096 }));
    await assert.rejects(update, (error: Error) => {
      assert.equal(memoryQuotaCapMb(error), 3008, 'the harness reads the cap back from the message');
      assert.equal((error as unknown as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode, 400);
      return true;
    });
    assert.equal(t.emulator.status().faults.counts['max-memory'], 2);
  } finally {
    await stopTestEmulator(t);
  }
});

test('log-delay: the REPORT line is in the Invoke tail at once, and reaches the Logs API only after the delay', async () => {
  const t = await startTestEmulator({ faults: { ...NO_FAULTS, logDelayS: 1 } });
  try {
    await deploy(t, 'echo', zipOf(ECHO));
    const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', LogType: 'Tail' }));
    assert.match(Buffer.from(out.LogResult ?? '', 'base64').toString('utf8'), /REPORT RequestId: /);
    const reports = async () =>
      (await t.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/echo', filterPattern: 'REPORT' })))
        .events ?? [];
    await assert.rejects(reports(), { name: 'ResourceNotFoundException' }, 'not even the log group yet');
    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.equal((await reports()).length, 1);
  } finally {
    await stopTestEmulator(t);
  }
});

test('init-error=1 and timeout=1: function errors and timeouts shaped as Lambda answers them, nothing run', async () => {
  for (const [fault, check] of [
    [
      { initError: 1 },
      (body: { errorType: string; errorMessage: string }, tail: string) => {
        assert.equal(body.errorType, 'Runtime.ExitError');
        assert.match(tail, /Status: error\tError Type: Runtime\.ExitError/);
      },
    ],
    [
      { timeout: 1 },
      (body: { errorType: string; errorMessage: string }, tail: string) => {
        assert.equal(body.errorType, 'Sandbox.Timedout');
        assert.match(body.errorMessage, /Task timed out after 30\.00 seconds/);
        assert.match(tail, /Duration: 30000\.00 ms\tBilled Duration: 30000 ms\t.*Status: timeout/);
      },
    ],
  ] as const) {
    const t = await startTestEmulator({ faults: { ...NO_FAULTS, ...fault } });
    try {
      await deploy(t, 'echo', zipOf(ECHO));
      const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', LogType: 'Tail' }));
      assert.equal(out.FunctionError, 'Unhandled');
      const body = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8'));
      check(body, Buffer.from(out.LogResult ?? '', 'base64').toString('utf8'));
      assert.deepEqual(t.emulator.status().environments, [], 'no environment was started');
    } finally {
      await stopTestEmulator(t);
    }
  }
});

test('--fault values are checked: names, fractions, seconds, MB', () => {
  assert.deepEqual(parseFaults(['throttle=0.25', 'max-memory=3008'], 9), {
    ...NO_FAULTS,
    throttle: 0.25,
    maxMemoryMb: 3008,
    seed: 9,
  });
  assert.throws(() => parseFaults(['throttle=1.5']), /throttle=1\.5: throttle must be a fraction from 0 to 1/);
  assert.throws(() => parseFaults(['max-memory=64']), /max-memory must be an integer number of MB from 128 to 10240/);
  assert.throws(() => parseFaults(['slow=1']), /slow=1: must be NAME=VALUE with NAME one of throttle, /);
  assert.throws(() => parseFaults(['log-delay']), /must be NAME=VALUE/);
});

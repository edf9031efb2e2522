import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { digestOf, hashRange } from '../../../workloads/hash.js';
import {
  decodeTail,
  deploy,
  payloadOf,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  workloadZip,
} from '../../support/emulator.js';

let t: TestTarget;
before(async () => {
  t = await startTestEmulator();
  await deploy(t, 'workload-2654', workloadZip(), { MemorySize: 2654 });
});
after(() => stopTestEmulator(t));

interface Body {
  digest: string;
  coldStart: boolean;
  memoryLimitMb: number;
  cgroupCpuQuota: number | null;
  availableParallelism: number;
  pool: { created: boolean; ids: number[] } | null;
  children: Array<{ requestId: string }> | null;
}

test('the foundation zip runs every mode on the emulator, fan_out included, with the same digest', async () => {
  const event = { workers: 2, items: 4, algorithm: 'pbkdf2', cost: 2000, seed: 'emulator' };
  const expected = digestOf(hashRange({ algorithm: 'pbkdf2', cost: 2000, seed: 'emulator', start: 0, end: 4 }));
  let first = true;
  for (const mode of ['sequential', 'worker_threads', 'child_process', 'fan_out']) {
    const out = await t.lambda.send(
      new InvokeCommand({
        FunctionName: 'workload-2654',
        LogType: 'Tail',
        Payload: JSON.stringify({ ...event, mode }),
      }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, undefined, `${mode}: ${Buffer.from(out.Payload ?? []).toString()}`);
    const body = payloadOf(out.Payload) as Body;
    assert.equal(body.digest, expected, mode);
    assert.equal(body.coldStart, first, `${mode}: cold only on the first invocation of the environment`);
    assert.equal(body.memoryLimitMb, 2654);
    assert.match(decodeTail(out.LogResult), new RegExp(`REPORT RequestId: ${out.$metadata.requestId}\\t`));
    if (t.emulator.executor.cpuEnforced) {
      // CPU quota = memory / 1769 CPUs (harness/lambda/README.md "Memory and CPU").
      assert.ok(
        body.cgroupCpuQuota !== null && Math.abs(body.cgroupCpuQuota - 2654 / 1769) < 0.01,
        String(body.cgroupCpuQuota),
      );
    }
    if (mode === 'fan_out') {
      assert.equal(body.children?.length, 2);
      for (const child of body.children ?? []) assert.match(child.requestId, /^[0-9a-f-]{36}$/);
    }
    first = false;
  }
});

test('a warm environment reuses its worker pool', async () => {
  const event = { mode: 'worker_threads', workers: 2, items: 2, algorithm: 'bcrypt', cost: 4, seed: 'warm' };
  const a = payloadOf(
    (await t.lambda.send(new InvokeCommand({ FunctionName: 'workload-2654', Payload: JSON.stringify(event) }))).Payload,
  ) as Body;
  const b = payloadOf(
    (await t.lambda.send(new InvokeCommand({ FunctionName: 'workload-2654', Payload: JSON.stringify(event) }))).Payload,
  ) as Body;
  assert.equal(b.pool?.created, false);
  assert.deepEqual(b.pool?.ids, a.pool?.ids);
});

test('a bad event comes back as an Unhandled function error naming the field', async () => {
  const out = await t.lambda.send(
    new InvokeCommand({
      FunctionName: 'workload-2654',
      Payload: JSON.stringify({ mode: 'threads', workers: 1, items: 1, algorithm: 'bcrypt', seed: 1 }),
    }),
  );
  assert.equal(out.FunctionError, 'Unhandled');
  const body = payloadOf(out.Payload) as { errorType: string; errorMessage: string };
  assert.equal(body.errorType, 'EventError');
  assert.match(
    body.errorMessage,
    /event\.mode "threads": must be one of sequential, worker_threads, child_process, fan_out/,
  );
});

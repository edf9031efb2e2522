/**
 * fan_out from inside a container: the workload invokes itself through the emulator's Lambda API at the address the
 * container reaches (its listener on the emulator's network), and every child runs in a container of its own, in
 * Runtime API mode and in RIE mode alike.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { FilterLogEventsCommand, type FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { listLabelled } from '../../../infra/docker/docker.js';
import type { DockerMode } from '../../../infra/docker/modes.js';
import { LABEL_EMULATOR } from '../../../infra/docker/owner.js';
import { dockerTarget } from '../../support/docker-emulator.js';
import { decodeTail, deploy, payloadOf, workloadZip } from '../../support/emulator.js';

const EVENT = { workers: 2, items: 2, algorithm: 'bcrypt', cost: 4, seed: 'fan' };

interface Answer {
  digest: string;
  children: Array<{ requestId: string }> | null;
}

async function fanOutThroughContainers(ctx: TestContext, mode: DockerMode): Promise<void> {
  const t = await dockerTarget(ctx, mode, { concurrency: 10 });
  if (!t) return;
  await deploy(t, 'fan', workloadZip(), { MemorySize: 1024, Timeout: 60 });
  const call = async (event: object) => {
    const out = await t.lambda.send(
      new InvokeCommand({ FunctionName: 'fan', LogType: 'Tail', Payload: JSON.stringify(event) }),
    );
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    return { answer: payloadOf(out.Payload) as Answer, tail: decodeTail(out.LogResult) };
  };
  const sequential = await call({ ...EVENT, mode: 'sequential', workers: 1 });
  const fanned = await call({ ...EVENT, mode: 'fan_out' });
  assert.equal(fanned.answer.digest, sequential.answer.digest, 'the children hashed the same items');
  const childIds = (fanned.answer.children ?? []).map((c) => c.requestId);
  assert.equal(childIds.length, 2);

  const envs = t.emulator.status().environments.filter((e) => e.functionName === 'fan');
  assert.equal(envs.length, 3, 'the parent and each child had an environment of its own');
  const pids = new Set(envs.map((e) => e.pid));
  assert.equal(pids.size, 3, 'three containers, three first processes');
  const containers = await listLabelled('container', LABEL_EMULATOR, t.executor.id);
  assert.ok(containers.length >= 3, `${containers.length} containers of this emulator`);

  // Each child's REPORT is in the function's logs under the request id the parent got back.
  for (const id of childIds) {
    const events: FilterLogEventsCommandOutput = await t.logs.send(
      new FilterLogEventsCommand({
        logGroupName: '/aws/lambda/fan',
        filterPattern: `"REPORT RequestId: ${id}"`,
      }),
    );
    assert.equal(events.events?.length, 1, `the REPORT of child ${id}`);
  }
}

test('Runtime API mode: fan_out children run through the Lambda API, each in its own container', async (ctx) => {
  await fanOutThroughContainers(ctx, 'runtime-api');
});

test('RIE mode: fan_out children run through the Lambda API, each in its own container', async (ctx) => {
  await fanOutThroughContainers(ctx, 'rie');
});

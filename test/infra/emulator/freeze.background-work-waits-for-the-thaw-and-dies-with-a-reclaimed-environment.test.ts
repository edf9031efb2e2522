import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { isRecord } from '../../../lib/guards.js';
import type { BatchReport } from '../../../workloads/background.js';
import { BACKGROUND_KINDS, type BackgroundKind } from '../../../workloads/event.js';
import type { WorkloadResponse } from '../../../workloads/handler.js';
import {
  deploy,
  payloadOf,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  workloadZip,
} from '../../support/emulator.js';

// The workload's background mode on the emulator. Each batch would finish well within the gap if the environment
// kept running (the rate it runs at is measured in the same test, awaited, while the environment runs), so what
// completes in the gap shows whether the freeze held. Counts only, with wide margins: nothing depends on how fast
// this host is.
const GAP_MS = 1500;
const FUNCTION = 'background-freeze';
const work = { algorithm: 'bcrypt', cost: 7, items: 48, workers: 2, seed: 'freeze' } as const;

let t: TestTarget;
before(async () => {
  t = await startTestEmulator();
  await deploy(t, FUNCTION, workloadZip(), { MemorySize: 1769 });
});
after(() => stopTestEmulator(t));

async function invoke(payload: Record<string, unknown>): Promise<WorkloadResponse> {
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: FUNCTION, Payload: JSON.stringify(payload) }));
  const body = payloadOf(out.Payload);
  assert.equal(out.FunctionError, undefined, JSON.stringify(body));
  assert.ok(isRecord(body));
  return body as unknown as WorkloadResponse;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const awaitedMode = (kind: BackgroundKind) =>
  kind === 'worker_threads' || kind === 'child_process' ? kind : 'sequential';

function between(batch: BatchReport, fromMs: number, toMs: number): number {
  return batch.completedMonoMs.filter((ms) => ms > fromMs && ms <= toMs).length;
}

for (const kind of BACKGROUND_KINDS) {
  test(`${kind}: background work makes no progress while frozen, and completes after the thaw`, async () => {
    // The same work awaited: it warms the environment and its pool, and measures the rate while running.
    const awaited = await invoke({ ...work, mode: awaitedMode(kind) });
    const itemsPerMs = work.items / awaited.workloadMs;
    const start = await invoke({ ...work, mode: 'background', background: kind });
    await sleep(GAP_MS);
    const collect = await invoke({ ...work, mode: 'background', background: kind, collect: true });

    const startReport = start.background;
    const collectReport = collect.background;
    assert.ok(startReport?.started && collectReport);
    assert.equal(collectReport.environmentId, startReport.environmentId, 'the same environment served both');
    const batch = collectReport.earlier.find((b) => b.batchId === startReport.started?.batchId);
    assert.ok(batch, 'the collecting invocation reports the batch by the id of the invocation that started it');
    assert.ok(batch.returnedAt);
    assert.equal(batch.failed, 0, String(batch.firstError));
    assert.equal(batch.pending, 0, 'everything finished after the thaw');

    const returned = batch.returnedAt.monoMs;
    const thawed = collectReport.enteredAt.monoMs;
    const beforeResponse = between(batch, Number.NEGATIVE_INFINITY, returned);
    const duringGap = between(batch, returned, thawed);
    const afterThaw = between(batch, thawed, Number.POSITIVE_INFINITY);
    assert.equal(beforeResponse + duringGap + afterThaw, work.items, 'every item completed once');

    // What the batch would have completed in the gap at the rate the same work runs at awaited.
    const gapMs = thawed - returned;
    assert.ok(gapMs >= GAP_MS, `the environment's own clock saw the gap: ${gapMs} ms`);
    const ifRunning = Math.min(work.items - beforeResponse, itemsPerMs * gapMs);
    const detail = `before ${beforeResponse}, gap ${duringGap}, after ${afterThaw}; running would have done ~${ifRunning.toFixed(0)} in the gap`;
    assert.ok(ifRunning >= 8, `the gap is long enough to tell: ${detail}`);
    // Only the moments between the handler's return and the freeze (the runtime posts the response and asks for the
    // next event) can complete anything; a running environment would complete about `ifRunning`.
    assert.ok(duringGap <= ifRunning / 4, `frozen: little or nothing in the gap: ${detail}`);
    assert.ok(afterThaw >= work.items / 2, `most of it completed after the thaw: ${detail}`);
    assert.ok(batch.digest, 'all items done');
  });
}

test('work left in an environment that is reclaimed between invocations is never reported: it is lost', async () => {
  const kind = 'worker_threads';
  await invoke({ ...work, mode: awaitedMode(kind) });
  const start = await invoke({ ...work, mode: 'background', background: kind });
  const started = start.background?.started;
  assert.ok(started);
  // What a user can do on AWS too: a configuration update makes Lambda serve later invocations from new environments.
  const config = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION }));
  await t.lambda.send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: FUNCTION,
      Environment: { Variables: { ...config.Environment?.Variables, RECLAIM: 'test' } },
    }),
  );
  await waitUntilFunctionUpdatedV2(
    { client: t.lambda, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
    { FunctionName: FUNCTION },
  );
  await sleep(GAP_MS);
  const collect = await invoke({ ...work, mode: 'background', background: kind, collect: true });
  assert.notEqual(collect.background?.environmentId, start.background?.environmentId, 'a new environment');
  assert.equal(collect.coldStart, true);
  assert.deepEqual(collect.background?.earlier, [], 'nothing of the old environment reaches the new one');
  const lost = work.items - started.completedMonoMs.length;
  assert.ok(lost >= work.items / 2, `most items were still to do when the environment was reclaimed: ${lost}`);
  // The old environment's process is gone, so the work can never complete.
  assert.ok(!t.emulator.status().environments.some((e) => e.pid === start.pid), 'the old environment is gone');
  assert.throws(() => process.kill(start.pid, 0), /ESRCH/, 'its process no longer exists');
});

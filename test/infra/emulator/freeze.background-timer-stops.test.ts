import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  deploy,
  payloadOf,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  zipOf,
} from '../../support/emulator.js';

let t: TestTarget;
// A fire-and-forget timer started by the handler: it ticks every 10 ms for as long as the process runs.
const source = `
let ticks = 0;
let timer = null;
exports.handler = async (e) => {
  timer ??= setInterval(() => { ticks++; }, 10);
  const before = ticks;
  await new Promise((r) => setTimeout(r, e.waitMs));
  return { before, after: ticks };
};`;
before(async () => {
  t = await startTestEmulator();
  await deploy(t, 'ticker', zipOf(source), { MemorySize: 1769 });
});
after(() => stopTestEmulator(t));

async function call(waitMs: number): Promise<{ before: number; after: number }> {
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'ticker', Payload: JSON.stringify({ waitMs }) }));
  return payloadOf(out.Payload) as { before: number; after: number };
}

test('a background timer makes no progress while the environment is frozen and resumes on the next invocation', async () => {
  const first = await call(100);
  assert.ok(first.after >= 5, `ticks during the first invocation: ${first.after}`);
  // 1.5 s between invocations would be ~150 ticks if the environment kept running.
  await new Promise((r) => setTimeout(r, 1500));
  const second = await call(300);
  const whileFrozen = second.before - first.after;
  assert.ok(whileFrozen <= 10, `ticks between invocations: ${whileFrozen} (frozen: expected ~0, running: ~150)`);
  const resumed = second.after - second.before;
  assert.ok(resumed >= 15, `ticks during the second invocation: ${resumed} (expected ~30)`);
  // The runtime asks for its next event right after responding; from then on the environment is frozen.
  let frozen = false;
  for (let i = 0; i < 50 && !frozen; i++) {
    frozen = t.emulator.status().environments.some((e) => e.functionName === 'ticker' && e.frozen);
    if (!frozen) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(frozen, 'the environment is reported frozen between invocations');
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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
before(async () => {
  t = await startTestEmulator();
});
after(() => stopTestEmulator(t));

/** Another local process asks the Runtime API for the next event, then tries to answer for a request id. */
function intruder(runtimeApi: string): Promise<{ next: number; response: number }> {
  const script = `
    const base = 'http://${runtimeApi}/2018-06-01/runtime/invocation';
    const next = await fetch(base + '/next', { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => -1);
    const response = await fetch(base + '/forged/response', { method: 'POST', body: '"forged"' }).then((r) => r.status, () => -1);
    console.log(JSON.stringify({ next, response }));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return new Promise((resolve) => child.on('close', () => resolve(JSON.parse(out))));
}

test("another local process cannot take an environment's event or answer for it", async () => {
  await deploy(t, 'private', zipOf('exports.handler = async (event) => ({ got: event });'));
  const first = await t.lambda.send(new InvokeCommand({ FunctionName: 'private', Payload: '{"n":1}' }));
  assert.deepEqual(payloadOf(first.Payload), { got: { n: 1 } });
  const [env] = t.emulator.status().environments;
  assert.ok(env?.runtimeApi, 'the environment has a Runtime API');
  const attempt = intruder(env.runtimeApi);
  const second = await t.lambda.send(new InvokeCommand({ FunctionName: 'private', Payload: '{"n":2}' }));
  assert.deepEqual(await attempt, { next: 403, response: 403 });
  // The event went to the environment's own runtime, whose answer is the one returned.
  assert.deepEqual(payloadOf(second.Payload), { got: { n: 2 } });
});

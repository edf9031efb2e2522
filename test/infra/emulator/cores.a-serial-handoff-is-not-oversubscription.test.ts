import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MB_PER_VCPU, memoryForVcpus } from '../../../harness/lambda/platform.js';
import { deploy, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../support/emulator.js';

// A local sweep invokes one function after another. The runtime that just answered asks for its next event (and is
// frozen) a moment after its response, by which time the next invocation, on another function, may have started:
// that moment is not host oversubscription. Without the wind-down grace about 1 in 13 of these calls was marked.
const FUNCTIONS = { big: memoryForVcpus(2), small: MB_PER_VCPU };
const ROUNDS = 60;

let t: TestTarget;
before(async () => {
  t = await startTestEmulator();
  for (const [name, memory] of Object.entries(FUNCTIONS))
    await deploy(t, name, zipOf(`exports.handler = async () => 'ok';`), { MemorySize: memory });
});
after(() => stopTestEmulator(t));

async function oversubscriptionOf(name: string): Promise<number> {
  const res = await fetch(`${t.emulator.endpoint}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(res.status, 200, await res.text());
  return Number(res.headers.get('x-vcpu-bench-oversubscription'));
}

test('invocations one after another on two functions never see each other as load', async (ctx) => {
  if (!t.emulator.status().cpuEnforced) return ctx.skip('no writable cgroups: no quota, no load to count');
  const alone = new Map<string, number>();
  for (const name of Object.keys(FUNCTIONS)) alone.set(name, await oversubscriptionOf(name));
  const marked: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(FUNCTIONS)) {
      const seen = await oversubscriptionOf(name);
      if (seen !== alone.get(name)) marked.push(`${name} round ${round}: ${seen} (alone: ${alone.get(name)})`);
    }
  }
  assert.deepEqual(marked, []);
});

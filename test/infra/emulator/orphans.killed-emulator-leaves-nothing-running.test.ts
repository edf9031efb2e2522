import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { startTestEmulator, stopTestEmulator } from '../../support/emulator.js';

const EMULATOR_MODULE = pathToFileURL(new URL('../../../infra/emulator/emulator.js', import.meta.url).pathname).href;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return predicate();
}

/**
 * An emulator in a child process: it deploys a function that sleeps `sleepMs`, invokes it (awaited, or left running),
 * prints the environment's pid, and waits to be killed.
 */
function emulatorChild(sleepMs: number, awaitInvoke: boolean) {
  const zip = Buffer.from(
    zipSync({
      'index.js': new TextEncoder().encode(
        `exports.handler = async () => { await new Promise((r) => setTimeout(r, ${sleepMs})); return 1; };`,
      ),
    }),
  ).toString('base64');
  const script = `
    const { startEmulator } = await import(${JSON.stringify(EMULATOR_MODULE)});
    const emulator = await startEmulator({});
    const api = emulator.endpoint + '/2015-03-31/functions';
    await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ FunctionName: 'orphan', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r', MemorySize: 512, Timeout: 60, Code: { ZipFile: ${JSON.stringify(zip)} } }) });
    await new Promise((r) => setTimeout(r, 400));
    const call = fetch(api + '/orphan/invocations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (${awaitInvoke}) await call;
    else await new Promise((r) => setTimeout(r, 1500));
    console.log(JSON.stringify(emulator.status().environments.map((e) => e.pid)));
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pids = new Promise<number[]>((resolve) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0] ?? '[]') as number[]);
    });
  });
  return { child, pids };
}

test('an environment in the middle of an invocation exits by itself when its emulator is killed', async () => {
  const { child, pids } = emulatorChild(30_000, false);
  const [pid] = await pids;
  assert.ok(pid && alive(pid));
  child.kill('SIGKILL');
  assert.ok(await until(() => !alive(pid), 5000), `environment ${pid} still running 5 s after its emulator died`);
});

test('a frozen environment left by a killed emulator is thawed, killed and its cgroups removed by the next emulator', async () => {
  const { child, pids } = emulatorChild(1, true);
  const [pid] = await pids;
  assert.ok(pid && alive(pid));
  const deadEmulator = child.pid;
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const t = await startTestEmulator();
  try {
    if (!t.emulator.executor.cpuEnforced) {
      // Without cgroups the frozen (SIGSTOPped) orphan cannot be found by group; nothing else to check here.
      process.kill(pid, 'SIGKILL');
      return;
    }
    assert.ok(await until(() => !alive(pid), 3000), `frozen orphan ${pid} still alive after a new emulator started`);
    assert.equal(
      existsSync(`/sys/fs/cgroup/freezer/vcpu-bench-${deadEmulator}`),
      false,
      'the dead emulator groups are gone',
    );
  } finally {
    await stopTestEmulator(t);
  }
});

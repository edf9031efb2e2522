import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { pidAlive } from '../../../lib/process.js';
import { startTestEmulator, stopTestEmulator } from '../../support/emulator.js';

const EMULATOR_MODULE = pathToFileURL(new URL('../../../infra/emulator/emulator.js', import.meta.url).pathname).href;

async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return predicate();
}

/** An emulator in a child process with one frozen environment; it prints that environment's pid and its directory. */
function emulatorWithFrozenEnvironment() {
  const zip = Buffer.from(
    zipSync({
      'index.js': new TextEncoder().encode('exports.handler = async () => { setInterval(() => {}, 5); return 1; };'),
    }),
  ).toString('base64');
  const script = `
    const { startEmulator } = await import(${JSON.stringify(EMULATOR_MODULE)});
    const emulator = await startEmulator({});
    const api = emulator.endpoint + '/2015-03-31/functions';
    const json = { 'content-type': 'application/json' };
    await fetch(api, { method: 'POST', headers: json, body: JSON.stringify({ FunctionName: 'frozen', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r', MemorySize: 256, Code: { ZipFile: ${JSON.stringify(zip)} } }) });
    await new Promise((r) => setTimeout(r, 400));
    await fetch(api + '/frozen/invocations', { method: 'POST', headers: json, body: '{}' }).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 200));
    const [env] = emulator.status().environments;
    console.log(JSON.stringify({ pid: env.pid, frozen: env.frozen, workDir: emulator.workDir }));
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const facts = new Promise<{ pid: number; frozen: boolean; workDir: string }>((resolve) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0] ?? '{}'));
    });
  });
  return { child, facts };
}

test('kill -9 of the emulator: its frozen environment dies and its directory goes, with no new emulator started', async () => {
  const { child, facts } = emulatorWithFrozenEnvironment();
  const { pid, frozen, workDir } = await facts;
  assert.ok(pidAlive(pid) && frozen, 'a frozen environment to begin with');
  assert.ok(existsSync(workDir));
  child.kill('SIGKILL');
  assert.ok(
    await until(() => !pidAlive(pid), 5000),
    `frozen environment ${pid} still alive 5 s after its emulator died`,
  );
  assert.ok(await until(() => !existsSync(workDir), 5000), `${workDir} still there 5 s after its emulator died`);
});

test('an emulator that starts removes the directories of dead emulators', async () => {
  // A pid that certainly belongs to no running process: one that has just exited.
  const gone = spawn(process.execPath, ['-e', '0']);
  const deadPid = gone.pid ?? 0;
  await new Promise((r) => gone.on('exit', r));
  const left = path.join(os.tmpdir(), `vcpu-bench-emulator-${deadPid}-leftover`);
  mkdirSync(path.join(left, 'code', 'abc'), { recursive: true });
  writeFileSync(path.join(left, 'code', 'abc', 'index.js'), 'left behind');
  const t = await startTestEmulator();
  try {
    assert.equal(existsSync(left), false);
  } finally {
    await stopTestEmulator(t);
  }
});

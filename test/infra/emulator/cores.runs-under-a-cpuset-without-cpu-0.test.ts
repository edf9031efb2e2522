/**
 * An emulator whose own cpuset lacks CPU 0 (a container, a restricted cgroup) still starts environments, on the
 * CPUs it has: each environment's cores come from the emulator's effective cpuset, not 0..k-1. Needs a writable
 * cgroup v1 cpuset hierarchy and at least two CPUs; skips, saying which is missing, otherwise.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';

const CPUSET_ROOT = '/sys/fs/cgroup/cpuset';
const EMULATOR_MODULE = pathToFileURL(new URL('../../../infra/emulator/emulator.js', import.meta.url).pathname).href;

function cannotRun(): string | null {
  if (os.cpus().length < 2) return 'needs at least two CPUs';
  if (!existsSync(path.join(CPUSET_ROOT, 'cpuset.cpus'))) return `no cgroup v1 cpuset hierarchy at ${CPUSET_ROOT}`;
  try {
    const probe = path.join(CPUSET_ROOT, `vcpu-bench-probe-${process.pid}`);
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    return `cannot write ${CPUSET_ROOT} (${error instanceof Error ? error.message : String(error)})`;
  }
  return null;
}

test('under a parent cpuset of CPU 1 only, an environment starts and runs on CPU 1', async (t) => {
  const why = cannotRun();
  if (why !== null) {
    t.skip(why);
    return;
  }
  const group = path.join(CPUSET_ROOT, `vcpu-bench-test-${process.pid}`);
  mkdirSync(group);
  try {
    writeFileSync(path.join(group, 'cpuset.cpus'), '1');
    writeFileSync(path.join(group, 'cpuset.mems'), readFileSync(path.join(CPUSET_ROOT, 'cpuset.mems'), 'utf8').trim());
    const zip = Buffer.from(
      zipSync({
        'index.js': new TextEncoder().encode(
          `exports.handler = async () => /Cpus_allowed_list:\\s*(\\S+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1];`,
        ),
      }),
    ).toString('base64');
    const script = `
      const { startEmulator } = await import(${JSON.stringify(EMULATOR_MODULE)});
      const emulator = await startEmulator({});
      try {
        const api = emulator.endpoint + '/2015-03-31/functions';
        const headers = { 'content-type': 'application/json' };
        await fetch(api, { method: 'POST', headers, body: JSON.stringify({ FunctionName: 'pinned', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r', MemorySize: 3538, Timeout: 30, Code: { ZipFile: ${JSON.stringify(zip)} } }) });
        await new Promise((r) => setTimeout(r, 400));
        const res = await fetch(api + '/pinned/invocations', { method: 'POST', headers, body: '{}' });
        console.log(JSON.stringify({ status: res.status, error: res.headers.get('x-amz-function-error'), body: await res.text(), cpus: emulator.status().cpus }));
      } finally {
        await emulator.close();
      }`;
    // The shell joins the group first, then becomes node: the emulator starts inside the restricted cpuset.
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        `echo $$ > ${path.join(group, 'cgroup.procs')} && exec "$@"`,
        'sh',
        process.execPath,
        '--input-type=module',
        '-e',
        script,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
    const out = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
      status: number;
      error: string | null;
      body: string;
      cpus: string;
    };
    assert.equal(out.cpus, '1', 'the emulator places environments on its own cpuset');
    assert.equal(out.status, 200);
    assert.equal(out.error, null, out.body);
    assert.equal(JSON.parse(out.body), '1', 'the environment runs on CPU 1');
  } finally {
    for (let i = 0; i < 20 && existsSync(group); i++) {
      try {
        rmdirSync(group);
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
});

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { detectCgroups } from '../../../infra/emulator/cgroups.js';
import type { EnvHandle, EnvSpec, Executor } from '../../../infra/emulator/executor.js';
import { deploy, startTestEmulator, stopTestEmulator, zipOf } from '../../support/emulator.js';

test('a group whose limits the kernel refuses is removed again, in every hierarchy', (t) => {
  const cgroups = detectCgroups();
  if (!cgroups.enforced) {
    t.skip(`no writable cgroups here (${cgroups.detail})`);
    return;
  }
  try {
    // Core 4095: a cpuset no host has, so the kernel refuses it after the group's directories exist.
    assert.throws(() => cgroups.create('env-refused', { cpus: 1, cores: [4095], memoryMb: 128 }));
    const probe = cgroups.create('env-probe', { cpus: 1, cores: [0], memoryMb: 128 });
    assert.ok(probe);
    const refusedDirs = probe.dirs.map((d) => d.replace(/env-probe$/, 'env-refused'));
    probe.remove();
    for (const dir of refusedDirs) assert.equal(existsSync(dir), false, `${dir} left behind`);
  } finally {
    cgroups.dispose();
  }
});

/** An executor that refuses every environment, remembering the Runtime API each was given. */
class RefusingExecutor implements Executor {
  readonly kind = 'process';
  readonly cpuEnforced = false;
  readonly detail = 'refuses everything';
  readonly runtimeApis: string[] = [];
  start(spec: EnvSpec): EnvHandle {
    this.runtimeApis.push(spec.runtimeApi);
    throw new Error('no environment for you');
  }
  async dispose(): Promise<void> {}
}

function accepts(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

test('an environment that fails to start leaves no Runtime API listening and no environment behind', async () => {
  const executor = new RefusingExecutor();
  const t = await startTestEmulator({ executor });
  try {
    await deploy(t, 'refused', zipOf('exports.handler = async () => 1;'));
    for (let attempt = 0; attempt < 3; attempt++) {
      await assert.rejects(t.lambda.send(new InvokeCommand({ FunctionName: 'refused', Payload: '{}' })));
    }
    assert.equal(executor.runtimeApis.length, 3);
    for (const api of executor.runtimeApis) assert.equal(await accepts(api), false, `${api} still listening`);
    assert.deepEqual(t.emulator.status().environments, []);
  } finally {
    await stopTestEmulator(t);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { detectCgroups } from '../../../infra/emulator/cgroups.js';
import { ProcessExecutor } from '../../../infra/emulator/process-executor.js';
import { deploy, payloadOf, startTestEmulator, stopTestEmulator, zipOf } from '../../support/emulator.js';

test('each cgroup mode is either usable or says why not, naming what is missing', () => {
  for (const mode of ['v1', 'v2'] as const) {
    const support = detectCgroups(mode);
    try {
      if (support.enforced) {
        assert.equal(support.mode, mode);
        assert.match(support.detail, new RegExp(`^cgroup ${mode} under /`));
      } else {
        assert.equal(support.mode, 'none');
        assert.match(support.detail, new RegExp(`^cgroup ${mode}: `), support.detail);
      }
    } finally {
      support.dispose();
    }
  }
});

test('without cgroups the emulator runs unthrottled, says so, and still freezes environments (SIGSTOP)', async () => {
  const executor = new ProcessExecutor(detectCgroups('none'));
  assert.equal(executor.cpuEnforced, false);
  assert.match(executor.detail, /disabled/);
  const t = await startTestEmulator({ executor });
  try {
    assert.equal(t.emulator.status().cpuEnforced, false);
    const source = `let ticks = 0; let timer = null;
      exports.handler = async (e) => { timer ??= setInterval(() => ticks++, 10); const before = ticks;
        await new Promise((r) => setTimeout(r, e.waitMs)); return { before, after: ticks, quota: null }; };`;
    await deploy(t, 'unthrottled', zipOf(source), { MemorySize: 256 });
    const call = async (waitMs: number) => {
      const out = await t.lambda.send(
        new InvokeCommand({ FunctionName: 'unthrottled', Payload: JSON.stringify({ waitMs }) }),
      );
      return payloadOf(out.Payload) as { before: number; after: number };
    };
    const first = await call(100);
    await new Promise((r) => setTimeout(r, 1000));
    const second = await call(100);
    assert.ok(second.before - first.after <= 10, `ticks while stopped: ${second.before - first.after}`);
    const workload = await fetch(new URL('/vcpu-bench/status', t.emulator.endpoint));
    const status = (await workload.json()) as { cpuEnforced: boolean; cgroupDetail: string };
    assert.equal(status.cpuEnforced, false);
  } finally {
    await stopTestEmulator(t);
  }
});

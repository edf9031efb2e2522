/**
 * INIT's CPU (harness/lambda/README.md "INIT"): with --init-cpu boost an environment runs INIT at about two vCPUs
 * (capped by the cores it has), then its memory's share from the first invoke on; with --init-cpu quota it runs at
 * the share throughout. Read by the function itself: the CPU quota of its own cgroup while its module loads (INIT)
 * and while its handler runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { INIT_BOOST_VCPUS, vcpuShare } from '../../../harness/lambda/platform.js';
import { deploy, payloadOf, startTestEmulator, stopTestEmulator, zipOf } from '../../support/emulator.js';

// The CFS quota of this process's cgroup, in CPUs (v1 cpu controller, or v2 cpu.max); null when unlimited.
const source = `
const fs = require('node:fs');
function quota() {
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined) continue;
    try {
      if (controllers === '') {
        const [q, p] = fs.readFileSync('/sys/fs/cgroup' + path + '/cpu.max', 'utf8').trim().split(' ');
        if (q !== 'max') return Number(q) / Number(p);
      } else if (controllers.split(',').includes('cpu')) {
        const dir = '/sys/fs/cgroup/cpu' + path;
        const q = Number(fs.readFileSync(dir + '/cpu.cfs_quota_us', 'utf8'));
        if (q > 0) return q / Number(fs.readFileSync(dir + '/cpu.cfs_period_us', 'utf8'));
      }
    } catch {}
  }
  return null;
}
const atInit = quota();
exports.handler = async () => ({ atInit, atInvoke: quota(), cores: require('node:os').cpus().length });`;

const MEMORY_MB = 256;

for (const initCpu of ['boost', 'quota'] as const) {
  test(`--init-cpu ${initCpu}: INIT's quota, then the memory's share`, async (ctx) => {
    const t = await startTestEmulator({ initCpu });
    try {
      if (!t.emulator.executor.cpuEnforced) {
        ctx.skip(`the CPU quota is not enforced here: ${t.emulator.executor.detail}`);
        return;
      }
      await deploy(t, 'quota-reader', zipOf(source), { MemorySize: MEMORY_MB });
      const out = payloadOf(
        (await t.lambda.send(new InvokeCommand({ FunctionName: 'quota-reader', Payload: '{}' }))).Payload,
      ) as { atInit: number | null; atInvoke: number | null; cores: number };
      const share = vcpuShare(MEMORY_MB);
      assert.ok(out.atInvoke !== null && Math.abs(out.atInvoke - share) < 0.001, `handler quota ${out.atInvoke}`);
      const expectedInit = initCpu === 'boost' ? Math.max(share, Math.min(INIT_BOOST_VCPUS, out.cores)) : share;
      assert.ok(out.atInit !== null && Math.abs(out.atInit - expectedInit) < 0.001, `INIT quota ${out.atInit}`);
      assert.equal(t.emulator.status().initCpu, initCpu);
    } finally {
      await stopTestEmulator(t);
    }
  });
}

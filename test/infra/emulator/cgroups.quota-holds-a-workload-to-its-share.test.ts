/**
 * The CPU model itself: in an environment whose quota is enforced, a single-threaded busy loop gets CPU time over
 * wall time within 5% of memory / 1,769 MB (harness/lambda/README.md "Memory and CPU"). Measured at a quarter of a
 * vCPU, a share any host with a spare quarter core can give, so a busy host does not pass for a throttled one; the
 * kernel's own count of throttled periods must show the quota at work too.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { memoryForVcpus, vcpuShare } from '../../../harness/lambda/platform.js';
import {
  deploy,
  payloadOf,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  zipOf,
} from '../../support/emulator.js';

const MEMORY_MB = memoryForVcpus(0.25);
// Busy for 2 s of wall time: 100 quota periods of 20 ms. Reports its own CPU time and the throttled periods its cgroup
// counted meanwhile (cgroup v1 cpu controller or v2), read from inside the environment.
const source = `
const fs = require('node:fs');
const throttled = () => {
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined) continue;
    const files = controllers === '' ? ['/sys/fs/cgroup/unified' + path + '/cpu.stat', '/sys/fs/cgroup' + path + '/cpu.stat']
      : controllers.split(',').includes('cpu') ? ['/sys/fs/cgroup/cpu' + path + '/cpu.stat', '/sys/fs/cgroup/cpu,cpuacct' + path + '/cpu.stat'] : [];
    for (const f of files) { try { const m = /nr_throttled (\\d+)/.exec(fs.readFileSync(f, 'utf8')); if (m) return Number(m[1]); } catch {} }
  }
  return null;
};
exports.handler = async () => {
  const t0 = throttled();
  const start = process.hrtime.bigint(); const cpu0 = process.cpuUsage();
  while (process.hrtime.bigint() - start < 2000000000n) {}
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6; const cpu = process.cpuUsage(cpu0);
  const t1 = throttled();
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, throttledPeriods: t0 === null || t1 === null ? null : t1 - t0 };
};`;

let t: TestTarget;
before(async () => {
  t = await startTestEmulator();
  await deploy(t, 'spinner', zipOf(source), { MemorySize: MEMORY_MB, Timeout: 30 });
});
after(() => stopTestEmulator(t));

test(`a busy loop at ${MEMORY_MB} MB gets its share, memory / 1769 CPUs, within 5%`, async (ctx) => {
  if (!t.emulator.executor.cpuEnforced) {
    ctx.skip(`the CPU quota is not enforced here: ${t.emulator.executor.detail}`);
    return;
  }
  const call = async () =>
    payloadOf((await t.lambda.send(new InvokeCommand({ FunctionName: 'spinner', Payload: '{}' }))).Payload) as {
      wallMs: number;
      cpuMs: number;
      throttledPeriods: number | null;
    };
  await call(); // the cold start's INIT is not what is measured
  const out = await call();
  const share = vcpuShare(MEMORY_MB);
  const got = out.cpuMs / out.wallMs;
  ctx.diagnostic(`share ${share.toFixed(3)}, got ${got.toFixed(3)}, throttled in ${out.throttledPeriods} periods`);
  assert.ok(
    Math.abs(got / share - 1) <= 0.05,
    `CPU time / wall time ${got.toFixed(3)}, the model allows ${share.toFixed(3)}`,
  );
  if (out.throttledPeriods !== null) assert.ok(out.throttledPeriods > 0, 'the kernel throttled the environment');
});

/**
 * Lambda's memory-to-CPU model in a container (harness/lambda/README.md "Memory and CPU"): at 442 to 3,538 MB the
 * container's CFS quota is memory / 1,769 CPUs per 20 ms period once INIT is over, and a workload that wants every
 * core it sees gets no more than that. The host is shared with other work, so the share itself is asserted only where
 * any host can give it (a quarter of a vCPU, within 5%, as test/infra/emulator/cgroups.quota-holds-a-workload-to-its-
 * share.test.ts does); above it the quota is a ceiling (CPU time over wall time at most 5% over it), the quota the
 * container's cgroup holds is checked exactly, and the kernel's own count of throttled periods shows the quota at
 * work wherever the workload asked for more and the host let it reach the quota.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { CPU_PERIOD_US, memoryForVcpus, vcpuShare } from '../../../harness/lambda/platform.js';
import { dockerTarget } from '../../support/docker-emulator.js';
import { deploy, payloadOf, zipOf } from '../../support/emulator.js';

// Spins one thread per core it sees for 2 s of wall time (100 periods of 20 ms) and reports the CPU time of all its
// threads, the wall time, the throttled periods of its cgroup meanwhile, and the quota its cgroup holds.
const SPINNER = `
const fs = require('node:fs'); const os = require('node:os'); const { Worker } = require('node:worker_threads');
const read = (...files) => { for (const f of files) { try { return fs.readFileSync(f, 'utf8').trim(); } catch {} } return null; };
const throttled = () => { const s = read('/sys/fs/cgroup/cpu/cpu.stat', '/sys/fs/cgroup/cpu.stat'); const m = s && /nr_throttled (\\d+)/.exec(s); return m ? Number(m[1]) : null; };
const quota = () => {
  const v1 = read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'); const p1 = read('/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  if (v1 !== null && p1 !== null) return { quotaUs: Number(v1), periodUs: Number(p1) };
  const [q, p] = (read('/sys/fs/cgroup/cpu.max') ?? 'max 0').split(' ');
  return { quotaUs: q === 'max' ? -1 : Number(q), periodUs: Number(p) };
};
exports.handler = async (e) => {
  const threads = os.availableParallelism();
  const t0 = throttled(); const cpu0 = process.cpuUsage(); const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: threads }, () => new Promise((resolve, reject) => {
    const w = new Worker('const end = process.hrtime.bigint() + ' + e.spinMs + '000000n; while (process.hrtime.bigint() < end) {}', { eval: true });
    w.on('exit', resolve); w.on('error', reject);
  })));
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6; const cpu = process.cpuUsage(cpu0); const t1 = throttled();
  return { threads, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, throttledPeriods: t0 === null || t1 === null ? null : t1 - t0, ...quota() };
};`;

interface Spun {
  threads: number;
  wallMs: number;
  cpuMs: number;
  throttledPeriods: number | null;
  quotaUs: number;
  periodUs: number;
}

const MEMORIES_MB = [0.25, 0.5, 1, 1.5, 2].map(memoryForVcpus);

test(`CPU time over wall time is held to memory / 1769 at ${MEMORIES_MB.join(', ')} MB`, async (ctx) => {
  const t = await dockerTarget(ctx, 'runtime-api');
  if (!t) return;
  for (const memoryMb of MEMORIES_MB) {
    const name = `spin-${memoryMb}`;
    await deploy(t, name, zipOf(SPINNER), { MemorySize: memoryMb, Timeout: 60 });
    const call = async (spinMs: number): Promise<Spun> => {
      const out: InvokeCommandOutput = await t.lambda.send(
        new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ spinMs }) }),
      );
      assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
      return payloadOf(out.Payload) as Spun;
    };
    await call(10); // INIT runs at its own quota: not what is measured
    const spun: Spun = await call(2000);
    const share = vcpuShare(memoryMb);
    const got = spun.cpuMs / spun.wallMs;
    ctx.diagnostic(
      `${memoryMb} MB: share ${share.toFixed(3)}, ${spun.threads} threads got ${got.toFixed(3)} CPUs, quota ${spun.quotaUs}/${spun.periodUs} us, throttled in ${spun.throttledPeriods} periods`,
    );
    assert.equal(spun.periodUs, CPU_PERIOD_US, "Lambda's 20 ms period");
    assert.ok(Math.abs(spun.quotaUs - share * CPU_PERIOD_US) <= 1, `quota ${spun.quotaUs} us for a share of ${share}`);
    const ceiling = Math.min(share, spun.threads);
    assert.ok(got <= ceiling * 1.05, `${memoryMb} MB: ${got.toFixed(3)} CPUs, more than ${ceiling.toFixed(3)} (+5%)`);
    if (memoryMb === memoryForVcpus(0.25)) {
      assert.ok(Math.abs(got / share - 1) <= 0.05, `${got.toFixed(3)} CPUs, the model allows ${share.toFixed(3)}`);
    }
    if (share < spun.threads && got >= share * 0.9 && spun.throttledPeriods !== null) {
      // Threads that want more than the quota and got about all of it met it: the kernel throttled them. (Where the
      // shared host gave them less than the quota, nothing is left for the quota to hold back.)
      assert.ok(spun.throttledPeriods > 0, `${memoryMb} MB: throttled in ${spun.throttledPeriods} periods`);
    }
  }
});

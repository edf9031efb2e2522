/**
 * Docker's CPU limit is what the docker executor relies on for Lambda's memory-to-CPU model (harness/lambda/README.md
 * "Memory and CPU"): a single-threaded busy loop in a container limited to 0.5 CPUs is held to it. The quota is a
 * ceiling: the loop never gets more than 0.5 CPUs (+10%), and the kernel throttles it (cpu.stat nr_throttled, read
 * inside the container). How much less than 0.5 it gets depends on what else the shared host runs, so no lower
 * bound is asserted beyond "it ran".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  collect,
  DockerCleanup,
  eventually,
  requireDockerOrSkip,
  standinImage,
  uniqueName,
} from '../../support/docker.js';

// Spins for 3 s of wall time (150 periods of 20 ms, 30 of 100 ms) and reports its own CPU time over that wall time,
// and how many periods its cgroup was throttled in (cgroup v1 cpu controller, or v2).
const BUSY_LOOP = `
const fs = require('node:fs');
const throttled = () => { for (const f of ['/sys/fs/cgroup/cpu/cpu.stat', '/sys/fs/cgroup/cpu.stat']) {
  try { return Number(/nr_throttled (\\d+)/.exec(fs.readFileSync(f, 'utf8'))[1]); } catch {} } return null; };
const before = throttled();
const start = process.hrtime.bigint(); const cpu0 = process.cpuUsage();
while (process.hrtime.bigint() - start < 3000000000n) {}
const wallMs = Number(process.hrtime.bigint() - start) / 1e6; const cpu = process.cpuUsage(cpu0);
const after = throttled();
console.log(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000,
  throttledPeriods: before === null || after === null ? null : after - before }));`;

async function cpusGranted(
  t: import('node:test').TestContext,
  limits: { cpus: number; cpuPeriodUs?: number },
): Promise<{ share: number; throttledPeriods: number | null } | null> {
  if (!(await requireDockerOrSkip(t))) return null;
  const cleanup = new DockerCleanup();
  t.after(() => cleanup.run());
  const base = await standinImage();
  const container = cleanup.start({
    name: uniqueName('cpu'),
    image: base.tag,
    entrypoint: '/var/lang/bin/node',
    command: ['-e', BUSY_LOOP],
    // No cpuset: the single-threaded loop may run on whichever core is free (the host is shared), so the quota, not
    // another process on a pinned core, is what holds it.
    memoryMb: 256,
    ...limits,
  });
  const stdout = collect(container.stdout);
  const stderr = collect(container.stderr);
  const exit = await container.exited;
  assert.equal(exit.code, 0, stderr.text());
  const line = await eventually('the loop report', 5000, () => stdout.text().trim().split('\n').pop() || undefined);
  const { wallMs, cpuMs, throttledPeriods } = JSON.parse(line) as {
    wallMs: number;
    cpuMs: number;
    throttledPeriods: number | null;
  };
  t.diagnostic(
    `CPU time ${cpuMs.toFixed(0)} ms over wall time ${wallMs.toFixed(0)} ms = ${(cpuMs / wallMs).toFixed(3)}; throttled in ${throttledPeriods} periods`,
  );
  return { share: cpuMs / wallMs, throttledPeriods };
}

function assertHeldToHalf(granted: { share: number; throttledPeriods: number | null }, periods: number): void {
  const { share, throttledPeriods } = granted;
  assert.ok(share <= 0.55, `CPU time / wall time = ${share.toFixed(3)}: more than the 0.5 CPUs of quota (+10%)`);
  assert.ok(share > 0.05, `the loop hardly ran (${share.toFixed(3)} CPUs)`);
  if (throttledPeriods !== null) {
    // Without a quota the kernel never throttles; a loop that wants a whole CPU meets a half-CPU quota in most
    // periods, fewer when the host is busy, but not none.
    assert.ok(throttledPeriods > 0, `throttled in ${throttledPeriods} of ~${periods} periods`);
  }
}

test('--cpus 0.5: a busy loop is held to 0.5 CPUs (never more, and throttled by the kernel)', async (t) => {
  const granted = await cpusGranted(t, { cpus: 0.5 });
  if (granted === null) return;
  assertHeldToHalf(granted, 30);
});

test("0.5 CPUs in Lambda's 20 ms CFS periods (--cpu-period 20000 --cpu-quota 10000): held the same way", async (t) => {
  const granted = await cpusGranted(t, { cpus: 0.5, cpuPeriodUs: 20_000 });
  if (granted === null) return;
  assertHeldToHalf(granted, 150);
});

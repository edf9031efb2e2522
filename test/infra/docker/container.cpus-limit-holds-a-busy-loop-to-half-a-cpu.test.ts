/**
 * Docker's CPU limit is what the docker executor relies on for Lambda's memory-to-CPU model (harness/lambda/README.md
 * "Memory and CPU"): a single-threaded busy loop in a container limited to 0.5 CPUs gets CPU time over wall time
 * within 10% of 0.5. A behaviour check (the share it gets), not a check of how fast this host is.
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

// Spins for 3 s of wall time (150 periods of 20 ms, 30 of 100 ms) and reports its own CPU time over that wall time.
const BUSY_LOOP = `
const start = process.hrtime.bigint(); const cpu0 = process.cpuUsage();
while (process.hrtime.bigint() - start < 3000000000n) {}
const wallMs = Number(process.hrtime.bigint() - start) / 1e6; const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }));`;

async function cpusGranted(
  t: import('node:test').TestContext,
  limits: { cpus: number; cpuPeriodUs?: number },
): Promise<number | null> {
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
  const { wallMs, cpuMs } = JSON.parse(line) as { wallMs: number; cpuMs: number };
  t.diagnostic(
    `CPU time ${cpuMs.toFixed(0)} ms over wall time ${wallMs.toFixed(0)} ms = ${(cpuMs / wallMs).toFixed(3)}`,
  );
  return cpuMs / wallMs;
}

test('--cpus 0.5: a busy loop gets 0.5 CPUs (CPU time over wall time within 10%)', async (t) => {
  const share = await cpusGranted(t, { cpus: 0.5 });
  if (share === null) return;
  assert.ok(share >= 0.45 && share <= 0.55, `CPU time / wall time = ${share.toFixed(3)}, expected 0.5 +/- 10%`);
});

test("0.5 CPUs in Lambda's 20 ms CFS periods (--cpu-period 20000 --cpu-quota 10000): the same share", async (t) => {
  const share = await cpusGranted(t, { cpus: 0.5, cpuPeriodUs: 20_000 });
  if (share === null) return;
  assert.ok(share >= 0.45 && share <= 0.55, `CPU time / wall time = ${share.toFixed(3)}, expected 0.5 +/- 10%`);
});

/**
 * The docker executor freezes an environment between invocations through the container's freezer cgroup (docker
 * pause is slower: infra/docker/README.md) and reads Max Memory Used from its memory cgroup.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { containerCgroups, waitRunning } from '../../../infra/docker/docker.js';
import { readProcText } from '../../../workloads/cgroup-paths.js';
import {
  collect,
  DockerCleanup,
  eventually,
  requireDockerOrSkip,
  standinImage,
  uniqueName,
} from '../../support/docker.js';

const TICKER = 'let n = 0; setInterval(() => console.log(++n), 20);';

function ticks(text: string): number {
  return text.trim().split('\n').filter(Boolean).length;
}

test('freezing the container cgroup stops its timers until thawed; the memory cgroup holds its limit and peak', async (t) => {
  if (!(await requireDockerOrSkip(t))) return;
  const cleanup = new DockerCleanup();
  t.after(() => cleanup.run());
  const base = await standinImage();
  const container = cleanup.start({
    name: uniqueName('freeze'),
    image: base.tag,
    entrypoint: '/var/lang/bin/node',
    command: ['-e', TICKER],
    memoryMb: 256,
  });
  const stdout = collect(container.stdout);
  await waitRunning(container.name);
  await eventually('ticks', 10_000, () => (ticks(stdout.text()) >= 5 ? true : undefined));

  const groups = await containerCgroups(container.name);
  groups.freeze();
  assert.equal(groups.frozen(), true);
  // Let output already in the pipe arrive, then watch: nothing may tick while frozen.
  await new Promise((r) => setTimeout(r, 100));
  const before = ticks(stdout.text());
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(ticks(stdout.text()), before, 'the container ran while frozen');
  groups.thaw();
  assert.equal(groups.frozen(), false);
  await eventually('ticks after thaw', 5000, () => (ticks(stdout.text()) > before ? true : undefined));

  const limit = groups.version === 'v1' ? 'memory.limit_in_bytes' : 'memory.max';
  assert.ok(existsSync(path.join(groups.memoryDir, limit)));
  assert.equal(Number(readProcText(path.join(groups.memoryDir, limit))), 256 * 1024 * 1024);
  const peak = groups.peakMemoryBytes();
  if (peak !== null) assert.ok(peak > 1024 * 1024 && peak <= 256 * 1024 * 1024, `peak ${peak} bytes`);
  assert.ok((groups.cpuUsageNs() ?? 1) > 0);
  assert.equal(groups.oomKills(), 0);
});

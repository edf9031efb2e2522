import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  containerCgroups,
  containerInfo,
  containersByLabel,
  removeByLabel,
  waitRunning,
} from '../../../infra/docker/docker.js';
import { DockerCleanup, requireDockerOrSkip, standinImage, uniqueName } from '../../support/docker.js';

const GROUP = 'vcpu-bench.test.group';

test('remove-by-label removes every container with that label (a frozen one too) and no other', async (t) => {
  if (!(await requireDockerOrSkip(t))) return;
  const cleanup = new DockerCleanup();
  t.after(() => cleanup.run());
  const base = await standinImage();
  const doomed = `${uniqueName('doomed')}`;
  const kept = `${uniqueName('kept')}`;
  const sleeper = (group: string) =>
    cleanup.start({
      name: uniqueName('sleep'),
      image: base.tag,
      entrypoint: '/bin/sleep',
      command: ['300'],
      labels: { [GROUP]: group },
    });
  const a = sleeper(doomed);
  const b = sleeper(doomed);
  const c = sleeper(kept);
  for (const h of [a, b, c]) await waitRunning(h.name);
  // As an emulator that died would leave it: frozen between invocations.
  (await containerCgroups(b.name)).freeze();

  const removed = await removeByLabel(GROUP, doomed);
  assert.equal(removed.length, 2);
  assert.deepEqual(await containersByLabel(GROUP, doomed), []);
  assert.equal(await containerInfo(a.name), null);
  assert.equal(await containerInfo(b.name), null);
  assert.equal((await containerInfo(c.name))?.running, true);
  assert.equal((await containersByLabel(GROUP, kept)).length, 1);
  // The attached clients of the removed containers end with them.
  await Promise.all([a.exited, b.exited]);
});

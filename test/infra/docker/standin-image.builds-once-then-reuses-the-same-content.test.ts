import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageInfo, runDocker } from '../../../infra/docker/docker.js';
import {
  AWS_NODEJS_BASE_IMAGE,
  ensureStandinImage,
  LABEL_CONTENT,
  LABEL_STANDIN,
  LABEL_STANDS_IN_FOR,
  STANDIN_ENV,
} from '../../../infra/docker/standin-image.js';
import { DockerCleanup, requireDockerOrSkip, TEST_LABEL, uniqueName } from '../../support/docker.js';

test('the stand-in is built once, then reused while its content is the same; it has the AWS image layout', async (t) => {
  if (!(await requireDockerOrSkip(t))) return;
  const cleanup = new DockerCleanup();
  t.after(() => cleanup.run());
  // A tag of its own, so the first call really builds (the shared stand-in may already be cached).
  const tag = cleanup.image(`${uniqueName('standin')}:22`);

  const first = await ensureStandinImage({ tag });
  assert.equal(first.built, true);
  assert.match(first.nodeVersion, /^22\./);
  const second = await ensureStandinImage({ tag });
  assert.equal(second.built, false);
  assert.equal(second.imageId, first.imageId);
  assert.equal(second.contentHash, first.contentHash);

  const info = await imageInfo(tag);
  assert.ok(info);
  assert.equal(info.labels[LABEL_STANDIN], 'true');
  assert.equal(info.labels[LABEL_CONTENT], first.contentHash);
  assert.equal(info.labels[LABEL_STANDS_IN_FOR], AWS_NODEJS_BASE_IMAGE);
  assert.deepEqual(info.entrypoint, ['/lambda-entrypoint.sh']);
  assert.equal(info.workingDir, '/var/task');
  for (const [key, value] of Object.entries(STANDIN_ENV)) assert.ok(info.env.includes(`${key}=${value}`), key);

  // biome-ignore format: a command line
  const layout = await runDocker([
    'run', '--rm', '--name', cleanup.container(uniqueName('layout')), '--label', `${TEST_LABEL}=${process.pid}`,
    '--entrypoint', '/bin/sh', tag, '-c',
    'node --version && pwd && for f in /var/runtime/bootstrap /var/runtime/index.mjs /usr/local/bin/aws-lambda-rie /lambda-entrypoint.sh; do [ -x "$f" ] || [ -f "$f" ] && echo "$f"; done',
  ]);
  assert.equal(layout.code, 0, layout.stderr);
  assert.deepEqual(layout.stdout.trim().split('\n'), [
    `v${first.nodeVersion}`,
    '/var/task',
    '/var/runtime/bootstrap',
    '/var/runtime/index.mjs',
    '/usr/local/bin/aws-lambda-rie',
    '/lambda-entrypoint.sh',
  ]);

  // The entrypoint's contract: exactly one argument, the handler.
  // biome-ignore format: a command line
  const noHandler = await runDocker([
    'run', '--rm', '--name', cleanup.container(uniqueName('nohandler')), '--label', `${TEST_LABEL}=${process.pid}`, tag,
  ]);
  assert.equal(noHandler.code, 142);
  assert.match(noHandler.stderr, /entrypoint requires the handler name to be the first argument/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerStatus, requireDocker, requireImage } from '../../../infra/docker/docker.js';
import { requireDockerOrSkip } from '../../support/docker.js';

async function withEnv<T>(env: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('docker missing: one line that names the ensure script', async () => {
  const status = await withEnv({ VCPU_BENCH_DOCKER: '/nonexistent/docker' }, dockerStatus);
  assert.equal(status.ok, false);
  assert.ok(!status.ok && status.problem === 'missing');
  assert.match(status.ok ? '' : status.message, /^docker is not installed: run .*ensure-docker\.sh \(as root\)$/);
  await withEnv({ VCPU_BENCH_DOCKER: '/nonexistent/docker' }, () =>
    assert.rejects(requireDocker(), { name: 'DockerError', message: /docker is not installed/ }),
  );
});

test('daemon down: one line that says so and names the ensure script', async (t) => {
  const status = await withEnv({ DOCKER_HOST: 'unix:///nonexistent/vcpu-bench-docker.sock' }, dockerStatus);
  if (status.ok === false && status.problem === 'missing') {
    t.skip('no docker client on this machine: the daemon-down message cannot be produced');
    return;
  }
  assert.ok(!status.ok && status.problem === 'daemon-down', JSON.stringify(status));
  assert.match(status.ok ? '' : status.message, /^the docker daemon is not running: run .*ensure-docker\.sh/);
  assert.doesNotMatch(status.ok ? '' : status.message, /\n/);
});

test('a bad --image: one line that names it and how to get it', async (t) => {
  if (!(await requireDockerOrSkip(t))) return;
  await assert.rejects(requireImage('vcpu-bench/no-such-image:0'), {
    name: 'DockerError',
    message:
      '--image vcpu-bench/no-such-image:0: no such image in the local docker; build it, or load it with docker load / docker pull',
  });
  await assert.rejects(requireImage('not an image'), {
    message: /^--image not an image: not a docker image reference/,
  });
});

/**
 * The executor flags (--executor, --docker-mode, --image) on the sweep commands and `emulator`: defaults, allowed
 * values, and the combinations refused because a flag would mean nothing there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../harness/errors.js';
import { resolveEmulatorOptions, resolveSweepOptions } from '../../harness/options.js';

function refused(resolve: () => unknown, message: RegExp): void {
  assert.throws(resolve, (error: unknown) => error instanceof ConfigError && message.test(error.message));
}

test('the process executor by default; docker in either mode, on an image given or the default one', () => {
  const defaults = resolveSweepOptions({});
  assert.deepEqual([defaults.executor, defaults.dockerMode, defaults.image], ['process', 'runtime-api', null]);
  const docker = resolveSweepOptions({ executor: 'docker', 'docker-mode': 'rie', image: 'my/lambda:22' });
  assert.deepEqual([docker.executor, docker.dockerMode, docker.image], ['docker', 'rie', 'my/lambda:22']);
  const served = resolveEmulatorOptions({ executor: 'docker', image: 'public.ecr.aws/lambda/nodejs:22@sha256:ab' });
  assert.deepEqual([served.executor, served.dockerMode], ['docker', 'runtime-api']);
});

test('bad values and meaningless combinations are refused, naming the flag', () => {
  refused(() => resolveSweepOptions({ executor: 'vm' }), /^--executor vm: .*process, docker/);
  refused(
    () => resolveSweepOptions({ executor: 'docker', 'docker-mode': 'x' }),
    /^--docker-mode x: .*runtime-api, rie/,
  );
  refused(() => resolveSweepOptions({ executor: 'docker', image: 'a b' }), /^--image a b: must be a docker image/);
  refused(() => resolveSweepOptions({ image: 'my/lambda:22' }), /^--image my\/lambda:22: only with --executor docker$/);
  refused(() => resolveEmulatorOptions({ 'docker-mode': 'rie' }), /^--docker-mode rie: only with --executor docker$/);
  // Their defaults pass, as a resumed run's saved options give every option back.
  assert.equal(resolveSweepOptions({ 'docker-mode': 'runtime-api', image: null }).executor, 'process');
  refused(
    () => resolveSweepOptions({ executor: 'docker', target: 'aws' }),
    /^--executor docker: only with --target local/,
  );
  refused(
    () => resolveSweepOptions({ executor: 'docker', 'endpoint-url': 'http://127.0.0.1:9769' }),
    /^--executor docker: the emulator at --endpoint-url .* runs its own executor/,
  );
});

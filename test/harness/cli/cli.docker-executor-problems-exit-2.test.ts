/**
 * --executor docker where docker cannot be used: docker missing, its daemon down, or no such --image. Each is the
 * user's to fix: exit 2, one line on stderr naming the fix (after the plan, for bench, which prints it first),
 * nothing on stdout, nothing written. A stand-in `docker`
 * client (VCPU_BENCH_DOCKER, a shell script) plays each situation, so no real docker is needed.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../support/cli.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-cli-docker-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A `docker` that answers `info` as a daemon that is up (or down), and knows no image. */
function fakeDocker(name: string, daemonUp: boolean): string {
  const file = path.join(root, name);
  const info = daemonUp
    ? `echo '20.10.24|overlay2|1|cgroupfs'; exit 0`
    : `echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1`;
  writeFileSync(
    file,
    `#!/bin/sh
case "$1" in
  info) ${info} ;;
  network) exit 0 ;;
  image) echo 'Error: No such image' >&2; exit 1 ;;
  *) echo "unexpected: $*" >&2; exit 3 ;;
esac
`,
  );
  chmodSync(file, 0o755);
  return file;
}

const cases = [
  {
    name: 'docker is not installed',
    docker: path.join(root, 'no-such-docker'),
    args: ['--executor', 'docker'],
    says: /^error: --executor docker: docker is not installed: run \S*scripts\/docker\/ensure-docker\.sh \(as root\)\n$/,
  },
  {
    name: 'the daemon is down',
    docker: fakeDocker('docker-down', false),
    args: ['--executor', 'docker', '--docker-mode', 'rie'],
    says: /^error: --executor docker: the docker daemon is not running: run \S*ensure-docker\.sh \(as root\)\n$/,
  },
  {
    name: 'no such --image',
    docker: fakeDocker('docker-up', true),
    args: ['--executor', 'docker', '--image', 'vcpu-bench/no-such-image:0'],
    says: /^error: --image vcpu-bench\/no-such-image:0: no such image in the local docker; build it, or load it with docker load \/ docker pull\n$/,
  },
];

for (const c of cases) {
  for (const command of ['run', 'bench']) {
    test(`${command} --executor docker when ${c.name}: exit 2, one line naming the fix, nothing written`, async () => {
      const out = path.join(root, `out-${command}-${c.name.replace(/\W+/g, '-')}`);
      const result = await runCli([command, ...c.args, '--memory', '1769', '--out', out], {
        VCPU_BENCH_DOCKER: c.docker,
      });
      assert.equal(result.code, 2, result.stderr);
      const error = command === 'bench' ? result.stderr.slice(result.stderr.indexOf('error: ')) : result.stderr;
      assert.match(error, c.says);
      assert.equal(result.stdout, '');
      assert.equal(existsSync(out), false, 'nothing written');
    });
  }
  test(`emulator --executor docker when ${c.name}: exit 2, one line naming the fix`, async () => {
    const result = await runCli(['emulator', '--port', '0', ...c.args], { VCPU_BENCH_DOCKER: c.docker });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, c.says);
  });
}

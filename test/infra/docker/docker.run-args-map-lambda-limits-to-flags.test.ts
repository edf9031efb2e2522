import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runArgs } from '../../../infra/docker/docker.js';

test('limits, environment, labels and network become docker run flags, in one argument each (no shell)', () => {
  const args = runArgs({
    name: 'env-1',
    image: 'fn:1',
    command: ['index.handler'],
    cpus: 1769 / 1769 / 2,
    cpusetCpus: '0-1',
    memoryMb: 885,
    env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '885', WITH_SPACE: 'a b; rm -rf /' },
    labels: { 'vcpu-bench.emulator': '42' },
    network: 'host',
  });
  assert.deepEqual(args, [
    'run',
    '--name',
    'env-1',
    '--rm',
    '--cpus',
    '0.5',
    '--cpuset-cpus',
    '0-1',
    '--memory',
    '885m',
    '--memory-swap',
    '885m',
    '--network',
    'host',
    '--env',
    'AWS_LAMBDA_FUNCTION_MEMORY_SIZE=885',
    '--env',
    'WITH_SPACE=a b; rm -rf /',
    '--label',
    'vcpu-bench.emulator=42',
    'fn:1',
    'index.handler',
  ]);
});

test("with a CFS period the quota is cpus x period (Lambda's 20 ms periods), never below the kernel's 1 ms", () => {
  const args = runArgs({ name: 'e', image: 'i', cpus: 256 / 1769, cpuPeriodUs: 20_000 });
  assert.deepEqual(args.slice(4, 8), ['--cpu-period', '20000', '--cpu-quota', '2894']);
  const tiny = runArgs({ name: 'e', image: 'i', cpus: 0.01, cpuPeriodUs: 20_000 });
  assert.equal(tiny[tiny.indexOf('--cpu-quota') + 1], '1000');
});

test('published ports bind to loopback unless told otherwise; a bad name is refused', () => {
  const args = runArgs({ name: 'e', image: 'i', publish: [{ containerPort: 8080 }], autoRemove: false, init: true });
  assert.deepEqual(args, ['run', '--name', 'e', '--init', '--publish', '127.0.0.1::8080', 'i']);
  assert.throws(() => runArgs({ name: 'a b', image: 'i' }), /container name a b/);
});

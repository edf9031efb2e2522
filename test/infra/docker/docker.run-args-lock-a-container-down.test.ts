import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runArgs } from '../../../infra/docker/docker.js';

test('address, tmpfs /tmp, read-only root, user, dropped capabilities become docker run flags', () => {
  const args = runArgs({
    name: 'env-1',
    image: 'fn:1',
    network: 'vcpu-bench-1',
    ip: '10.200.4.7',
    tmpfs: [{ path: '/tmp', sizeMb: 512 }],
    readOnly: true,
    user: '100993:100990',
    capDrop: ['ALL'],
    noNewPrivileges: true,
    autoRemove: false,
  });
  assert.deepEqual(args, [
    'run',
    '--name',
    'env-1',
    '--network',
    'vcpu-bench-1',
    '--ip',
    '10.200.4.7',
    '--tmpfs',
    '/tmp:rw,size=512m,mode=1777,nosuid,nodev',
    '--read-only',
    '--user',
    '100993:100990',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    'fn:1',
  ]);
});

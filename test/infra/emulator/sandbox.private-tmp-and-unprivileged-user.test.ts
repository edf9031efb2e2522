import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { SANDBOX_UID } from '../../../infra/emulator/sandbox.js';
import {
  deploy,
  payloadOf,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  zipOf,
} from '../../support/emulator.js';

interface Seen {
  uid: number;
  tmpdir: string;
  tmpBytes: number;
  wrote: string;
}

let t: TestTarget;
let seen: Seen;
before(async () => {
  t = await startTestEmulator();
  await deploy(
    t,
    'sandboxed',
    zipOf(`
      const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path');
      exports.handler = async () => {
        const wrote = path.join(os.tmpdir(), 'vcpu-bench-sandbox-probe-' + process.pid);
        fs.writeFileSync(wrote, 'x');
        const s = fs.statfsSync(os.tmpdir());
        return { uid: process.getuid(), tmpdir: os.tmpdir(), tmpBytes: s.blocks * s.bsize, wrote };
      };`),
    { EphemeralStorage: { Size: 600 } },
  );
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'sandboxed', Payload: '{}' }));
  seen = payloadOf(out.Payload) as Seen;
});
after(() => stopTestEmulator(t));

const isRoot = process.getuid?.() === 0;

test('what an environment writes to its temporary directory stays out of the host /tmp', () => {
  assert.ok(seen.wrote.startsWith(seen.tmpdir));
  if (seen.tmpdir === '/tmp') assert.equal(existsSync(seen.wrote), false, 'the host /tmp does not have the file');
  else assert.match(seen.tmpdir, /vcpu-bench-emulator-\d+-/, 'a private TMPDIR under the emulator');
});

test('as root: /tmp is a private tmpfs of EphemeralStorage.Size, and the function runs as the sandbox user', (s) => {
  if (!isRoot) {
    s.skip('needs root: without it environments share /tmp and run as the emulator user (the banner says so)');
    return;
  }
  assert.match(t.emulator.executor.detail, /private tmpfs \/tmp/);
  assert.equal(seen.tmpdir, '/tmp');
  assert.equal(seen.tmpBytes, 600 * 1024 * 1024);
  assert.equal(seen.uid, SANDBOX_UID);
});

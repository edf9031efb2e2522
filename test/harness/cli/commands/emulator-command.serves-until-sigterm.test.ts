/**
 * `vcpu-bench emulator` as a user starts it: a child process that prints its endpoint and cgroup mode, answers the
 * real AWS SDK there, and on SIGTERM closes everything and exits 0. Bad flags are one line and exit 2.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { test } from 'node:test';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { CLI } from '../../../support/cli.js';
import { payloadOf, ROLE, zipOf } from '../../../support/emulator.js';

const STARTUP_TIMEOUT_MS = 20_000;
// The emulator's environments run on this Node; the SDK's warning about its version is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('emulator --port 0 prints an endpoint that answers ListFunctions, and exits 0 on SIGTERM, killing its environments', async () => {
  const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!/Ctrl-C or SIGTERM stops it\.\n/.test(stdout)) {
      assert.ok(Date.now() < deadline, `no start-up banner within ${STARTUP_TIMEOUT_MS} ms: ${stdout}${stderr}`);
      assert.equal(child.exitCode, null, `exited early: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const endpoint = /^vcpu-bench emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
    assert.ok(endpoint, stdout);
    assert.match(stdout, /^cgroups: /m, 'says how CPU is limited');
    assert.ok(stdout.includes(`AWS_ENDPOINT_URL=${endpoint}`));
    assert.ok(stdout.includes(`--endpoint-url ${endpoint}`));

    const lambda = new LambdaClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    let environmentPid: number;
    try {
      const page = await lambda.send(new ListFunctionsCommand({}));
      assert.deepEqual(page.Functions, []);
      // A warm execution environment, which SIGTERM must not leave behind.
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'pid',
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Role: ROLE,
          Code: { ZipFile: zipOf('exports.handler = async () => process.pid;') },
        }),
      );
      await waitUntilFunctionActiveV2(
        { client: lambda, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
        { FunctionName: 'pid' },
      );
      environmentPid = Number(payloadOf((await lambda.send(new InvokeCommand({ FunctionName: 'pid' }))).Payload));
      assert.ok(Number.isInteger(environmentPid) && isAlive(environmentPid));
    } finally {
      lambda.destroy();
    }

    child.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.equal(signal, null, 'it handled the signal instead of dying of it');
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.match(stdout, /SIGTERM: stopping the emulator\nemulator stopped\n$/);
    assert.equal(isAlive(environmentPid), false, 'the execution environment was killed');
    // Where the emulator says it made its cgroups (`... under /sys/fs/cgroup/...`), they are gone.
    const cgroupDir = /^cgroups: .* under (\/\S+)/m.exec(stdout)?.[1];
    if (cgroupDir !== undefined) assert.equal(existsSync(cgroupDir), false, `${cgroupDir} was removed`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

for (const [args, message] of [
  [['--port', '70000'], '--port 70000: must be an integer from 0 to 65535'],
  [['--concurrency', '0'], '--concurrency 0: must be an integer from 1 to 1000'],
  [['--keep-alive', '86401'], '--keep-alive 86401: must be an integer from 1 to 86400 (s)'],
  [['--host', 'a b'], '--host a b: must be a host name or IP address of this machine, e.g. 127.0.0.1 or 0.0.0.0'],
] as const) {
  test(`emulator ${args.join(' ')} is refused with one line, exit 2`, () => {
    const result = spawnSync(process.execPath, [CLI, 'emulator', ...args], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 2);
    assert.equal(result.stderr, `error: ${message}\n`);
    assert.equal(result.stdout, '');
  });
}

test('emulator on a port already in use fails with one line naming the port, exit 1', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const child = spawn(process.execPath, [CLI, 'emulator', '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `error: --port ${port}: already in use on 127.0.0.1; pick another, or --port 0 for any free one\n`,
    );
  } finally {
    server.close();
  }
});

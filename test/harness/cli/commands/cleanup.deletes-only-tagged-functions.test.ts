/**
 * cleanup deletes the functions deploy tagged as vcpu-bench's (and with --run only that run's), with their log
 * groups, and leaves every other function alone: on a real emulator, through a real TargetSession.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { cleanup } from '../../../../harness/cleanup/cleanup.js';
import { TAG_MANAGED, TAG_RUN } from '../../../../harness/deploy/deploy.js';
import { openTarget, type TargetSession } from '../../../../harness/target/target.js';
import { CLI } from '../../../support/cli.js';
import { deploy, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../../support/emulator.js';

const echo = zipOf('exports.handler = async (e) => e;');

let t: TestTarget;
let session: TargetSession;

async function functionNames(): Promise<string[]> {
  const page = await t.lambda.send(new ListFunctionsCommand({}));
  return (page.Functions ?? []).map((fn) => fn.FunctionName ?? '').sort();
}

async function logGroups(): Promise<string[]> {
  const page = await t.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
  return (page.logGroups ?? []).map((g) => g.logGroupName ?? '').sort();
}

before(async () => {
  t = await startTestEmulator();
  await deploy(t, 'vcpu-bench-x86_64-512', echo, { Tags: { [TAG_MANAGED]: 'true', [TAG_RUN]: 'run-a' } });
  await deploy(t, 'vcpu-bench-x86_64-1024', echo, { Tags: { [TAG_MANAGED]: 'true', [TAG_RUN]: 'run-b' } });
  // Named like ours, but not tagged as ours: someone else's.
  await deploy(t, 'vcpu-bench-x86_64-2048', echo);
  await deploy(t, 'someone-else', echo, { Tags: { [TAG_MANAGED]: 'false', [TAG_RUN]: 'run-a' } });
  for (const name of ['vcpu-bench-x86_64-512', 'vcpu-bench-x86_64-2048']) {
    await t.lambda.send(new InvokeCommand({ FunctionName: name, Payload: '{}' }));
  }
  session = await openTarget({ target: 'local', endpointUrl: t.emulator.endpoint, region: 'us-east-1', profile: null });
});

after(async () => {
  await session.close();
  await stopTestEmulator(t);
});

test('a dry run lists every tagged function and deletes nothing', async () => {
  const result = await cleanup(session, { runId: null, dryRun: true });
  assert.deepEqual([...result.deleted].sort(), ['vcpu-bench-x86_64-1024', 'vcpu-bench-x86_64-512']);
  assert.equal(result.kept, 2);
  assert.equal((await functionNames()).length, 4);
});

test('the cleanup command --dry-run against a running emulator lists the tagged functions of the run', async () => {
  // Asynchronously: the emulator answering it lives in this process.
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [CLI, 'cleanup', '--endpoint-url', t.emulator.endpoint, '--run', 'run-b', '--dry-run'],
    { encoding: 'utf8' },
  );
  assert.equal(stderr, '');
  assert.match(
    stdout,
    /^Would delete 1 function managed by vcpu-bench of run run-b, with its log group, on local emulator at http/,
  );
  assert.match(stdout, /\n {2}vcpu-bench-x86_64-1024\nKept 3 other functions\.\nDry run: nothing was deleted\.\n$/);
  assert.equal((await functionNames()).length, 4);
});

test('with --run, only that run is deleted, with its log group; another run and untagged functions stay', async () => {
  assert.deepEqual(await logGroups(), ['/aws/lambda/vcpu-bench-x86_64-2048', '/aws/lambda/vcpu-bench-x86_64-512']);
  const result = await cleanup(session, { runId: 'run-a', dryRun: false });
  assert.deepEqual(result, { deleted: ['vcpu-bench-x86_64-512'], kept: 3 });
  assert.deepEqual(await functionNames(), ['someone-else', 'vcpu-bench-x86_64-1024', 'vcpu-bench-x86_64-2048']);
  assert.deepEqual(await logGroups(), ['/aws/lambda/vcpu-bench-x86_64-2048'], 'the untagged function keeps its logs');
});

test('a prefix that matches none of the tagged functions deletes nothing', async () => {
  const result = await cleanup(session, { runId: null, prefix: 'other', dryRun: false });
  assert.deepEqual(result, { deleted: [], kept: 3 });
});

test('without --run, every tagged function goes (no log group is fine) and the untagged ones stay', async () => {
  const result = await cleanup(session, { runId: null, prefix: 'vcpu-bench', dryRun: false });
  assert.deepEqual(result, { deleted: ['vcpu-bench-x86_64-1024'], kept: 2 });
  assert.deepEqual(await functionNames(), ['someone-else', 'vcpu-bench-x86_64-2048']);
  assert.deepEqual(await cleanup(session, { runId: null, dryRun: false }), { deleted: [], kept: 2 });
});

test('the cleanup command on the embedded local target says there is nothing to clean, exit 0', () => {
  const result = spawnSync(process.execPath, [CLI, 'cleanup', '--target', 'local'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, /^Nothing to clean on --target local without --endpoint-url: .+\n$/);
});

test('the cleanup command refuses a bad --run with one line, exit 2', () => {
  const result = spawnSync(process.execPath, [CLI, 'cleanup', '--run', 'a/b'], { encoding: 'utf8' });
  assert.equal(result.status, 2);
  assert.equal(result.stderr, 'error: --run a/b: must match [A-Za-z0-9._-]+\n');
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ListFunctionsCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import type { InvocationRecord } from '../../../harness/run/record.js';
import { AWS_ENV } from '../../support/aws.js';
import { runCli } from '../../support/cli.js';
import { startTestEmulator, stopTestEmulator, type TestTarget } from '../../support/emulator.js';

let t: TestTarget;
const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-awsapi-'));
const credentials = AWS_ENV;
before(async () => {
  t = await startTestEmulator({ concurrency: 10 });
  // The role the functions run as, made as a user makes it; --role then defaults to it.
  const setup = await runCli(['setup', '--target', 'aws', '--endpoint-url', t.emulator.endpoint], credentials);
  assert.equal(setup.code, 0, setup.stderr);
});
after(async () => {
  await stopTestEmulator(t);
  rmSync(out, { recursive: true, force: true });
});

const sweep = () => [
  '--target',
  'aws',
  '--endpoint-url',
  t.emulator.endpoint,
  '--memory',
  '1769,2654',
  '--modes',
  'sequential,worker_threads',
  '--workers',
  '2',
  '--algorithm',
  'bcrypt',
  '--cost',
  '4',
  '--items',
  '2',
  '--min-reps',
  '2',
  '--max-reps',
  '2',
  '--out',
  out,
];

test('the cost guard refuses a sweep above --max-cost-usd without --yes, and writes nothing', async () => {
  const result = await runCli(['bench', ...sweep(), '--max-cost-usd', '0', '--run-id', 'guarded'], credentials);
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.match(
    lines.at(-1) ?? '',
    /^error: estimated cost \$[\d.]+ exceeds --max-cost-usd 0; re-run with --yes to proceed/,
  );
  assert.equal(existsSync(path.join(out, 'guarded')), false);
});

test('--target aws at a non-AWS endpoint runs the AWS code path, cells in parallel, and labels rows emulated', async () => {
  const result = await runCli(['bench', ...sweep(), '--concurrency', '2', '--run-id', 'awsapi'], credentials);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /not AWS itself: a vcpu-bench emulator/);
  const records = readFileSync(path.join(out, 'awsapi', 'invocations.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as InvocationRecord);
  assert.equal(records.length, 4 * 3, '4 cells x (1 warm-up + 2 reps)');
  for (const r of records) {
    assert.equal(r.target, 'aws');
    assert.equal(r.emulated, true, 'an endpoint that is not AWS is an emulation');
    assert.equal(r.cpuEnforced, t.emulator.executor.cpuEnforced);
    assert.equal(r.status, 'ok');
  }
  const functions = await t.lambda.send(new ListFunctionsCommand({}));
  const names = (functions.Functions ?? []).map((f) => f.FunctionName).sort();
  assert.deepEqual(names, ['vcpu-bench-x86_64-1769', 'vcpu-bench-x86_64-2654']);
  const tags = await t.lambda.send(
    new ListTagsCommand({ Resource: 'arn:aws:lambda:us-east-1:000000000000:function:vcpu-bench-x86_64-1769' }),
  );
  assert.deepEqual(tags.Tags, { 'vcpu-bench:managed': 'true', 'vcpu-bench:run': 'awsapi' });

  // Deploy again: idempotent, nothing to update.
  const again = await runCli(['deploy', ...sweep(), '--run-id', 'awsapi-2'], credentials);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^unchanged\s+vcpu-bench-x86_64-1769/m);
  assert.match(again.stdout, /^unchanged\s+vcpu-bench-x86_64-2654/m);
});

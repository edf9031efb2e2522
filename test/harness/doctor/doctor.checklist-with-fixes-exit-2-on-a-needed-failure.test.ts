import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { AWS_ENV, type AwsTestTarget, startAwsEmulator } from '../../support/aws.js';
import { runCli } from '../../support/cli.js';

async function withEmulator(
  faults: Parameters<typeof startAwsEmulator>[0],
  body: (t: AwsTestTarget) => Promise<void>,
): Promise<void> {
  const t = await startAwsEmulator(faults);
  try {
    await body(t);
  } finally {
    await t.close();
  }
}

/** The checklist line of one check, e.g. `  FAIL role: ...`. */
function line(stdout: string, name: string): string {
  const found = stdout.split('\n').find((l) => new RegExp(`^  (ok  |warn|FAIL|skip) ${name}: `).test(l));
  assert.ok(found, `no ${name} line in:\n${stdout}`);
  return found;
}

const QUIET = ['--modes', 'sequential', '--concurrency', '1', '--memory', '1769'];

test('without credentials: the credentials check fails with its fix, the rest are skipped, exit 2', async () => {
  await withEmulator({}, async (t) => {
    const result = await runCli(['doctor', ...t.where, ...QUIET], {
      ...AWS_ENV,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: path.join(t.out, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(t.out, 'no-credentials'),
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      line(result.stdout, 'credentials'),
      /^ {2}FAIL credentials: .+ -> fix: give the AWS SDK credentials: /,
    );
    assert.match(line(result.stdout, 'others'), /^ {2}skip others: every other check needs working credentials$/);
    assert.equal(result.stderr, 'error: doctor: 1 check(s) failed (credentials); fixes above\n');
  });
});

test('before setup the role check fails with "vcpu-bench setup" as its fix; after it every check passes', async () => {
  await withEmulator({}, async (t) => {
    const before = await t.cli(['doctor', ...t.where, ...QUIET]);
    assert.equal(before.code, 2);
    assert.match(
      line(before.stdout, 'role'),
      /FAIL role: no --role, and no role made by `vcpu-bench setup` .* -> fix: vcpu-bench setup --target aws/,
    );
    assert.match(line(before.stdout, 'role assumable'), /^ {2}skip role assumable: .*the probe needs a role/);

    assert.equal((await t.cli(['setup', ...t.where])).code, 0);
    const after = await t.cli(['doctor', ...t.where, ...QUIET]);
    assert.equal(after.code, 0, after.stdout + after.stderr);
    for (const name of ['credentials', 'region', 'role', 'concurrency', 'role assumable', 'memory', 'logs']) {
      assert.match(line(after.stdout, name), /^ {2}ok {3}/);
    }
    assert.match(
      line(after.stdout, 'credentials'),
      /arn:aws:iam::000000000000:user\/vcpu-bench-emulator \(account 000000000000\)/,
    );
    assert.match(after.stdout, /Ready: nothing the sweep needs is missing\.\n$/);
    const functions = await t.lambda.send(new ListFunctionsCommand({}));
    assert.deepEqual(functions.Functions ?? [], [], 'the probe functions were deleted again');
  });
});

test('account concurrency below the sweep peak fails with the --concurrency that fits', async () => {
  await withEmulator({}, async (t) => {
    assert.equal((await t.cli(['setup', ...t.where])).code, 0);
    // The test emulator allows 20 executions; 10 functions at once, each a fan_out parent with 2 children, need 30.
    const result = await t.cli([
      'doctor',
      ...t.where,
      '--memory',
      '1769',
      '--modes',
      'fan_out',
      '--workers',
      '2',
      '--concurrency',
      '10',
    ]);
    assert.equal(result.code, 2);
    assert.equal(
      line(result.stdout, 'concurrency'),
      '  FAIL concurrency: 20 unreserved concurrent executions (of 20); the sweep peaks at 30 = --concurrency 10 x (1 parent + 2 fan-out children): invocations beyond it are throttled -> fix: lower --concurrency to 6, or ask AWS for a higher concurrency quota (new accounts start low)',
    );
  });
});

test('a capped account: sizes above the cap are a warning while some fit, a failure when none does', async () => {
  await withEmulator({ maxMemoryMb: 3008 }, async (t) => {
    assert.equal((await t.cli(['setup', ...t.where])).code, 0);
    const some = await t.cli([
      'doctor',
      ...t.where,
      '--modes',
      'sequential',
      '--concurrency',
      '1',
      '--memory',
      '1769,4096',
    ]);
    assert.equal(some.code, 0, some.stdout);
    assert.match(
      line(some.stdout, 'memory'),
      /^ {2}warn memory: the account is capped at 3008 MB: 4096 MB will be skipped \(ValidationException: 'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to 3008\) -> fix: ask AWS Support/,
    );
    const none = await t.cli([
      'doctor',
      ...t.where,
      '--modes',
      'sequential',
      '--concurrency',
      '1',
      '--memory',
      '4096,5120',
    ]);
    assert.equal(none.code, 2);
    assert.match(
      line(none.stdout, 'memory'),
      /^ {2}FAIL memory: the account is capped at 3008 MB: 4096, 5120 MB will be skipped/,
    );
  });
});

test('bench on AWS runs the checks first: a failed one stops it with exit 2, nothing deployed or written', async () => {
  await withEmulator({}, async (t) => {
    const out = path.join(t.out, 'results');
    const result = await t.cli(['bench', ...t.where, ...QUIET, '--out', out, '--run-id', 'stopped']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^preflight \(vcpu-bench doctor\) on the AWS API at /m);
    assert.match(result.stderr, /^ {2}FAIL role: /m);
    assert.match(result.stderr, /error: preflight failed: role; nothing was deployed \(fixes above\)\n$/);
    assert.equal(existsSync(out), false);
    assert.deepEqual((await t.lambda.send(new ListFunctionsCommand({}))).Functions ?? [], []);
  });
});

test('doctor on --target local has nothing to check', async () => {
  const result = await runCli(['doctor']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^Nothing to check on --target local/);
});

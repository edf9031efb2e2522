import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { REPO_ROOT } from '../../../harness/paths.js';
import { type AwsTestTarget, startAwsEmulator } from '../../support/aws.js';
import { runCli } from '../../support/cli.js';

async function withEmulator(body: (t: AwsTestTarget, iam: IAMClient) => Promise<void>): Promise<void> {
  const t = await startAwsEmulator();
  const iam = new IAMClient({
    endpoint: t.emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    await body(t, iam);
  } finally {
    iam.destroy();
    await t.close();
  }
}

const policyFile = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'infra', 'iam', name), 'utf8'));

test('setup creates the tagged role from infra/iam, waits until Lambda takes it, prints its ARN; again: unchanged', async () => {
  await withEmulator(async (t, iam) => {
    const first = await t.cli(['setup', ...t.where]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /^role vcpu-bench-function: created; trust policy \(lambda-trust-policy\.json\): created; inline policy \(function-role-policy\.json\): created$/m,
    );
    assert.match(first.stdout, /^assumable by Lambda: yes, /m);
    assert.match(first.stdout, /^arn:aws:iam::000000000000:role\/vcpu-bench-function$/m);
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'vcpu-bench-function' }))).Role;
    assert.deepEqual(role?.Tags, [{ Key: 'vcpu-bench:managed', Value: 'true' }]);
    assert.deepEqual(
      JSON.parse(decodeURIComponent(role?.AssumeRolePolicyDocument ?? '')),
      policyFile('lambda-trust-policy.json'),
    );
    const inline = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'vcpu-bench-function', PolicyName: 'vcpu-bench-function' }),
    );
    assert.deepEqual(
      JSON.parse(decodeURIComponent(inline.PolicyDocument ?? '')),
      policyFile('function-role-policy.json'),
    );

    const again = await t.cli(['setup', ...t.where]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /^role vcpu-bench-function: unchanged; trust policy \(lambda-trust-policy\.json\): unchanged; inline policy \(function-role-policy\.json\): unchanged$/m,
    );
  });
});

test('--prefix makes <prefix>-function, its policy moved to <prefix>-* resources', async () => {
  await withEmulator(async (t, iam) => {
    const result = await t.cli(['setup', ...t.where, '--prefix', 'mybench']);
    assert.equal(result.code, 0, result.stderr);
    const inline = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'mybench-function', PolicyName: 'mybench-function' }),
    );
    const text = decodeURIComponent(inline.PolicyDocument ?? '');
    assert.ok(text.includes('function:mybench-*') && text.includes('/aws/lambda/mybench-*'), text);
    assert.ok(!text.includes('vcpu-bench-'), text);
  });
});

test('a role of that name vcpu-bench did not make is refused by setup and left alone by cleanup --role', async () => {
  await withEmulator(async (t, iam) => {
    await iam.send(
      new CreateRoleCommand({ RoleName: 'vcpu-bench-function', AssumeRolePolicyDocument: '{"Statement":[]}' }),
    );
    const setup = await t.cli(['setup', ...t.where]);
    assert.equal(setup.code, 1);
    assert.equal(
      setup.stderr,
      'error: role vcpu-bench-function exists but vcpu-bench did not create it (no tag vcpu-bench:managed=true): it is left alone; pass its ARN with --role, or use another --prefix\n',
    );
    const cleanup = await t.cli(['cleanup', ...t.where, '--role']);
    assert.equal(cleanup.code, 0, cleanup.stderr);
    assert.match(cleanup.stdout, /Role vcpu-bench-function exists but vcpu-bench did not create it .*: left alone\./);
    assert.ok((await iam.send(new GetRoleCommand({ RoleName: 'vcpu-bench-function' }))).Role, 'still there');
  });
});

test('cleanup --role deletes the role setup made (dry run first), and then finds none', async () => {
  await withEmulator(async (t, iam) => {
    assert.equal((await t.cli(['setup', ...t.where])).code, 0);
    const dry = await t.cli(['cleanup', ...t.where, '--role', '--dry-run']);
    assert.match(
      dry.stdout,
      /Would delete role vcpu-bench-function \(arn:aws:iam::000000000000:role\/vcpu-bench-function\)\.\nDry run: nothing was deleted\.\n$/,
    );
    const deleted = await t.cli(['cleanup', ...t.where, '--role']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /Deleted role vcpu-bench-function with its inline policy vcpu-bench-function\.\n$/);
    await assert.rejects(iam.send(new GetRoleCommand({ RoleName: 'vcpu-bench-function' })), {
      name: 'NoSuchEntityException',
    });
    const again = await t.cli(['cleanup', ...t.where, '--role']);
    assert.match(again.stdout, /No role vcpu-bench-function: nothing to delete\.\n$/);
  });
});

test('setup on --target local has nothing to do', async () => {
  const result = await runCli(['setup']);
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'Nothing to set up on --target local: the emulator needs no account and no role.\n');
});

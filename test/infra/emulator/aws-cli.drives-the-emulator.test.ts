/**
 * The AWS CLI (botocore: its own SigV4 signer and parsers that follow AWS's service models) against the emulator with
 * --require-auth: create, invoke with Tail, versions and aliases, logs, an error. Every answer must parse.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../support/emulator.js';

/** The CLI's version line, installing Debian's awscli package when none is on the PATH and we may; null if neither. */
function awsCli(): string | null {
  const probe = () => spawnSync('aws', ['--version'], { encoding: 'utf8' });
  let version = probe();
  if (version.status !== 0 && process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0) {
    spawnSync('apt-get', ['install', '-y', '-q', 'awscli'], { stdio: 'ignore', timeout: 300_000 });
    version = probe();
  }
  return version.status === 0 ? `${version.stdout}${version.stderr}`.trim() : null;
}

const cliVersion = awsCli();
let t: TestTarget;
let dir: string;

/** Runs the CLI as a child process; asynchronously, since the emulator answering it runs in this process. */
async function aws(args: string[]): Promise<{ code: number | null; json: unknown; stderr: string }> {
  const key = t.emulator.accessKey;
  assert.ok(key);
  const child = spawn('aws', ['--endpoint-url', t.emulator.endpoint, '--output', 'json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: path.join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
      AWS_PAGER: '',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const out = stdout.trim();
  return { code, json: out === '' ? null : (JSON.parse(out) as unknown), stderr };
}

async function ok(args: string[]): Promise<Record<string, unknown>> {
  const r = await aws(args);
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return (r.json ?? {}) as Record<string, unknown>;
}

before(async () => {
  if (!cliVersion) return;
  t = await startTestEmulator({ requireAuth: true });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-cli-test-'));
  writeFileSync(
    path.join(dir, 'fn.zip'),
    zipOf(
      'exports.handler = async (e) => { console.log("got", JSON.stringify(e)); return { v: process.env.AWS_LAMBDA_FUNCTION_VERSION, e }; };',
    ),
  );
});
after(async () => {
  if (!cliVersion) return;
  await stopTestEmulator(t);
  rmSync(dir, { recursive: true, force: true });
});

test('the AWS CLI: create, invoke with Tail, versions and aliases, logs, errors; every answer parses', async (s) => {
  if (!cliVersion) {
    s.skip('no AWS CLI on this host, and it could not be installed (apt-get install awscli)');
    return;
  }
  const v2 = cliVersion.startsWith('aws-cli/2');
  const created = await ok([
    'lambda',
    'create-function',
    '--function-name',
    'cli',
    '--runtime',
    'nodejs22.x',
    '--handler',
    'index.handler',
    '--role',
    'arn:aws:iam::000000000000:role/cli',
    '--zip-file',
    'fileb://fn.zip',
  ]);
  assert.equal(created.FunctionName, 'cli');
  await ok(['lambda', 'wait', 'function-active-v2', '--function-name', 'cli']);

  const payload = [...(v2 ? ['--cli-binary-format', 'raw-in-base64-out'] : []), '--payload', '{"a":1}'];
  const invoked = await ok([
    'lambda',
    'invoke',
    '--function-name',
    'cli',
    '--log-type',
    'Tail',
    ...payload,
    'out.json',
  ]);
  assert.equal(invoked.StatusCode, 200);
  assert.equal(invoked.ExecutedVersion, '$LATEST');
  const tail = Buffer.from(String(invoked.LogResult), 'base64').toString('utf8');
  assert.match(tail, /got \{"a":1\}/);
  assert.match(tail, /REPORT RequestId: \S+\tDuration: [\d.]+ ms/);

  assert.equal((await ok(['lambda', 'publish-version', '--function-name', 'cli'])).Version, '1');
  assert.equal(
    (await ok(['lambda', 'create-alias', '--function-name', 'cli', '--name', 'live', '--function-version', '1'])).Name,
    'live',
  );
  const viaAlias = await ok([
    'lambda',
    'invoke',
    '--function-name',
    'cli',
    '--qualifier',
    'live',
    ...payload,
    'alias.json',
  ]);
  assert.equal(viaAlias.ExecutedVersion, '1');
  const versions = (await ok(['lambda', 'list-versions-by-function', '--function-name', 'cli'])).Versions as Array<{
    Version: string;
  }>;
  assert.deepEqual(
    versions.map((v) => v.Version),
    ['$LATEST', '1'],
  );
  const aliases = (await ok(['lambda', 'list-aliases', '--function-name', 'cli'])).Aliases as Array<{ Name: string }>;
  assert.deepEqual(
    aliases.map((a) => a.Name),
    ['live'],
  );

  const refused = await aws(['lambda', 'delete-function', '--function-name', 'cli', '--qualifier', '1']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /ResourceConflictException.*following aliases reference it: \[live\]/);

  const reports = await ok([
    'logs',
    'filter-log-events',
    '--log-group-name',
    '/aws/lambda/cli',
    '--filter-pattern',
    'REPORT',
  ]);
  assert.equal((reports.events as unknown[]).length, 2);
  const described = await ok(['logs', 'describe-log-streams', '--log-group-name', '/aws/lambda/cli']);
  const streams = described.logStreams as Array<{ logStreamName: string }>;
  assert.ok(
    streams.some((st) => st.logStreamName.includes('[1]')),
    'the version has its own log stream',
  );
  const first = streams[0]?.logStreamName ?? '';
  const events = await ok([
    'logs',
    'get-log-events',
    '--log-group-name',
    '/aws/lambda/cli',
    '--log-stream-name',
    first,
  ]);
  assert.ok((events.events as unknown[]).length > 0);

  await ok(['lambda', 'delete-alias', '--function-name', 'cli', '--name', 'live']);
  await ok(['lambda', 'delete-function', '--function-name', 'cli']);
  assert.deepEqual((await ok(['lambda', 'list-functions'])).Functions, []);
});

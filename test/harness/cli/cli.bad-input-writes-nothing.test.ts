import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../support/cli.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-bad-'));
after(() => rmSync(out, { recursive: true, force: true }));

const table: Array<[string, string[], RegExp]> = [
  ['run: memory below 128', ['run', '--memory', '64'], /^error: --memory 64: must be an integer from 128 to 10240/],
  [
    'bench: unknown mode',
    ['bench', '--modes', 'threads'],
    /^error: --modes threads: must be one of sequential, worker_threads, child_process, fan_out/,
  ],
  ['run: unknown arch', ['run', '--arch', 'sparc'], /^error: --arch sparc: must be one of x86_64, arm64/],
  [
    'deploy: unknown algorithm',
    ['deploy', '--algorithm', 'md5'],
    /^error: --algorithm md5: must be one of bcrypt, pbkdf2/,
  ],
  ['run: workers 0', ['run', '--workers', '0'], /^error: --workers 0: must be an integer from 1 to 64/],
  ['run: empty memory list', ['run', '--memory', ''], /^error: --memory/],
  ['run: resume a run that does not exist', ['run', '--resume', 'nope'], /^error: --resume nope: no run at /],
  [
    'experiment background: gap not an integer',
    ['experiment', 'background', '--gap-ms', '500,soon'],
    /^error: --gap-ms soon: must be an integer from 0 to 600000 \(ms\)/,
  ],
  [
    'experiment background: unknown kind',
    ['experiment', 'background', '--background', 'thread'],
    /^error: --background thread: must be one of worker_threads, promise, timer, child_process/,
  ],
  [
    'experiment background: too many items',
    ['experiment', 'background', '--items', '20000'],
    /^error: --items 20000: must be an integer from 1 to 10000/,
  ],
  [
    'experiment background: the docker executor on aws',
    ['experiment', 'background', '--target', 'aws', '--executor', 'docker'],
    /^error: --executor docker: only with --target local/,
  ],
  [
    'experiment background: an image without the docker executor',
    ['experiment', 'background', '--image', 'repo/name:tag'],
    /^error: --image repo\/name:tag: only with --executor docker/,
  ],
  [
    'experiment background: aws without a role',
    ['experiment', 'background', '--target', 'aws'],
    /^error: --role: required with --target aws/,
  ],
  ['experiment: no experiment named', ['experiment'], /^error: .*experiment/],
  [
    'run: unreadable config',
    ['run', '--config', '/nonexistent/x.json'],
    /^error: --config \/nonexistent\/x\.json: cannot read it/,
  ],
];

for (const [name, args, message] of table) {
  test(`bad input is one line, exit 2, and writes nothing: ${name}`, async () => {
    const dir = path.join(out, name.replace(/\W+/g, '-'));
    const result = await runCli([...args, '--out', dir]);
    assert.equal(result.code, 2, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', message);
    assert.throws(() => readdirSync(dir), /ENOENT/, 'the --out directory was not created');
  });
}

test('a run id that already exists is refused without touching its results', async () => {
  const dir = path.join(out, 'existing');
  mkdirSync(path.join(dir, 'taken'), { recursive: true });
  writeFileSync(path.join(dir, 'taken', 'run.json'), '{"kept":true}');
  const result = await runCli(['run', '--memory', '1769', '--modes', 'sequential', '--out', dir, '--run-id', 'taken']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^error: --run-id taken: .* already exists; continue it with --resume taken/);
  assert.deepEqual(readdirSync(path.join(dir, 'taken')), ['run.json']);
});

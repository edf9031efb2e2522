/**
 * The built CLI, run as a child process on bad input: exit code 2, exactly one line on stderr starting `error: `
 * and naming the flag, nothing on stdout, and nothing written to disk (not the --out directory, not the cwd).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { CLI } from '../../support/cli.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Case {
  name: string;
  args: string[];
  /** What the one stderr line must contain: the flag, and usually the offending text. */
  says: string;
  /** Config files to create in the working directory first. */
  files?: Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'memory below 128 MB',
    args: ['--memory', '64'],
    says: '--memory 64: must be an integer from 128 to 10240 (MB)',
  },
  { name: 'memory list with a bad item', args: ['--memory', '256,99999'], says: '--memory 99999: must be an integer' },
  {
    name: 'memory range without a step',
    args: ['--memory', '1024-2048'],
    says: '--memory 1024-2048: a range needs a step',
  },
  {
    name: 'memory range backwards',
    args: ['--memory', '2048-1024:512'],
    says: '--memory 2048-1024:512: the range start',
  },
  { name: 'empty memory list', args: ['--memory='], says: '--memory : the list is empty' },
  { name: 'memory without a value', args: ['--memory'], says: '--memory: needs a value' },
  {
    name: 'unknown mode',
    args: ['--modes', 'threads'],
    says: '--modes threads: must be one of sequential, worker_threads, child_process, fan_out',
  },
  { name: 'unknown arch', args: ['--arch', 'aarch64'], says: '--arch aarch64: must be one of x86_64, arm64' },
  { name: 'zero workers', args: ['--workers', '0'], says: '--workers 0: must be an integer from 1 to 64' },
  { name: 'too many workers', args: ['--workers', '1-65'], says: '--workers 1-65: the range end 65' },
  { name: 'unknown algorithm', args: ['--algorithm', 'md5'], says: '--algorithm md5: must be one of bcrypt, pbkdf2' },
  { name: 'bcrypt cost out of range', args: ['--cost', '17'], says: '--cost 17: must be an integer from 4 to 16' },
  {
    name: 'pbkdf2 cost out of range',
    args: ['--algorithm', 'pbkdf2', '--cost', '0'],
    says: '--cost 0: must be an integer from 1 to 10000000',
  },
  { name: 'items not an integer', args: ['--items', 'four'], says: '--items four: must be an integer' },
  { name: 'unknown target', args: ['--target', 'gcp'], says: '--target gcp: must be one of local, aws' },
  { name: 'bad region', args: ['--region', 'moon'], says: '--region moon: must be a region name' },
  { name: 'bad endpoint', args: ['--endpoint-url', 'nope'], says: '--endpoint-url nope: must be an http://' },
  {
    name: 'run id escaping the results',
    args: ['--run-id', '../x'],
    says: '--run-id ../x: must match [A-Za-z0-9._-]+',
  },
  { name: 'bad prefix', args: ['--prefix', 'a b'], says: '--prefix a b: must match' },
  {
    name: 'min-reps above max-reps',
    args: ['--min-reps', '10', '--max-reps', '5'],
    says: '--min-reps 10 is above --max-reps 5',
  },
  { name: 'zero ci', args: ['--ci', '0'], says: '--ci 0: must be a number from 0.1 to 100' },
  { name: 'negative warmup', args: ['--warmup', '-1'], says: '--warmup -1: must be an integer from 0 to 100' },
  { name: 'zero concurrency', args: ['--concurrency', '0'], says: '--concurrency 0: must be an integer' },
  { name: 'timeout above 900 s', args: ['--timeout', '901'], says: '--timeout 901: must be an integer from 1 to 900' },
  { name: 'negative max cost', args: ['--max-cost-usd', '-1'], says: '--max-cost-usd -1: must be a number' },
  { name: 'a one-value flag twice', args: ['--items', '2', '--items', '3'], says: '--items 2,3: takes one value' },
  { name: 'unknown flag', args: ['--memroy', '512'], says: '--memroy: unknown option' },
  { name: 'unexpected argument', args: ['extra'], says: '"extra": unknown argument' },
  { name: 'missing config file', args: ['--config', 'nope.json'], says: '--config nope.json: cannot read it (ENOENT)' },
  {
    name: 'invalid JSON config',
    args: ['--config', 'broken.json'],
    says: '--config broken.json: not valid JSON',
    files: { 'broken.json': '{"memory": [512,\n' },
  },
  {
    name: 'unknown config key',
    args: ['--config', 'unknown.json'],
    says: '--config unknown.json: unknown key "foo"; allowed keys: target, region,',
    files: { 'unknown.json': '{"foo": 1}' },
  },
  {
    name: 'bad value in a config',
    args: ['--config', 'bad.json'],
    says: '--workers 0: must be an integer from 1 to 64 (from --config bad.json)',
    files: { 'bad.json': '{"workers": [0]}' },
  },
  {
    name: 'a flag that wins over the config is still checked',
    args: ['--config', 'good.json', '--max-reps', '2'],
    says: '--min-reps 4 is above --max-reps 2',
    files: { 'good.json': '{"min-reps": 4}' },
  },
  { name: 'bad --item-ms', args: ['--item-ms', '0'], says: '--item-ms 0: must be a number' },
];

cases.forEach((c, index) => {
  test(`plan refuses bad input with exit 2 and one line naming the flag: ${c.name}`, () => {
    const cwd = path.join(root, `case-${index}`);
    mkdirSync(cwd);
    for (const [name, content] of Object.entries(c.files ?? {})) writeFileSync(path.join(cwd, name), content);
    const before = readdirSync(cwd).sort();
    const out = path.join(cwd, 'results-out');
    // --out comes first so a flag missing its value at the end stays the last argument; a fixed --item-ms skips the
    // calibration, unless --item-ms is what the case is about.
    const itemMs = c.args.includes('--item-ms') ? [] : ['--item-ms', '1'];
    const result = spawnSync(process.execPath, [CLI, 'plan', '--out', out, ...itemMs, ...c.args], {
      cwd,
      encoding: 'utf8',
    });
    assert.equal(result.status, 2, `exit code; stderr: ${result.stderr}`);
    assert.equal(result.stdout, '');
    const lines = result.stderr.split('\n');
    assert.equal(lines.length, 2, `one line and its newline, got: ${JSON.stringify(result.stderr)}`);
    assert.equal(lines[1], '');
    assert.ok(lines[0]?.startsWith('error: '), lines[0]);
    assert.ok(lines[0]?.includes(c.says), `${lines[0]} should contain ${c.says}`);
    assert.equal(existsSync(out), false, 'the --out directory was not created');
    assert.deepEqual(readdirSync(cwd).sort(), before, 'nothing was written to the working directory');
  });
});

test('no command, or an unknown one, is a usage error listing the commands', () => {
  for (const args of [[], ['deploi']]) {
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^error: (no command given|unknown command "deploi"); commands: setup, doctor, plan[^\n]*\n$/,
    );
  }
});

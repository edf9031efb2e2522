/** The built `plan` command end to end: its JSON matches the hand-computed sweep, its text and --help are complete. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SWEEP_FLAGS } from '../../../../harness/options.js';
import type { Plan } from '../../../../harness/plan/plan.js';
import { CLI } from '../../../support/cli.js';

const cwd = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-plan-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
}

const SWEEP = [
  'plan',
  '--target',
  'aws',
  '--arch',
  'x86_64,arm64',
  '--memory',
  '1024,3538',
  '--modes',
  'sequential,worker_threads,fan_out',
  '--workers',
  '1,3',
  '--items',
  '4',
  '--min-reps',
  '2',
  '--max-reps',
  '5',
  '--concurrency',
  '2',
  '--item-ms',
  '100',
];

test('plan --json prints the plan: hand-computed counts and USD (see plan.counts-and-usd-hand-computed)', () => {
  const result = cli([...SWEEP, '--json']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const plan = JSON.parse(result.stdout) as Plan;
  assert.equal(plan.estimate, true);
  assert.equal(plan.cells.length, 20);
  assert.equal(plan.atMinReps.requests, 108);
  assert.equal(plan.atMaxReps.requests, 216);
  assert.equal(Math.round(plan.atMaxReps.usd * 1e7) / 1e7, 0.0023454);
  assert.deepEqual(plan.calibration, { msPerItemAtOneVcpu: 100 });
});

test('plan prints a table of estimates, and writes nothing', () => {
  const result = cli([...SWEEP, '--out', path.join(cwd, 'out')]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^Sweep plan for run \d{8}-\d{6}-[0-9a-f]{4} on AWS, us-east-1\nESTIMATES/);
  assert.match(result.stdout, /requests, all of the above\s+108\s+216\n/);
  assert.equal(spawnSync('ls', [cwd], { encoding: 'utf8' }).stdout, '');
});

test('plan without --item-ms calibrates on this machine and says so', () => {
  const result = cli(['plan', '--memory', '1769', '--modes', 'sequential', '--algorithm', 'pbkdf2', '--cost', '1000']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(
    result.stdout,
    /per item at 1 vCPU \(estimate: median of \d+ pbkdf2 hashes on one thread of this machine/,
  );
});

test('plan --help describes every sweep flag with its default, and gives examples', () => {
  const result = cli(['plan', '--help']);
  assert.equal(result.status, 0);
  for (const flag of [...SWEEP_FLAGS, 'config', 'json', 'item-ms']) {
    const line = result.stdout.split('\n').find((l) => l.trimStart().startsWith(`--${flag} `));
    assert.ok(line, `--${flag} is described`);
  }
  const defaults = result.stdout.match(/\[default: /g) ?? [];
  assert.equal(defaults.length, SWEEP_FLAGS.length + 3, 'every flag shows its default');
  assert.match(result.stdout, /Examples:\n {2}vcpu-bench plan /);
});

test('--help and -h are wrapped to the width help is shown at when piped (100 columns)', () => {
  // The CLI wraps help only when it is asked for (program.ts), so this is the check that it still does then.
  for (const flag of ['--help', '-h']) {
    const result = cli(['plan', flag]);
    assert.equal(result.status, 0);
    const widest = Math.max(...result.stdout.split('\n').map((line) => line.length));
    assert.ok(widest <= 100, `plan ${flag}: a line of ${widest} characters`);
  }
});

test('--help lists the commands and the exit codes', () => {
  const result = cli(['--help']);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /vcpu-bench plan +Show what a sweep would deploy/);
  assert.match(result.stdout, /Exit codes: 0 done, 1 the work failed, 2 invalid command line or config/);
});

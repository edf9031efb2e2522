/**
 * The built `recommend` command: a bad --strategy or --max-duration-ms, or a run directory that is not there, is one
 * line on stderr naming the flag and what it allows, exit 2, nothing on stdout and nothing written; on a good
 * summary.json it prints the pick each strategy makes, figures from the file's rows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { summaryJson } from '../../../../harness/analyze/json.js';
import { MB_PER_VCPU, memoryForVcpus } from '../../../../harness/lambda/platform.js';
import { CLI } from '../../../support/cli.js';
import { summaryRow } from '../../../support/summary-fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-recommend-command-'));
after(() => rmSync(root, { recursive: true, force: true }));

const TWO_VCPUS_MB = memoryForVcpus(2);
// Sequential is cheapest at 1 vCPU; threads x2 at 2 vCPUs are fastest (100 / 52 = 1.92x).
const rows = [
  summaryRow({ memory_mb: MB_PER_VCPU, median_ms: 100, cost_per_1k_items_usd: 0.25 }),
  summaryRow({ memory_mb: TWO_VCPUS_MB, median_ms: 100, cost_per_1k_items_usd: 0.5 }),
  summaryRow({
    memory_mb: TWO_VCPUS_MB,
    mode: 'worker_threads',
    workers: 2,
    median_ms: 52,
    cost_per_1k_items_usd: 0.26,
    speedup_vs_sequential: 100 / 52,
  }),
];

const dir = path.join(root, 'run');
mkdirSync(dir);
writeFileSync(path.join(dir, summaryJson.name), summaryJson.serialize(rows));

function recommendCli(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'recommend', ...args], { cwd: root, encoding: 'utf8' });
}

const badInput: Array<{ name: string; args: string[]; says: string }> = [
  {
    name: 'an unknown strategy',
    args: [dir, '--strategy', 'fastest'],
    says: 'error: --strategy fastest: must be one of cost, speed, balanced',
  },
  { name: 'a strategy without a value', args: [dir, '--strategy'], says: 'error: --strategy: needs a value' },
  {
    name: 'a limit of zero',
    args: [dir, '--max-duration-ms', '0'],
    says: 'error: --max-duration-ms 0: must be a number above 0 (ms)',
  },
  {
    name: 'a limit that is not a number',
    args: [dir, '--max-duration-ms', 'fast'],
    says: 'error: --max-duration-ms fast: must be a number above 0 (ms)',
  },
  {
    name: 'a strategy given twice',
    args: [dir, '--strategy', 'cost', '--strategy', 'speed'],
    says: 'error: --strategy cost,speed: takes one value',
  },
  {
    name: 'a run directory that does not exist',
    args: [path.join(root, 'no-such-run')],
    says: `error: run directory ${path.join(root, 'no-such-run')} does not exist (ENOENT); expected results/<run-id>/`,
  },
];

for (const c of badInput) {
  test(`recommend refuses ${c.name}: one line naming it, exit 2, nothing written`, () => {
    const before = readdirSync(root).sort();
    const inRun = readdirSync(dir).sort();
    const result = recommendCli(c.args);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, '');
    const lines = result.stderr.split('\n');
    assert.equal(lines.length, 2, `one line and its newline, got ${JSON.stringify(result.stderr)}`);
    assert.ok(lines[0]?.startsWith(c.says), `${lines[0]} should start with ${c.says}`);
    assert.deepEqual(readdirSync(root).sort(), before, 'nothing written beside the run');
    assert.deepEqual(readdirSync(dir).sort(), inRun, 'nothing written into the run');
  });
}

test('recommend of a run that was never analyzed names summary.json and the command that writes it (exit 1)', () => {
  const empty = path.join(root, 'not-analyzed');
  mkdirSync(empty);
  const result = recommendCli([empty]);
  assert.equal(result.status, 1, result.stderr);
  assert.equal(
    result.stderr,
    `error: ${path.join(empty, summaryJson.name)}: cannot be read (ENOENT); run vcpu-bench analyze ${empty} first\n`,
  );
});

test('recommend prints each strategy pick from summary.json, figures as the rows hold them', () => {
  const pick = (args: string[]) => {
    const result = recommendCli([dir, ...args]);
    assert.equal(result.status, 0, result.stderr);
    return /Pick: (.*)/.exec(result.stdout)?.[1];
  };
  assert.equal(
    pick(['--strategy', 'cost']),
    `sequential x1 at ${MB_PER_VCPU} MB (100.0 ms, $0.25 per 1,000 items, 1.00x sequential)`,
  );
  assert.equal(
    pick(['--strategy', 'speed']),
    `worker_threads x2 at ${TWO_VCPUS_MB} MB (52.0 ms, $0.26 per 1,000 items, 1.92x sequential)`,
  );
  // Only threads are at most 60 ms, so the cheapest under that limit is them.
  assert.match(pick(['--strategy', 'cost', '--max-duration-ms', '60']) ?? '', /^worker_threads x2/);
  const none = recommendCli([dir, '--max-duration-ms', '10']);
  assert.equal(none.status, 0, none.stderr);
  assert.match(none.stdout, /No configuration qualifies/);
  assert.equal(readFileSync(path.join(dir, summaryJson.name), 'utf8'), summaryJson.serialize(rows), 'read only');
});

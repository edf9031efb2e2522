/**
 * The built `analyze` command: a missing run directory or an unreadable --logs file is one line and exit 2 before
 * anything is written; REPORT lines the run did not capture are picked up from --logs and from a saved
 * cloudwatch-reports.log.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { InvocationRecord } from '../../../../harness/run/record.js';
import { CLI } from '../../../support/cli.js';
import { jsonl, okRecord, readCsvObjects, reportLine } from '../../../support/report-fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-analyze-command-'));
after(() => rmSync(root, { recursive: true, force: true }));

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'analyze', ...args], { cwd: root, encoding: 'utf8' });
}

const MEMORY = 1769;
const cell = { memoryMb: MEMORY, functionName: 'vcpu-bench-x86_64-1769', mode: 'sequential', workers: 1 } as const;
const durations = [1000.5, 1010.25, 990.75];
// The runner got no REPORT for any of them (reportLine null): only the logs have their figures.
const records: InvocationRecord[] = durations.map((_ms, rep) => okRecord({ ...cell, rep, requestId: `seq-${rep}` }));
const report = (rep: number) =>
  reportLine(`seq-${rep}`, {
    durationMs: durations[rep] ?? 0,
    billedMs: Math.ceil(durations[rep] ?? 0),
    memoryMb: MEMORY,
  });

let runs = 0;
function runDir(): string {
  runs += 1;
  const dir = path.join(root, `run-${runs}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'invocations.jsonl'), jsonl(records));
  return dir;
}

function durationsIn(dir: string): Array<number | null> {
  const rows = readCsvObjects(readFileSync(path.join(dir, 'invocations.csv'), 'utf8'));
  return rows.map((row) => (row.duration_ms === '' || row.duration_ms === undefined ? null : Number(row.duration_ms)));
}

test('analyze of a run directory that does not exist: one line naming it, exit 2, nothing written', () => {
  const missing = path.join(root, 'no-such-run');
  const result = cli([missing]);
  assert.equal(result.status, 2);
  assert.equal(result.stderr, `error: run directory ${missing} does not exist (ENOENT); expected results/<run-id>/\n`);
  assert.equal(result.stdout, '');
  assert.equal(existsSync(missing), false);
});

test('analyze --logs of a file that cannot be read: one line naming the flag, exit 2, no CSV written', () => {
  const dir = runDir();
  const result = cli([dir, '--logs', 'missing.log']);
  assert.equal(result.status, 2);
  assert.equal(result.stderr, 'error: --logs missing.log: cannot read it (ENOENT)\n');
  assert.deepEqual(readdirSync(dir), ['invocations.jsonl']);
});

test('analyze --cloudwatch on the embedded local target is refused: its logs died with its command', () => {
  const result = cli([runDir(), '--cloudwatch']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^error: --cloudwatch on --target local needs --endpoint-url, [^\n]+\n$/);
});

test('analyze without extra logs leaves the durations empty; the run recorded no REPORT', () => {
  const dir = runDir();
  const result = cli([dir]);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(durationsIn(dir), [null, null, null]);
});

test('analyze --logs picks up REPORT lines from a saved docker log', () => {
  const dir = runDir();
  const log = path.join(root, 'docker.log');
  const lines = durations.flatMap((_ms, rep) => [
    `START RequestId: seq-${rep} Version: $LATEST`,
    `END RequestId: seq-${rep}`,
    // docker logs --timestamps puts the time first.
    `2026-01-02T03:04:0${rep}.000000000Z ${report(rep)}`,
  ]);
  writeFileSync(log, `${lines.join('\n')}\n`);
  const result = cli([dir, '--logs', log]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.ok(result.stdout.startsWith(`Wrote ${path.join(dir, 'invocations.csv')}, ${path.join(dir, 'summary.csv')}, `));
  assert.match(result.stdout, /\| x86_64 +\| +1769 \|/, 'prints the summary table');
  assert.deepEqual(durationsIn(dir), durations);
});

test('a saved cloudwatch-reports.log is always included, and joins a --logs CloudWatch JSON export', () => {
  const dir = runDir();
  writeFileSync(path.join(dir, 'cloudwatch-reports.log'), `${report(0)}\n${report(1)}\n`);
  const plain = cli([dir]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /^Including REPORT lines saved by an earlier --cloudwatch: .+cloudwatch-reports\.log\n/);
  assert.deepEqual(durationsIn(dir), [durations[0], durations[1], null]);

  const exported = path.join(root, 'filter-log-events.json');
  writeFileSync(exported, JSON.stringify({ events: [{ timestamp: 1, message: `${report(2)}\n` }] }, null, 2));
  const both = cli([dir, '--logs', exported]);
  assert.equal(both.status, 0, both.stderr);
  assert.deepEqual(durationsIn(dir), durations);
});

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { InvocationRecord } from '../../../harness/run/record.js';
import { runCli, startCli } from '../../support/cli.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-resume-'));
after(() => rmSync(out, { recursive: true, force: true }));

const SWEEP = [
  '--memory',
  '1769,2654',
  '--modes',
  'sequential,worker_threads',
  '--workers',
  '1',
  '--algorithm',
  'bcrypt',
  '--cost',
  '4',
  '--items',
  '1',
  '--min-reps',
  '4',
  '--max-reps',
  '4',
  '--out',
  out,
];

function readRecords(file: string): InvocationRecord[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  // The last line may be torn by the kill: only whole lines count.
  return lines
    .slice(0, -1)
    .filter(Boolean)
    .map((l) => JSON.parse(l) as InvocationRecord);
}

const key = (r: InvocationRecord) => `${r.memoryMb}/${r.mode}/${r.workers}`;

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a run killed with SIGKILL resumes: completed cells are not repeated, the rest complete', async () => {
  const file = path.join(out, 'killed', 'invocations.jsonl');
  const { child, done } = startCli(['run', ...SWEEP, '--run-id', 'killed']);
  // Cells are measured in interleaved rounds (1 warm-up + 4 reps each): kill once the first cell is complete.
  const someCellComplete = () => {
    const measured = readRecords(file).filter((r) => !r.warmup);
    return [...new Set(measured.map(key))].some((k) => measured.filter((r) => key(r) === k).length >= 4);
  };
  await waitFor(someCellComplete, 60_000);
  child.kill('SIGKILL');
  await done;
  const before = readRecords(file);
  const countsBefore = new Map<string, number>();
  for (const r of before) countsBefore.set(key(r), (countsBefore.get(key(r)) ?? 0) + 1);
  const completeBefore = [...countsBefore]
    .filter(([k]) => before.filter((r) => key(r) === k && !r.warmup).length >= 4)
    .map(([k]) => k);
  assert.ok(completeBefore.length >= 1, 'at least one cell completed before the kill');

  const resumed = await runCli(['run', '--resume', 'killed', '--out', out]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const afterRecords = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as InvocationRecord);
  for (const k of completeBefore) {
    assert.equal(afterRecords.filter((r) => key(r) === k).length, countsBefore.get(k), `cell ${k} was not repeated`);
  }
  const cells = new Set(afterRecords.map(key));
  assert.equal(cells.size, 4);
  for (const k of cells) {
    const measured = afterRecords.filter((r) => key(r) === k && !r.warmup);
    assert.equal(measured.length, 4, `cell ${k} has exactly --max-reps measured invocations`);
    assert.deepEqual(
      measured.map((r) => r.rep),
      [0, 1, 2, 3],
      `cell ${k}: repetitions continue, never restart`,
    );
  }
  const manifest = JSON.parse(readFileSync(path.join(out, 'killed', 'run.json'), 'utf8')) as { resumedAt: string[] };
  assert.equal(manifest.resumedAt.length, 1);
});

test('SIGINT stops after the invocation in flight, keeps what was measured, and prints the resume command', async () => {
  const file = path.join(out, 'interrupted', 'invocations.jsonl');
  const { child, done } = startCli(['run', ...SWEEP, '--run-id', 'interrupted']);
  await waitFor(() => readRecords(file).length >= 2, 60_000);
  child.kill('SIGINT');
  const result = await done;
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stderr, /resume with: npm run cli -- run --resume interrupted --out /);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'), 'no torn line: the in-flight invocation finished and was written');
  assert.ok(text.trim().split('\n').length >= 2);
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { InvocationRecord } from '../../../harness/run/record.js';
import { runCli } from '../../support/cli.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-failing-'));
after(() => rmSync(out, { recursive: true, force: true }));

test('a cell that times out is recorded as timeouts, stops after two, and the sweep goes on to the next cell', async () => {
  // bcrypt 10 rounds x 2 items is ~0.16 s of CPU: over 2 s at 128 MB (0.07 vCPU), well under 1 s at 3538 MB.
  const result = await runCli([
    'run',
    '--memory',
    '128,3538',
    '--modes',
    'sequential',
    '--algorithm',
    'bcrypt',
    '--cost',
    '10',
    '--items',
    '2',
    '--timeout',
    '1',
    '--min-reps',
    '3',
    '--max-reps',
    '5',
    '--warmup',
    '0',
    '--out',
    out,
    '--run-id',
    'failing',
  ]);
  assert.equal(result.code, 0, result.stderr);
  const records = readFileSync(path.join(out, 'failing', 'invocations.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as InvocationRecord);
  const small = records.filter((r) => r.memoryMb === 128);
  const large = records.filter((r) => r.memoryMb === 3538);
  // --max-reps 5 would allow five: the cell stops at two because two failures stop it.
  assert.equal(small.length, 2, 'two failures stop the cell');
  for (const r of small) {
    assert.equal(r.status, 'timeout');
    assert.match(r.reportLine ?? '', /\tStatus: timeout/);
  }
  assert.ok(large.length >= 3 && large.length <= 5, `${large.length} reps of the healthy cell`);
  for (const r of large) assert.equal(r.status, 'ok');
});

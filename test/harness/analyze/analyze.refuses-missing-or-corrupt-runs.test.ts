import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeRun } from '../../../harness/analyze/analyze.js';
import { RunDirError } from '../../../harness/errors.js';
import { parseInvocationsJsonl } from '../../../harness/run/record.js';
import { jsonl, okRecord } from '../../support/report-fixtures.js';

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'analyze-errors-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function isOneLineRunDirError(pathPart: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RunDirError);
    assert.equal(error.name, 'RunDirError');
    assert.ok(!error.message.includes('\n'), 'one line');
    assert.ok(error.message.includes(pathPart), `names ${pathPart}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  };
}

test('a run directory that does not exist: RunDirError naming it', async () => {
  await withTempDir(async (dir) => {
    const missing = path.join(dir, 'no-such-run');
    await assert.rejects(analyzeRun(missing), isOneLineRunDirError(missing, /does not exist/));
  });
});

test('a run directory without invocations.jsonl: RunDirError naming the file', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(analyzeRun(dir), isOneLineRunDirError(path.join(dir, 'invocations.jsonl'), /does not exist/));
  });
});

test('an invocations.jsonl that cannot be read (a directory): RunDirError naming the file', async () => {
  await withTempDir(async (dir) => {
    const jsonlPath = path.join(dir, 'invocations.jsonl');
    await mkdir(jsonlPath);
    // On worker threads, as a large file would be: the file is tried before any starts.
    await assert.rejects(analyzeRun(dir, { threads: 2 }), isOneLineRunDirError(jsonlPath, /cannot be read \(EISDIR/));
  });
});

test('a corrupt line before the last is an error naming the file and line, not skipped', async () => {
  await withTempDir(async (dir) => {
    const record = okRecord({ mode: 'sequential', workers: 1, memoryMb: 1024 });
    await writeFile(path.join(dir, 'invocations.jsonl'), `${jsonl([record])}{"runId": 1\n${jsonl([record])}`);
    await assert.rejects(analyzeRun(dir), isOneLineRunDirError('invocations.jsonl:2', /not valid JSON/));
  });
});

test('a line that is JSON but not a record names the field', () => {
  const record = okRecord({ mode: 'sequential', workers: 1, memoryMb: 1024 });
  const text = jsonl([record, { ...record, memoryMb: '1024' } as unknown as typeof record]);
  assert.throws(
    () => parseInvocationsJsonl(text, 'run/invocations.jsonl'),
    isOneLineRunDirError('run/invocations.jsonl:2', /memoryMb must be a number, got "1024"/),
  );
});

test('only an unterminated last line is forgiven; an empty file gives header-only CSVs', async () => {
  const record = okRecord({ mode: 'sequential', workers: 1, memoryMb: 1024 });
  assert.equal(parseInvocationsJsonl(`${jsonl([record])}{"runId":"run-1","tar`, 'f').length, 1);
  assert.equal(parseInvocationsJsonl(`${jsonl([record])}\n\n`, 'f').length, 1);
  // terminated, so the runner finished writing it: corrupt, not truncated
  assert.throws(() => parseInvocationsJsonl(`${jsonl([record])}{"runId":"run-1","tar\n`, 'f'), RunDirError);

  await withTempDir(async (dir) => {
    await writeFile(path.join(dir, 'invocations.jsonl'), '');
    const result = await analyzeRun(dir);
    assert.equal(result.invocationCount, 0);
    assert.deepEqual(result.summary, []);
    const summary = await readFile(path.join(dir, 'summary.csv'), 'utf8');
    assert.equal(summary.split('\n').filter(Boolean).length, 1);
  });
});

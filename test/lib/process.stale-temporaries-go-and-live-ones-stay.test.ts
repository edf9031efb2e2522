/**
 * lib/process.ts removeStaleTemporaries: the `<file>.<pid>.tmp` files of processes that are gone (a write killed before
 * its rename) are removed; those of a running process, this one's, and names that only look alike are kept.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { temporaryPath } from '../../lib/fs.js';
import { removeStaleTemporaries } from '../../lib/process.js';

test("a gone process's temporary files are removed; a running one's, this one's and look-alikes stay", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'vcpu-bench-stale-'));
  const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  try {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    assert.ok(running.pid !== undefined && gone !== undefined);
    const stale = [`invocations.csv.${gone}.tmp`, `summary.json.${gone}.tmp`];
    const kept = [
      `run.json.${running.pid}.tmp`,
      path.basename(temporaryPath(path.join(dir, 'report.html'))),
      'invocations.csv',
      'notes.tmp',
      'invocations.csv.12x.tmp',
      'invocations.csv.0.tmp',
    ];
    for (const name of [...stale, ...kept]) await writeFile(path.join(dir, name), 'x');
    assert.deepEqual((await removeStaleTemporaries(dir)).sort(), [...stale].sort());
    assert.deepEqual((await readdir(dir)).sort(), [...kept].sort());
  } finally {
    running.kill();
    await rm(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { FUNCTION_ZIP } from '../../../harness/paths.js';
import { digestOf, hashRange } from '../../../workloads/hash.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-zip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('function.zip holds index.js and its workers, and no node_modules', () => {
  const files = Object.keys(unzipSync(readFileSync(FUNCTION_ZIP)));
  assert.deepEqual(files.sort(), ['child.js', 'hash-worker.js', 'index.js', 'worker.js']);
});

test('function.zip unzipped outside the repo runs every mode but fan_out with plain node', async () => {
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(FUNCTION_ZIP)))) {
    writeFileSync(path.join(dir, name), bytes);
  }
  const script = `
    const { handler, shutdownPools } = await import(${JSON.stringify(path.join(dir, 'index.js'))});
    const out = [];
    for (const mode of ['sequential', 'worker_threads', 'child_process']) {
      for (const algorithm of ['bcrypt', 'pbkdf2']) {
        const r = await handler({ mode, workers: 2, items: 3, algorithm, cost: algorithm === 'bcrypt' ? 4 : 1000, seed: 'zip' });
        out.push({ mode, algorithm, digest: r.digest, pool: r.pool });
      }
    }
    await shutdownPools();
    console.log(JSON.stringify(out));
  `;
  // cwd outside the repository, so nothing can be resolved from its node_modules.
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '' },
  });
  const results = JSON.parse(stdout) as Array<{ mode: string; algorithm: 'bcrypt' | 'pbkdf2'; digest: string }>;
  assert.equal(results.length, 6);
  for (const r of results) {
    const cost = r.algorithm === 'bcrypt' ? 4 : 1000;
    assert.equal(
      r.digest,
      digestOf(hashRange({ algorithm: r.algorithm, cost, seed: 'zip', start: 0, end: 3 })),
      `${r.mode} ${r.algorithm}`,
    );
  }
});

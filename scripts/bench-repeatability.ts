/**
 * `npm run bench:repeatability`: does a local run say the same thing twice? Runs one reduced sweep twice, back to
 * back, on the embedded emulator (the default workload, 885 to 3538 MB, sequential, worker_threads and child_process
 * at 2 workers), then prints each cell's speedup over sequential in both runs and their relative disagreement.
 * Goal (issue "Figures a user can publish"): every cell within 5%. Extra arguments are passed to both runs.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { memoryForVcpus } from '../harness/lambda/platform.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'harness', 'cli', 'main.js');
const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-repeat-'));
const sweep = [
  '--memory',
  [0.5, 1, 1.5, 2].map(memoryForVcpus).join(','),
  '--modes',
  'sequential,worker_threads,child_process',
  '--workers',
  '2',
  ...process.argv.slice(2),
];

type Row = Record<string, string>;
function runOnce(runId: string): Map<string, number> {
  const started = Date.now();
  const result = spawnSync(process.execPath, [CLI, 'bench', ...sweep, '--out', out, '--run-id', runId], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`bench ${runId} exited ${result.status}`);
  console.log(`${runId}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const rows = parse(readFileSync(path.join(out, runId, 'summary.csv'), 'utf8'), { columns: true }) as Row[];
  const speedups = new Map<string, number>();
  for (const row of rows) {
    if (row.mode === 'sequential' || row.speedup_vs_sequential === '') continue;
    speedups.set(`${row.memory_mb} MB ${row.mode} x${row.workers}`, Number(row.speedup_vs_sequential));
  }
  return speedups;
}

try {
  const first = runOnce('first');
  const second = runOnce('second');
  console.log('\n| cell | speedup, first run | speedup, second run | disagreement |');
  console.log('|---|---|---|---|');
  let worst = 0;
  for (const [cell, a] of first) {
    const b = second.get(cell);
    if (b === undefined) continue;
    const disagreement = Math.abs(a - b) / ((a + b) / 2);
    worst = Math.max(worst, disagreement);
    console.log(`| ${cell} | ${a.toFixed(3)}x | ${b.toFixed(3)}x | ${(disagreement * 100).toFixed(1)}% |`);
  }
  console.log(`\nlargest disagreement: ${(worst * 100).toFixed(1)}% (goal <= 5%)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}

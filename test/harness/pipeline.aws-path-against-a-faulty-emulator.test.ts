/**
 * The `--target aws` path, end to end through the CLI, against an emulator that misbehaves on purpose the ways AWS
 * does (infra/emulator/faults.ts): throttles are retried and counted and lose no record, late REPORT lines are waited
 * for (and, past the deadline, listed as missing), refused memory sizes are skipped with AWS's message, INIT errors
 * and timeouts become records, and a run interrupted under faults resumes cleanly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { MEMORY_QUOTA_ERROR } from '../../harness/lambda/platform.js';
import type { RunManifest } from '../../harness/run/run-dir.js';
import { AWS_ENV, type AwsTestTarget, readRecords, runFile, smallSweep, startAwsEmulator } from '../support/aws.js';
import { startCli } from '../support/cli.js';
import { readCsvObjects } from '../support/report-fixtures.js';

async function withEmulator(
  faults: Parameters<typeof startAwsEmulator>[0],
  body: (t: AwsTestTarget) => Promise<void>,
): Promise<void> {
  const t = await startAwsEmulator(faults);
  try {
    const setup = await t.cli(['setup', ...t.where]);
    assert.equal(setup.code, 0, setup.stderr);
    await body(t);
  } finally {
    await t.close();
  }
}

const key = (r: { memoryMb: number; mode: string; workers: number; warmup: boolean; rep: number }) =>
  `${r.memoryMb}/${r.mode}/${r.workers}/${r.warmup ? 'w' : 'm'}${r.rep}`;

test('throttled invocations are retried and counted: no record lost, none measured twice, retries = 429s served', async () => {
  await withEmulator({ throttle: 0.3, seed: 7 }, async (t) => {
    const result = await t.cli([
      'run',
      ...smallSweep(t, ['--memory', '1769', '--modes', 'sequential,worker_threads', '--workers', '2']),
      ...['--min-reps', '6', '--max-reps', '6', '--logs-wait', '0', '--run-id', 'throttled'],
    ]);
    assert.equal(result.code, 0, result.stderr);
    const records = readRecords(t, 'throttled');
    const measured = records.filter((r) => !r.warmup);
    // Two cells of six measured reps each: nothing lost, nothing doubled.
    assert.equal(measured.length, 12);
    assert.equal(new Set(measured.map(key)).size, 12);
    assert.ok(records.every((r) => r.status === 'ok' && typeof r.retries === 'number'));
    const retries = records.reduce((sum, r) => sum + (r.retries ?? 0), 0);
    const served = t.emulator.status().faults.counts.throttle ?? 0;
    assert.ok(served > 0, 'the emulator throttled some invokes');
    assert.equal(retries, served, 'every 429 the emulator served was retried and counted once');
    const csv = readCsvObjects(runFile(t, 'throttled', 'invocations.csv'));
    assert.deepEqual(
      csv.map((row) => Number(row.retries)),
      records.map((r) => r.retries),
    );
    assert.match(result.stdout, new RegExp(`Throttling: ${served} retr(y|ies) over ${records.length} invocations`));
  });
});

test('an invocation throttled past --max-retries is recorded as throttled, never measured, and the sweep goes on', async () => {
  await withEmulator({ throttle: 1 }, async (t) => {
    const result = await t.cli([
      'run',
      ...smallSweep(t, ['--memory', '1769', '--modes', 'sequential']),
      ...['--min-reps', '3', '--max-reps', '3', '--warmup', '0', '--max-retries', '1', '--logs-wait', '0'],
      ...['--run-id', 'always-throttled'],
    ]);
    assert.equal(result.code, 0, result.stderr);
    const records = readRecords(t, 'always-throttled');
    // The cell stops after two failures (harness/run/sweep.ts); each failure is one record with its retry counted.
    assert.equal(records.length, 2);
    for (const r of records) {
      assert.equal(r.status, 'throttled');
      assert.equal(r.retries, 1);
      assert.equal(r.requestId, null);
      assert.equal(r.reportLine, null);
    }
    const summary = JSON.parse(runFile(t, 'always-throttled', 'summary.json')) as Array<{
      n: number;
      n_errors: number;
    }>;
    assert.deepEqual(
      summary.map((s) => [s.n, s.n_errors]),
      [[0, 2]],
    );
    assert.match(result.stdout, /2 invocations still throttled after every retry/);
  });
});

test('late REPORT lines: fan-out children logged late are waited for; past --logs-wait the missing rows are listed', async () => {
  await withEmulator({ logDelayS: 2 }, async (t) => {
    const sweep = smallSweep(t, ['--memory', '1769', '--modes', 'fan_out', '--workers', '2', '--items', '2']);
    const waited = await t.cli(['bench', ...sweep, '--min-reps', '2', '--max-reps', '2', '--run-id', 'waited']);
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stderr, /CloudWatch Logs, fetch 1: \d+ of \d+ REPORT lines, \d+ still missing/);
    const records = readRecords(t, 'waited');
    // Every parent's REPORT came with its response; every child's only through the (late) logs.
    const expected = records.length * 3;
    assert.match(waited.stdout, new RegExp(`REPORT lines: ${expected} of ${expected} found\\.`));
    const rows = readCsvObjects(runFile(t, 'waited', 'invocations.csv'));
    assert.ok(
      rows.every((row) => row.cost_usd !== ''),
      'every fan_out row is costed, children included',
    );
    const manifest = JSON.parse(runFile(t, 'waited', 'run.json')) as RunManifest;
    assert.equal(manifest.actual?.complete, true);
    assert.equal(manifest.actual?.reportsFound, expected);
    assert.equal(manifest.actual?.childInvocations, records.length * 2);

    const impatient = await t.cli([
      'run',
      ...sweep,
      '--min-reps',
      '1',
      '--max-reps',
      '1',
      '--logs-wait',
      '0',
      '--run-id',
      'impatient',
    ]);
    assert.equal(impatient.code, 0, impatient.stderr);
    const listed = impatient.stdout.split('\n').filter((line) => / child of [0-9a-f-]{36}$/.test(line));
    assert.ok(listed.length >= 2, `the last parent's children are listed missing:\n${impatient.stdout}`);
    assert.match(
      impatient.stdout,
      /REPORT lines: \d+ of \d+ found\. Missing, so their Duration and cost are left empty, not guessed:/,
    );
    const summaryMd = runFile(t, 'impatient', 'summary.md');
    for (const line of listed) assert.ok(summaryMd.includes(line.trim()), 'summary.md lists every missing row');
    const actual = (JSON.parse(runFile(t, 'impatient', 'run.json')) as RunManifest).actual;
    assert.equal(actual?.complete, false, 'the cost is flagged a lower bound');
  });
});

test('a memory size the account refuses is skipped with AWS own message; the sweep runs the rest', async () => {
  await withEmulator({ maxMemoryMb: 3008 }, async (t) => {
    const message = `${MEMORY_QUOTA_ERROR.type}: ${MEMORY_QUOTA_ERROR.message(3008)}`;
    const deployed = await t.cli(['deploy', ...smallSweep(t, ['--memory', '1769,3538'])]);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /^created\s+vcpu-bench-x86_64-1769 /m);
    assert.ok(deployed.stdout.includes(`skipped vcpu-bench-x86_64-3538 (3538 MB, x86_64): ${message}\n`));

    const bench = await t.cli([
      'bench',
      ...smallSweep(t, ['--memory', '1769,3538', '--modes', 'sequential', '--min-reps', '2', '--max-reps', '2']),
      '--run-id',
      'capped',
    ]);
    assert.equal(bench.code, 0, bench.stderr);
    assert.ok(bench.stderr.includes(`skipped vcpu-bench-x86_64-3538 (3538 MB, x86_64): ${message}`));
    assert.ok(
      readRecords(t, 'capped').every((r) => r.memoryMb === 1769),
      'no cell of the refused size ran',
    );
    const skippedLine = `  3538 MB x86_64 (vcpu-bench-x86_64-3538): ${message}`;
    assert.ok(
      bench.stdout.includes(`Skipped memory sizes (the account refused them; the sweep ran the rest):\n${skippedLine}`),
    );
    assert.ok(runFile(t, 'capped', 'summary.md').includes(skippedLine));
    const manifest = JSON.parse(runFile(t, 'capped', 'run.json')) as RunManifest;
    assert.deepEqual(
      manifest.skipped?.map((s) => [s.memoryMb, s.capMb]),
      [[3538, 3008]],
    );

    const nothingLeft = await t.cli(['run', ...smallSweep(t, ['--memory', '4096,5120', '--run-id', 'all-refused'])]);
    assert.equal(nothingLeft.code, 1);
    assert.match(nothingLeft.stderr, /error: every memory size was refused: 4096 MB: ValidationException: /);
  });
});

test('injected INIT errors and timeouts become error and timeout records, one each, and the sweep goes on', async () => {
  await withEmulator({ initError: 0.5, timeout: 0.25, seed: 3 }, async (t) => {
    const result = await t.cli([
      'run',
      ...smallSweep(t, ['--memory', '1769,2654', '--modes', 'sequential', '--timeout', '5']),
      ...['--min-reps', '4', '--max-reps', '4', '--logs-wait', '0', '--run-id', 'faulty'],
    ]);
    assert.equal(result.code, 0, result.stderr);
    const records = readRecords(t, 'faulty');
    const counts = t.emulator.status().faults.counts;
    const initErrors = records.filter((r) => r.status === 'error' && r.errorType === 'Runtime.ExitError');
    const timeouts = records.filter((r) => r.status === 'timeout');
    assert.equal(initErrors.length, counts['init-error']);
    assert.equal(timeouts.length, counts.timeout);
    assert.ok(initErrors.length + timeouts.length > 0, 'the seed injects some');
    assert.ok(records.every((r) => ['ok', 'error', 'timeout'].includes(r.status)));
    // A timed-out invocation is billed its whole timeout, which the actual cost includes.
    const rows = readCsvObjects(runFile(t, 'faulty', 'invocations.csv'));
    for (const row of rows.filter((r) => r.status === 'timeout')) assert.equal(row.billed_ms, '5000');
  });
});

test('a run interrupted under throttling and late logs resumes cleanly: every cell complete, no rep twice', async () => {
  await withEmulator({ throttle: 0.25, logDelayS: 1, seed: 11 }, async (t) => {
    const sweep = [
      ...smallSweep(t, [
        '--memory',
        '1769,2654',
        '--modes',
        'sequential,worker_threads',
        '--workers',
        '2',
        '--concurrency',
        '2',
      ]),
      ...['--min-reps', '5', '--max-reps', '5', '--logs-wait', '10', '--run-id', 'interrupted'],
    ];
    const { child, done } = startCli(['run', ...sweep], AWS_ENV);
    const until = Date.now() + 60_000;
    const recordCount = () => {
      try {
        return readRecords(t, 'interrupted').length;
      } catch {
        return 0;
      }
    };
    while (recordCount() < 6) {
      assert.ok(Date.now() < until, 'the run got going');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGINT');
    const stopped = await done;
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /resume with: npm run cli -- run --resume interrupted/);

    const resumed = await t.cli(['run', '--resume', 'interrupted', '--out', t.out, '--logs-wait', '10']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const measured = readRecords(t, 'interrupted').filter((r) => !r.warmup);
    assert.equal(new Set(measured.map(key)).size, measured.length, 'no measured rep twice');
    assert.equal(measured.length, 4 * 5, 'four cells, five reps each');
    assert.ok(measured.every((r) => r.status === 'ok'));
    assert.match(resumed.stdout, /REPORT lines: (\d+) of \1 found\./);
  });
});

test('experiment background on --target aws deploys with the role setup made, as the sweep does, without --role', async () => {
  await withEmulator({}, async (t) => {
    const args = ['experiment', 'background', ...t.where, '--memory', '1769', '--background', 'timer'];
    const result = await t.cli([
      ...args,
      ...['--gap-ms', '100', '--pairs', '1', '--items', '1', '--cost', '4', '--out', t.out, '--run-id', 'bg'],
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes('background.csv'), result.stdout);
    const fn = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'vcpu-bench-x86_64-1769' }));
    assert.match(fn.Role ?? '', /:role\/vcpu-bench-function$/);
  });
});

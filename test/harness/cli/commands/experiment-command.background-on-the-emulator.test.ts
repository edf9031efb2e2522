/**
 * `vcpu-bench experiment background` end to end on the embedded emulator, as a user runs it: the CSV has one row per
 * pair, and its counts show the freeze stopping the work in the gap, the work completing after the thaw, and the work
 * lost when the environment is reclaimed. Counts against the rate the same work runs at awaited, measured in the same
 * run: nothing here depends on how fast the host is.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { STANDIN_TAG } from '../../../../infra/docker/standin-image.js';
import { runCli } from '../../../support/cli.js';
import { requireDockerOrSkip, standinImage } from '../../../support/docker.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-background-'));
after(() => rmSync(out, { recursive: true, force: true }));

/** Runs the experiment (one pair per kind, kept and reclaimed) and checks what every row must show; returns its output. */
async function experiment(
  runId: string,
  extra: string[],
): Promise<{ stdout: string; rows: Array<Record<string, string>> }> {
  const args = ['experiment', 'background', '--memory', '1769', '--background', 'worker_threads,timer', ...extra];
  const result = await runCli([
    ...args,
    ...['--gap-ms', '1500', '--pairs', '1', '--items', '24', '--reclaim', '--out', out, '--run-id', runId],
  ]);
  assert.equal(result.code, 0, result.stderr);
  const rows: Array<Record<string, string>> = parse(readFileSync(path.join(out, runId, 'background.csv')), {
    columns: true,
  });
  assert.equal(rows.length, 4, '2 kinds x (kept, reclaimed) x 1 pair');
  for (const row of rows) {
    const n = (column: string) => Number(row[column]);
    const where = `${row.background} reclaim=${row.reclaim}: ${JSON.stringify(row)}`;
    assert.equal(row.status, 'ok', where);
    assert.equal(row.emulated, 'true');
    assert.equal(n('started'), 24);
    if (row.reclaim === 'false') {
      assert.equal(row.same_environment, 'true', where);
      assert.ok(n('if_running_during_gap') >= 8, `a running environment would have done much in the gap: ${where}`);
      assert.ok(n('completed_during_gap') <= n('if_running_during_gap') / 4, `frozen in the gap: ${where}`);
      assert.ok(n('completed_after_thaw') >= 12, `done after the thaw: ${where}`);
      assert.equal(n('lost'), 0, where);
      assert.equal(row.background_digest_ok, 'true', where);
    } else {
      assert.equal(row.same_environment, 'false', where);
      assert.equal(row.completed_during_gap, '', 'unknown, not zero');
      assert.ok(n('lost') >= 12, `lost with the environment: ${where}`);
    }
    assert.equal(row.awaited_digest_ok, 'true', where);
    assert.ok(n('awaiting_adds_ms') > 0, `awaiting costs Duration: ${where}`);
  }
  assert.match(result.stdout, /\| during gap \|/);
  assert.match(result.stdout, /the freeze stopped it/);
  assert.match(result.stdout, /were lost/);
  const md = readFileSync(path.join(out, runId, 'background.md'), 'utf8');
  assert.ok(result.stdout.includes(md.trim().split('\n').at(-1) ?? 'missing'), 'the same conclusion is on file');
  return { stdout: result.stdout, rows };
}

test('experiment background on the local emulator: frozen in the gap, done after the thaw, lost on reclaim', async () => {
  const { rows } = await experiment('e2e', []);
  for (const row of rows) assert.equal(row.executor, 'process');
});

test('experiment background with --executor docker: the same, each environment a container', async (ctx: TestContext) => {
  if (!(await requireDockerOrSkip(ctx))) return;
  await standinImage();
  const { rows } = await experiment('e2e-docker', ['--executor', 'docker', '--image', STANDIN_TAG]);
  for (const row of rows) {
    assert.deepEqual(
      [row.executor, row.docker_mode, row.image, row.image_standin],
      ['docker', 'runtime-api', STANDIN_TAG, 'true'],
    );
  }
  const manifest = JSON.parse(readFileSync(path.join(out, 'e2e-docker', 'experiment.json'), 'utf8'));
  assert.equal(manifest.target.executor.kind, 'docker');
});

/**
 * `bench --executor docker`, end to end, in each docker mode: a small sweep (two memory sizes, all four modes) whose
 * functions run as containers of the function image on the stand-in base image. Every row says what produced it
 * (executor, docker mode, image, stand-in) and so does run.json; in RIE mode the REPORT lines are RIE's own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { after, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { DockerMode } from '../../infra/docker/modes.js';
import { STANDIN_TAG } from '../../infra/docker/standin-image.js';
import { runCli } from '../support/cli.js';
import { requireDockerOrSkip, standinImage } from '../support/docker.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-e2e-docker-'));
after(() => rmSync(out, { recursive: true, force: true }));

async function benchOnDocker(
  ctx: TestContext,
  mode: DockerMode,
  extra: string[],
): Promise<Array<Record<string, string>> | null> {
  if (!(await requireDockerOrSkip(ctx))) return null;
  await standinImage();
  const runId = `docker-${mode}`;
  const result = await runCli([
    'bench',
    '--executor',
    'docker',
    '--docker-mode',
    mode,
    ...extra,
    '--memory',
    '885,1769',
    '--workers',
    '1,2',
    '--cost',
    '4',
    '--items',
    '2',
    '--min-reps',
    '2',
    '--max-reps',
    '2',
    '--out',
    out,
    '--run-id',
    runId,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /sequential x1/);
  const dir = path.join(out, runId);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as {
    options: { executor: string; dockerMode: string };
    target: { executor: { kind: string; dockerMode: string; image: string; imageStandin: boolean } };
  };
  assert.deepEqual(manifest.target.executor, {
    kind: 'docker',
    dockerMode: mode,
    image: STANDIN_TAG,
    imageStandin: true,
  });
  assert.equal(manifest.options.dockerMode, mode);
  const rows = parse(readFileSync(path.join(dir, 'invocations.csv'), 'utf8'), { columns: true }) as Array<
    Record<string, string>
  >;
  // 14 cells (sequential once, three modes x two worker counts, at two memory sizes), two measured calls each.
  assert.equal(rows.filter((r) => r.warmup === 'false').length, 14 * 2);
  for (const row of rows) {
    assert.equal(row.status, 'ok', JSON.stringify(row));
    assert.equal(row.digest_ok, 'true');
    assert.deepEqual(
      [row.executor, row.docker_mode, row.image, row.image_standin],
      ['docker', mode, STANDIN_TAG, 'true'],
    );
  }
  assert.deepEqual([...new Set(rows.map((r) => r.mode))].sort(), [
    'child_process',
    'fan_out',
    'sequential',
    'worker_threads',
  ]);
  const summary = parse(readFileSync(path.join(dir, 'summary.csv'), 'utf8'), { columns: true }) as unknown[];
  assert.equal(summary.length, 14);
  return rows;
}

test('bench --executor docker (Runtime API mode): the emulator measures Duration, Init and Max Memory Used', async (ctx) => {
  const rows = await benchOnDocker(ctx, 'runtime-api', []);
  if (!rows) return;
  for (const row of rows) {
    assert.ok(Number(row.max_memory_used_mb) < Number(row.memory_mb), 'Max Memory Used is measured, not the limit');
  }
  assert.ok(
    rows.some((r) => r.cold === 'true' && Number(r.init_ms) > 50),
    'a container cold start has an Init',
  );
});

test("bench --executor docker --docker-mode rie: RIE's REPORT lines, Max Memory Used = Memory Size", async (ctx) => {
  const rows = await benchOnDocker(ctx, 'rie', ['--image', STANDIN_TAG]);
  if (!rows) return;
  for (const row of rows) assert.equal(row.max_memory_used_mb, row.memory_mb, "RIE's figure is the memory size");
  const records = readFileSync(path.join(out, 'docker-rie', 'invocations.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { reportLine: string | null });
  const cold = records.map((r) => r.reportLine ?? '').filter((line) => line.includes('Init Duration'));
  assert.ok(cold.length > 0, 'cold starts are in the run');
  for (const line of cold) assert.match(line, /\tInit Duration: [\d.]+ ms\tDuration: /, "RIE's order");
});

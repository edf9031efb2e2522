import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { BACKGROUND_COLUMNS, backgroundCsv, backgroundRow } from '../../../harness/analyze/background.js';
import {
  backgroundConclusion,
  groupBackgroundRows,
  renderBackgroundTable,
} from '../../../harness/analyze/background-summary.js';
import type { BackgroundPairRecord, RecordedCall } from '../../../harness/run/background.js';
import { reportLine } from '../../support/report-fixtures.js';

const DIGEST = 'd'.repeat(64);
const WALL0 = 1_800_000_000_000;
const stamp = (monoMs: number) => ({ monoMs, wallMs: WALL0 + monoMs });

function call(requestId: string, durationMs: number, body: unknown): RecordedCall {
  return {
    requestId,
    startedAt: '2026-11-26T10:00:00.000Z',
    clientMs: durationMs + 2,
    functionError: null,
    reportLine: reportLine(requestId, { durationMs, billedMs: Math.ceil(durationMs), memoryMb: 1769 }),
    callError: null,
    hostOversubscription: null,
    body,
  };
}

function batch(completedMonoMs: number[], pending: number, digest: string | null) {
  return {
    batchId: 'req-start',
    kind: 'timer',
    items: 10,
    workers: 1,
    startedAt: stamp(5),
    returnedAt: stamp(10),
    completedMonoMs,
    completedWallMs: completedMonoMs.map((t) => WALL0 + t),
    failed: 0,
    firstError: null,
    pending,
    digest,
  };
}

function background(environmentId: string, enteredAtMs: number, started: unknown, earlier: unknown[]) {
  return {
    environmentId,
    logStream: null,
    clock: 'environment CLOCK_MONOTONIC (process.hrtime), shared by its threads and processes',
    role: started ? 'start' : 'collect',
    enteredAt: stamp(enteredAtMs),
    reportedAt: stamp(enteredAtMs + 1),
    waitedMs: 0,
    returnedAt: stamp(enteredAtMs + 2),
    started,
    earlier,
  };
}

/**
 * A pair: the start returned at mono 10 ms with 1 item done; the collect entered at 1010 ms. The awaited baseline
 * did 10 items in 100 ms, so a running environment would have done min(9, 100/s x 1 s) = 9 items in the gap.
 */
function pair(collectEnvironment: string, collectedTimes: number[] | null, extra: Partial<BackgroundPairRecord> = {}) {
  const earlier = collectedTimes ? [batch(collectedTimes, 0, DIGEST)] : [];
  const record: BackgroundPairRecord = {
    runId: 'r',
    target: 'local',
    emulated: true,
    cpuEnforced: true,
    arch: 'x86_64',
    functionName: 'vcpu-bench-x86_64-1769',
    memoryMb: 1769,
    kind: 'timer',
    workers: 1,
    items: 10,
    algorithm: 'bcrypt',
    cost: 7,
    seed: 's',
    gapMs: 1000,
    reclaim: collectEnvironment !== 'env-1',
    pair: 0,
    expectedDigest: DIGEST,
    start: call('req-start', 5, {
      coldStart: false,
      digest: null,
      background: background('env-1', 4, batch([8], 9, null), []),
    }),
    collect: call('req-collect', 300, {
      coldStart: collectEnvironment !== 'env-1',
      digest: null,
      background: background(collectEnvironment, 1010, null, earlier),
    }),
    awaited: call('req-awaited', 105, { coldStart: false, digest: DIGEST, workloadMs: 100 }),
    gapClientMs: 1003,
    reclaimMs: collectEnvironment === 'env-1' ? null : 900,
    ...extra,
  };
  return record;
}

test('completions are classified by the environment marks: before the return, in the gap, after the thaw', () => {
  const row = backgroundRow(pair('env-1', [8, 12, 1010, 1011, 1020, 1030, 1040, 1050, 1060, 1070]));
  assert.equal(row.status, 'ok', String(row.error));
  assert.equal(row.same_environment, true);
  assert.equal(row.started, 10);
  assert.equal(row.completed_before_response, 1, 'at or before the return mark (10 ms)');
  assert.equal(row.completed_during_gap, 1, 'after the return, before the thaw (12 ms)');
  assert.equal(row.completed_after_thaw, 8, 'from the thaw mark (1010 ms) on');
  assert.equal(row.lost, 0);
  assert.equal(row.pending, 0);
  assert.equal(row.gap_env_ms, 1000);
  assert.equal(row.gap_env_wall_ms, 1000);
  assert.equal(row.running_items_per_s, 100);
  assert.equal(row.if_running_during_gap, 9);
  assert.equal(row.background_digest_ok, true);
  assert.equal(row.awaited_digest_ok, true);
  assert.equal(row.awaiting_adds_ms, 100);
  assert.ok(row.awaiting_adds_usd !== null && row.awaiting_adds_usd > 0);
  assert.match(String(row.clock), /CLOCK_MONOTONIC/);
});

test('a collect in another environment reports nothing of the batch: what was not done at the return is lost', () => {
  const row = backgroundRow(pair('env-2', null));
  assert.equal(row.status, 'ok', String(row.error));
  assert.equal(row.same_environment, false);
  assert.equal(row.collect_cold_start, true);
  assert.equal(row.completed_before_response, 1, "from the start's own report");
  assert.equal(row.completed_during_gap, null, 'unknown: nobody reported it');
  assert.equal(row.completed_after_thaw, null);
  assert.equal(row.lost, 9);
  assert.equal(row.gap_env_ms, null);
});

test('a failed call makes an error row that says which call and why', () => {
  const failed = pair('env-1', [8]);
  failed.collect = { ...failed.collect, callError: 'TooManyRequestsException: Rate Exceeded.', body: null };
  const row = backgroundRow(failed);
  assert.equal(row.status, 'error');
  assert.match(String(row.error), /^collect: TooManyRequestsException/);
  assert.equal(row.started, null, 'no counts from a pair that did not complete');
});

test('the CSV has the documented columns, one row per pair, and the table and sentence come from the rows', () => {
  const rows = [
    backgroundRow(pair('env-1', [8, 12, 1010, 1011, 1020, 1030, 1040, 1050, 1060, 1070])),
    backgroundRow({ ...pair('env-2', null), pair: 1 }),
  ];
  const parsed: string[][] = parse(backgroundCsv.serialize(rows));
  assert.deepEqual(parsed[0], [...BACKGROUND_COLUMNS]);
  assert.equal(parsed.length, 3);
  const table = renderBackgroundTable(groupBackgroundRows(rows));
  assert.match(table, /\| during gap \|/);
  const line = table.split('\n').find((l) => l.includes('| timer '));
  assert.ok(line, table);
  // started, before response, during gap, if running, after thaw, lost; reclaimed pairs, lost when reclaimed.
  assert.match(line, /\|\s+10 \|\s+1 \|\s+1 \|\s+~9 \|\s+8 \|\s+0 \|\s+1 \|\s+9 of 9 \|/);
  assert.match(table, /emulated/);
  const sentence = backgroundConclusion(rows);
  assert.match(sentence, /^In 2 pairs, background work completed 1 item during the gaps/);
  assert.match(sentence, /would have completed about 9: the freeze stopped it/);
  assert.match(sentence, /8 only once the next invocation thawed its environment/);
  assert.match(sentence, /9 of the 9 items still to do when the environment was reclaimed were lost/);
  assert.match(
    sentence,
    /awaiting the same work instead added a median 100 ms of Duration \(\+\$0\.\d+\) to the invocation/,
  );
});

test('work that kept running through the gaps is called so: the sentence is computed, not written in advance', () => {
  const running = backgroundRow(pair('env-1', [8, 100, 200, 300, 400, 500, 600, 700, 800, 900]));
  assert.equal(running.completed_during_gap, 9);
  assert.match(backgroundConclusion([running]), /it kept running, so nothing froze the environment/);
});

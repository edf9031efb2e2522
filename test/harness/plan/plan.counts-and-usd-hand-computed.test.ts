/**
 * planSweep against figures worked out by hand for a small sweep, with a fixed calibration of 100 ms per item.
 *
 * Sweep: arch x86_64 and arm64, memory 1024 and 3538 MB, modes sequential, worker_threads, fan_out, workers 1 and 3,
 * 4 items, 2 to 5 reps, 1 warm-up, target aws at concurrency 2.
 *
 * 1024 MB: share 1024/1769 = 0.5789, 2 cores seen. Every mode runs at parallelism 0.5789 (one thread, or a pool
 *   capped by the share): 400 ms / 0.5789 = 691.015625 ms, billed 692. fan_out 3 splits 4 items 2+1+1: children
 *   345.51, 172.75, 172.75 ms, billed 346 + 173 + 173; the parent waits for the slowest, billed 346.
 *   Billed ms of one invocation of each cell: seq 692, wt1 692, wt3 692, fo1 692+692, fo3 346+692 = 4,498 ms.
 * 3538 MB: share exactly 2, 3 cores seen. seq 400, wt1 400, wt3 at min(3, 2, 3) = 2: 200; fo1 400+400;
 *   fo3 200 + (200+100+100) = 2,400 ms.
 * GB-s of one round (every cell once) per arch: 4.498 x 1 + 2.4 x 3538/1024 = 4.498 + 8.2921875 = 12.7901875.
 * Requests of one round per arch: 5 cells x 2 memory sizes + children (1 + 3) x 2 = 18.
 * Rounds: reps + 1 warm-up = 3 at --min-reps 2, 6 at --max-reps 5.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSweepOptions } from '../../../harness/options.js';
import { planSweep } from '../../../harness/plan/plan.js';
import { HAND_WORKED_CALIBRATION, HAND_WORKED_FLAGS } from './fixtures.js';

const X86_USD_PER_GB_S = 0.0000166667;
const ARM_USD_PER_GB_S = 0.0000133334;
const USD_PER_REQUEST = 0.0000002;

const options = resolveSweepOptions({ ...HAND_WORKED_FLAGS, warmup: '1', concurrency: '2', 'run-id': 'hand' });
const plan = planSweep(options, HAND_WORKED_CALIBRATION);

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
}

test('one function per architecture and memory size, named <prefix>-<arch>-<memory>', () => {
  assert.deepEqual(
    plan.functions.map((f) => [f.name, f.visibleCores]),
    [
      ['vcpu-bench-x86_64-1024', 2],
      ['vcpu-bench-x86_64-3538', 3],
      ['vcpu-bench-arm64-1024', 2],
      ['vcpu-bench-arm64-3538', 3],
    ],
  );
});

test('sequential is planned once per function, at workers 1; the other modes once per worker count', () => {
  assert.equal(plan.cells.length, 20);
  const x86small = plan.cells.filter((c) => c.functionName === 'vcpu-bench-x86_64-1024');
  assert.deepEqual(
    x86small.map((c) => `${c.mode}/${c.workers}`),
    ['sequential/1', 'worker_threads/1', 'worker_threads/3', 'fan_out/1', 'fan_out/3'],
  );
  const onlyThree = planSweep(resolveSweepOptions({ memory: '1024', workers: '3', 'run-id': 'x' }), {
    msPerItemAtOneVcpu: 100,
  });
  assert.deepEqual(
    onlyThree.cells.map((c) => `${c.mode}/${c.workers}`),
    ['sequential/1', 'worker_threads/3', 'child_process/3', 'fan_out/3'],
  );
});

test('durations follow the model: item time / effective parallelism, billed ms rounded up', () => {
  const cell = (memoryMb: number, mode: string, workers: number) => {
    const found = plan.cells.find(
      (c) => c.arch === 'x86_64' && c.memoryMb === memoryMb && c.mode === mode && c.workers === workers,
    );
    assert.ok(found, `${memoryMb} ${mode} ${workers}`);
    return found;
  };
  close(cell(1024, 'sequential', 1).durationMs, 691.015625, 'sequential below 1 vCPU');
  assert.equal(cell(1024, 'sequential', 1).billedMs, 692);
  close(cell(1024, 'worker_threads', 3).effectiveParallelism, 1024 / 1769, 'pool capped by the share');
  assert.equal(cell(1024, 'worker_threads', 3).billedMs, 692);
  assert.deepEqual(cell(3538, 'worker_threads', 3), {
    ...cell(3538, 'worker_threads', 3),
    effectiveParallelism: 2,
    durationMs: 200,
    billedMs: 200,
    childInvocations: 0,
    childDurationsMs: [],
  });
  const fanOut = cell(1024, 'fan_out', 3);
  assert.equal(fanOut.childInvocations, 3);
  assert.deepEqual(fanOut.childDurationsMs, [345.5078125, 172.75390625, 172.75390625]);
  assert.equal(fanOut.billedMs, 346, 'the parent waits for the slowest child');
  close(fanOut.gbSecondsPerInvocation, (346 + 346 + 173 + 173) / 1000, 'parent and children billed');
  close(fanOut.usdPerInvocation, 1.038 * X86_USD_PER_GB_S + 4 * USD_PER_REQUEST, 'four request fees');
});

test('a fan_out invocation makes min(workers, items) child invocations', () => {
  const few = planSweep(
    resolveSweepOptions({ memory: '1769', modes: 'fan_out', workers: '8', items: '3', 'run-id': 'x' }),
    {
      msPerItemAtOneVcpu: 10,
    },
  );
  assert.equal(few.cells[0]?.childInvocations, 3);
  assert.deepEqual(few.cells[0]?.childDurationsMs, [10, 10, 10]);
});

test('invocation counts at --min-reps and --max-reps', () => {
  const counts = (t: typeof plan.atMinReps) => [
    t.measuredInvocations,
    t.warmupInvocations,
    t.childInvocations,
    t.requests,
  ];
  // 20 cells x 2 reps; 20 warm-ups; children 8 per round x 3 rounds; 18 x 2 arches x 3 rounds.
  assert.deepEqual(counts(plan.atMinReps), [40, 20, 48, 108]);
  assert.deepEqual(counts(plan.atMaxReps), [100, 20, 96, 216]);
});

test('GB-seconds and USD per architecture at AWS prices', () => {
  for (const [totals, rounds] of [
    [plan.atMinReps, 3],
    [plan.atMaxReps, 6],
  ] as const) {
    const gbS = 12.7901875 * rounds;
    const [x86, arm] = totals.byArch;
    assert.equal(x86?.arch, 'x86_64');
    assert.equal(arm?.arch, 'arm64');
    close(x86?.gbSeconds ?? Number.NaN, gbS, 'x86_64 GB-s');
    close(arm?.gbSeconds ?? Number.NaN, gbS, 'arm64 GB-s');
    assert.equal(x86?.requests, 18 * rounds);
    close(x86?.usd ?? Number.NaN, gbS * X86_USD_PER_GB_S + 18 * rounds * USD_PER_REQUEST, 'x86_64 USD');
    close(arm?.usd ?? Number.NaN, gbS * ARM_USD_PER_GB_S + 18 * rounds * USD_PER_REQUEST, 'arm64 USD');
    close(totals.usd, (x86?.usd ?? 0) + (arm?.usd ?? 0), 'total USD');
  }
  // About a quarter of a cent at --max-reps: $0.0013006 x86_64 + $0.0010448 arm64 = $0.0023454.
  close(Math.round(plan.atMaxReps.usd * 1e7) / 1e7, 0.0023454, 'max-reps USD');
});

test('wall time: parents only (children run inside them), divided by --concurrency on aws', () => {
  // Parent durations of one round per arch: 1024 MB 4 x 691.015625 + 345.5078125; 3538 MB 400+400+200+400+200.
  const roundMs = 2 * (4 * 691.015625 + 345.5078125 + 1600);
  close(plan.atMinReps.wallTimeS, (roundMs * 3) / 1000 / 2, 'aws at concurrency 2');
  const local = planSweep({ ...options, target: 'local' }, { msPerItemAtOneVcpu: 100 });
  close(local.atMinReps.wallTimeS, (roundMs * 3) / 1000, 'local: one cell at a time');
});

test('the plan says it is an estimate and carries its inputs', () => {
  assert.equal(plan.estimate, true);
  assert.equal(plan.options, options);
  assert.deepEqual(plan.calibration, { msPerItemAtOneVcpu: 100 });
});

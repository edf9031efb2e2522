/**
 * The Lambda handler: hashes `items` passwords derived from `seed` in one of four modes and reports what the
 * function saw; or, in mode `background`, starts them without awaiting (./background.ts). Deployed as
 * `index.handler` (the bundle's index.js).
 */
import { randomUUID } from 'node:crypto';
import { type BackgroundReport, markReturned, runBackground } from './background.js';
import { type Stamp, stamp } from './clock.js';
import { type EnvironmentSeen, environmentSeen } from './environment.js';
import { type Algorithm, parseEvent, type WorkloadEvent, type WorkloadMode } from './event.js';
import { fanOut } from './fan-out.js';
import { combineDigests, digestOf, type HashTask, hashRange, slices } from './hash.js';
import { closeProcessPool, runOnChildren } from './process-pool.js';
import { closeThreadPool, runOnThreads } from './thread-pool.js';

export { EventError } from './event.js';

let invocations = 0;

export interface PoolReport {
  kind: 'worker_threads' | 'child_process';
  size: number;
  /** True when this invocation created (or re-created) the pool; false when a warm one was reused. */
  created: boolean;
  /** Thread ids or process ids of the pool's members. */
  ids: number[];
}

export interface WorkloadResponse extends EnvironmentSeen {
  mode: WorkloadMode;
  algorithm: Algorithm;
  cost: number;
  items: number;
  workers: number;
  offset: number;
  /** sha256 over every hash in item order; null in mode background, which returns before hashing. */
  digest: string | null;
  /** Wall time of the hashing inside the handler (background: of starting it, or of collecting). */
  workloadMs: number;
  /** CPU time of this process (all its threads) during the handler, plus that of child processes' shares. */
  cpuUserMs: number;
  cpuSystemMs: number;
  coldStart: boolean;
  pid: number;
  pool: PoolReport | null;
  children: Array<{
    requestId: string | null;
    start: number;
    end: number;
    workloadMs: number;
    coldStart: boolean;
  }> | null;
  /** Mode background: what this invocation started or collected, and what earlier ones left (./background.ts). */
  background: BackgroundReport | null;
}

/** Minimal shape of the Lambda context this handler uses; any extra fields are ignored. */
export interface LambdaContextLike {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

function tasksFor(event: WorkloadEvent): HashTask[] {
  return slices(event.offset, event.items, event.workers).map((s) => ({
    algorithm: event.algorithm,
    cost: event.cost,
    seed: event.seed,
    start: s.start,
    end: s.end,
  }));
}

/** What one mode produced: the digest of its items, plus what the response reports about how. */
interface ModeOutcome {
  /** Null when the mode returns before the work is done (background). */
  digest: string | null;
  /** CPU time spent outside this process (forked children), to add to this process's own. */
  extraCpuUserMs: number;
  extraCpuSystemMs: number;
  pool: PoolReport | null;
  children: WorkloadResponse['children'];
  background: BackgroundReport | null;
}

/** What a mode runner is given besides the event. */
interface RunContext {
  requestId: string;
  remainingMs: (() => number) | null;
  /** The handler's first instant. */
  enteredAt: Stamp;
}

const NOTHING_ELSE = { extraCpuUserMs: 0, extraCpuSystemMs: 0, pool: null, children: null, background: null } as const;

async function runSequential(event: WorkloadEvent): Promise<ModeOutcome> {
  const hashes = hashRange({ ...event, start: event.offset, end: event.offset + event.items });
  return { digest: digestOf(hashes, event.offset), ...NOTHING_ELSE };
}

async function runWorkerThreads(event: WorkloadEvent): Promise<ModeOutcome> {
  const out = await runOnThreads(tasksFor(event), event.workers);
  return {
    ...NOTHING_ELSE,
    digest: digestOf(
      out.results.flatMap((r) => r.hashes),
      event.offset,
    ),
    pool: { kind: 'worker_threads', size: out.use.size, created: out.use.created, ids: out.threadIds },
  };
}

async function runChildProcesses(event: WorkloadEvent): Promise<ModeOutcome> {
  const out = await runOnChildren(tasksFor(event), event.workers);
  return {
    ...NOTHING_ELSE,
    digest: digestOf(
      out.results.flatMap((r) => r.hashes),
      event.offset,
    ),
    extraCpuUserMs: out.results.reduce((sum, r) => sum + r.cpuUserMs, 0),
    extraCpuSystemMs: out.results.reduce((sum, r) => sum + r.cpuSystemMs, 0),
    pool: { kind: 'child_process', size: event.workers, created: out.created, ids: out.pids },
  };
}

async function runFanOut(event: WorkloadEvent): Promise<ModeOutcome> {
  const out = await fanOut(event);
  return {
    ...NOTHING_ELSE,
    digest: combineDigests(out.map((c) => c.digest)),
    children: out.map(({ requestId, start, end, workloadMs, coldStart }) => ({
      requestId,
      start,
      end,
      workloadMs,
      coldStart,
    })),
  };
}

async function runBackgroundMode(event: WorkloadEvent, context: RunContext): Promise<ModeOutcome> {
  const report = await runBackground(event, context, context.enteredAt);
  return { ...NOTHING_ELSE, digest: null, background: report };
}

const MODE_RUNNERS: Record<WorkloadMode, (event: WorkloadEvent, context: RunContext) => Promise<ModeOutcome>> = {
  sequential: runSequential,
  worker_threads: runWorkerThreads,
  child_process: runChildProcesses,
  fan_out: runFanOut,
  background: runBackgroundMode,
};

export async function handler(rawEvent: unknown, context?: LambdaContextLike): Promise<WorkloadResponse> {
  // First: for work earlier invocations left running, this is the moment the environment was thawed.
  const enteredAt = stamp();
  const coldStart = invocations++ === 0;
  const event = parseEvent(rawEvent);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const remaining = context?.getRemainingTimeInMillis;
  const outcome = await MODE_RUNNERS[event.mode](event, {
    requestId: context?.awsRequestId ?? randomUUID(),
    remainingMs: typeof remaining === 'function' ? () => remaining.call(context) : null,
    enteredAt,
  });
  const workloadMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const response: WorkloadResponse = {
    mode: event.mode,
    algorithm: event.algorithm,
    cost: event.cost,
    items: event.items,
    workers: event.workers,
    offset: event.offset,
    digest: outcome.digest,
    workloadMs: round(workloadMs),
    cpuUserMs: round(cpu.user / 1000 + outcome.extraCpuUserMs),
    cpuSystemMs: round(cpu.system / 1000 + outcome.extraCpuSystemMs),
    coldStart,
    pid: process.pid,
    pool: outcome.pool,
    children: outcome.children,
    background: outcome.background,
    ...environmentSeen(),
  };
  // Last, so that everything a background batch completed up to here counts as before the response.
  if (outcome.background) markReturned(outcome.background);
  return response;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Ends the pools this module keeps between invocations (tests, and a runtime shutting down). */
export async function shutdownPools(): Promise<void> {
  closeProcessPool();
  await closeThreadPool();
}

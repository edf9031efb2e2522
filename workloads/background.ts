/**
 * `background` mode: work the handler starts and does not await. Lambda freezes the execution environment once the
 * runtime asks for its next event after the response, so such work stops, resumes only if a later invocation lands
 * on the same environment, and is lost if the environment is reclaimed (harness/lambda/README.md "Runtime API").
 *
 * A starting invocation (`collect: false`) hands `items` hashes to one of four kinds of background work and returns at
 * once. The environment keeps each batch's progress: every item's completion time, read where it completed (the
 * thread, the child process, the main thread) on CLOCK_MONOTONIC and on the wall clock (./clock.ts). A collecting
 * invocation (`collect: true`) starts nothing: it waits, within its time left, for the batches earlier invocations
 * left in this environment and reports them with the marks needed to classify each completion: when the starting
 * handler returned, and when this handler started (the thaw). Every response names the environment (a random id
 * drawn at init, and the log stream, one per environment on Lambda) and each batch by the request id that started it.
 */
import { randomUUID } from 'node:crypto';
import { LOG_STREAM_VARIABLE } from '../harness/lambda/platform.js';
import { CLOCK_DESCRIPTION, type Stamp, stamp } from './clock.js';
import type { BackgroundKind, WorkloadEvent } from './event.js';
import { digestOf, type HashTask, hashOne, slices } from './hash.js';
import { readyProcessPool, startOnChildren } from './process-pool.js';
import { readyThreadPool, startOnThreads } from './thread-pool.js';

/** Drawn once per environment (module load is the environment's init): the harness matches invocations by it. */
export const ENVIRONMENT_ID = randomUUID();

/** How long a collecting invocation leaves itself to answer once it stops waiting. */
const ANSWER_MARGIN_MS = 1000;
/** The wait when the handler is called without a Lambda context (tests). */
const WAIT_WITHOUT_CONTEXT_MS = 30_000;

/** One batch of background work as the environment reports it. */
export interface BatchReport {
  /** The request id of the invocation that started it. */
  batchId: string;
  kind: BackgroundKind;
  items: number;
  workers: number;
  startedAt: Stamp;
  /** When the starting handler returned its response; null until it has. */
  returnedAt: Stamp | null;
  /** Completion times of the items completed so far, in completion order, on each clock. */
  completedMonoMs: number[];
  completedWallMs: number[];
  failed: number;
  firstError: string | null;
  /** Items neither completed nor failed when the report was taken. */
  pending: number;
  /** sha256 over every hash in item order once all items completed (the same digest the awaited modes return). */
  digest: string | null;
}

export interface BackgroundReport {
  environmentId: string;
  /** The log stream: one per execution environment on Lambda (harness/lambda/platform.ts LOG_STREAM_VARIABLE). */
  logStream: string | null;
  /** The clock the classification uses (./clock.ts). */
  clock: string;
  /** What this invocation did. */
  role: 'start' | 'collect';
  /** This handler's first instant: for work left by earlier invocations, the moment the environment was thawed. */
  enteredAt: Stamp;
  /** When the report on earlier batches was taken: at once when starting, after the wait when collecting. */
  reportedAt: Stamp;
  /** How long a collecting invocation waited for earlier batches. */
  waitedMs: number;
  /** When this handler returned its response (set last, just before it returns). */
  returnedAt: Stamp | null;
  /** The batch this invocation started; null when collecting. */
  started: BatchReport | null;
  /** Batches earlier invocations of this environment started, as they stood at `reportedAt`. */
  earlier: BatchReport[];
}

interface Batch {
  batchId: string;
  kind: BackgroundKind;
  offset: number;
  items: number;
  workers: number;
  startedAt: Stamp;
  returnedAt: Stamp | null;
  completedMonoMs: number[];
  completedWallMs: number[];
  /** Hashes by item position (index - offset), for the digest. */
  hashes: Array<string | undefined>;
  failed: number;
  firstError: string | null;
  /** Resolves when every item has completed or failed. */
  settled: Promise<void>;
}

/** Batches this environment holds, oldest first, until a report shows them settled. */
const batches = new Map<string, Batch>();

function complete(batch: Batch, index: number, hash: string, at: Stamp): void {
  const position = index - batch.offset;
  if (batch.hashes[position] !== undefined) return;
  batch.hashes[position] = hash;
  batch.completedMonoMs.push(at.monoMs);
  batch.completedWallMs.push(at.wallMs);
}

/** Counts the items of [start, end) not completed yet as failed. */
function fail(batch: Batch, start: number, end: number, error: unknown): void {
  for (let index = start; index < end; index++) {
    if (batch.hashes[index - batch.offset] === undefined) batch.failed += 1;
  }
  batch.firstError ??= error instanceof Error ? error.message : String(error);
}

function itemTask(event: WorkloadEvent, start: number, end: number): HashTask {
  return { algorithm: event.algorithm, cost: event.cost, seed: event.seed, start, end };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The kinds of fire-and-forget work, each returning a promise the handler never awaits. */
const STARTERS: Record<BackgroundKind, (batch: Batch, event: WorkloadEvent) => Promise<void>> = {
  // A warm pool handed one task per item, results never awaited by the handler.
  worker_threads: async (batch, event) => {
    const first = event.offset;
    const tasks = Array.from({ length: event.items }, (_, i) => itemTask(event, first + i, first + i + 1));
    const { results } = await startOnThreads(tasks, event.workers);
    await Promise.all(
      results.map((result, i) =>
        result.then(
          (out) => complete(batch, first + i, out.hashes[0] ?? '', out.finishedAt),
          (error: unknown) => fail(batch, first + i, first + i + 1, error),
        ),
      ),
    );
  },
  // An async function called without await: it yields once, so the handler returns before the first hash.
  promise: async (batch, event) => {
    const end = event.offset + event.items;
    for (let index = event.offset; index < end; index++) {
      await nextTurn();
      try {
        complete(batch, index, hashOne(event.algorithm, event.cost, event.seed, index), stamp());
      } catch (error) {
        fail(batch, index, end, error);
        return;
      }
    }
  },
  // A chain of timers, one item per callback.
  timer: (batch, event) =>
    new Promise<void>((resolve) => {
      const end = event.offset + event.items;
      let index = event.offset;
      const tick = () => {
        try {
          complete(batch, index, hashOne(event.algorithm, event.cost, event.seed, index), stamp());
        } catch (error) {
          fail(batch, index, end, error);
          resolve();
          return;
        }
        index += 1;
        if (index < end) setTimeout(tick, 0);
        else resolve();
      };
      setTimeout(tick, 0);
    }),
  // The warm pool of forked processes, each given a slice and reporting every item as it completes it.
  child_process: async (batch, event) => {
    const parts = slices(event.offset, event.items, event.workers).filter((s) => s.end > s.start);
    const { results } = startOnChildren(
      parts.map((s) => itemTask(event, s.start, s.end)),
      event.workers,
      (item) => complete(batch, item.index, item.hash, item.completedAt),
    );
    await Promise.all(
      results.map((result, i) =>
        result.then(
          // Every item was reported as it completed, ahead of this answer on the same channel.
          () => undefined,
          (error: unknown) => {
            const part = parts[i];
            if (part) fail(batch, part.start, part.end, error);
          },
        ),
      ),
    );
  },
};

function reportOf(batch: Batch): BatchReport {
  const completed = batch.completedMonoMs.length;
  const allDone = completed === batch.items;
  return {
    batchId: batch.batchId,
    kind: batch.kind,
    items: batch.items,
    workers: batch.workers,
    startedAt: batch.startedAt,
    returnedAt: batch.returnedAt,
    completedMonoMs: [...batch.completedMonoMs],
    completedWallMs: [...batch.completedWallMs],
    failed: batch.failed,
    firstError: batch.firstError,
    pending: batch.items - completed - batch.failed,
    digest: allDone ? digestOf(batch.hashes as string[], batch.offset) : null,
  };
}

/** Reports every batch held, and forgets those that have settled: each is reported settled once. */
function reportEarlier(): BatchReport[] {
  const reports = [...batches.values()].map(reportOf);
  for (const report of reports) if (report.pending === 0) batches.delete(report.batchId);
  return reports;
}

async function waitForEarlier(budgetMs: number): Promise<void> {
  const all = Promise.all([...batches.values()].map((b) => b.settled));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, budgetMs));
  });
  try {
    await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The pool the kind uses, at `workers`: a collecting invocation leaves the environment as a warm one would be. */
async function readyPool(kind: BackgroundKind, workers: number): Promise<void> {
  if (kind === 'worker_threads') await readyThreadPool(workers);
  else if (kind === 'child_process') readyProcessPool(workers);
}

export interface BackgroundContext {
  requestId: string;
  /** Lambda's context.getRemainingTimeInMillis(), when there is a context. */
  remainingMs: (() => number) | null;
}

/** Runs one `background` invocation; `enteredAt` is the handler's first instant. */
export async function runBackground(
  event: WorkloadEvent,
  context: BackgroundContext,
  enteredAt: Stamp,
): Promise<BackgroundReport> {
  const spec = event.background;
  if (!spec) throw new Error('runBackground needs a background event');
  const base = {
    environmentId: ENVIRONMENT_ID,
    logStream: process.env[LOG_STREAM_VARIABLE] ?? null,
    clock: CLOCK_DESCRIPTION,
    enteredAt,
    returnedAt: null,
  };
  if (spec.collect) {
    const budgetMs = context.remainingMs ? context.remainingMs() - ANSWER_MARGIN_MS : WAIT_WITHOUT_CONTEXT_MS;
    const waitStart = performance.now();
    await waitForEarlier(budgetMs);
    const waitedMs = Math.round((performance.now() - waitStart) * 1000) / 1000;
    await readyPool(spec.kind, event.workers);
    return { ...base, role: 'collect', reportedAt: stamp(), waitedMs, started: null, earlier: reportEarlier() };
  }
  const reportedAt = stamp();
  const earlier = reportEarlier();
  const batch: Batch = {
    batchId: context.requestId,
    kind: spec.kind,
    offset: event.offset,
    items: event.items,
    workers: event.workers,
    startedAt: stamp(),
    returnedAt: null,
    completedMonoMs: [],
    completedWallMs: [],
    hashes: new Array<string | undefined>(event.items),
    failed: 0,
    firstError: null,
    settled: Promise.resolve(),
  };
  batches.set(batch.batchId, batch);
  const end = event.offset + event.items;
  // Not awaited: that is the point. Any failure is counted in the batch, never thrown into the void.
  batch.settled = STARTERS[spec.kind](batch, event).catch((error: unknown) => fail(batch, event.offset, end, error));
  return { ...base, role: 'start', reportedAt, waitedMs: 0, started: reportOf(batch), earlier };
}

/**
 * The handler's last step before it returns: marks the return on the report and on the batch it started, which is
 * the boundary between "before the response" and "during the gap" for that batch.
 */
export function markReturned(report: BackgroundReport): void {
  const at = stamp();
  report.returnedAt = at;
  const batch = report.started ? batches.get(report.started.batchId) : undefined;
  if (batch) {
    batch.returnedAt = at;
    report.started = reportOf(batch);
  }
}

/** Forgets every batch (tests); work still running keeps running. */
export function forgetBatches(): void {
  batches.clear();
}

/**
 * The run step: every planned cell, warm-up first (tagged, kept out of statistics), then repetitions until the 95%
 * confidence interval of the median of its warm Durations is within --ci of it (at least --min-reps, at most
 * --max-reps). Every invocation is appended to invocations.jsonl as it returns; a failing cell is recorded and the
 * sweep goes on.
 *
 * Two schedules:
 *  - local: rounds. Each round invokes every unfinished cell once, in an order drawn from --shuffle-seed, so the
 *    host's drifting speed falls on every cell alike; one invocation at a time, so measurements never share cores.
 *  - aws: one worker per function (up to --concurrency functions at once), each running its own cells one after
 *    another: cells of one function never run concurrently, or Lambda would route them to each other's
 *    environments and pools would be rebuilt inside measured Durations.
 * Either way, when a pool mode's worker count changes on a function, one unmeasured call first sizes the pool.
 */
import { groupBy } from '../../lib/collections.js';
import { isRecord } from '../../lib/guards.js';
import { isTimeoutResponse, TIMEOUT_ERROR_TYPE } from '../lambda/platform.js';
import { parseReportLine } from '../lambda/report-line.js';
import type { SweepOptions } from '../options.js';
import type { PlannedCell } from '../plan/plan.js';
import { seededRandom, seededShuffle } from '../statistics/random.js';
import { repetitionsDone } from '../statistics/statistics.js';
import type { TargetSession } from '../target/target.js';
import { type InvokeOutcome, invokeOnce } from './invoke.js';
import type { InvocationRecord, InvocationRequest } from './record.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import type { RunDir } from './run-dir.js';
import { warmthOf } from './warmth.js';

/** Two failures confirm a deterministic workload fails: the cell stops instead of burning --max-reps timeouts. */
export const FAILURES_TO_STOP_A_CELL = 2;

export interface CellResult {
  cell: PlannedCell;
  /** Warm, successful durations (REPORT Duration, ms) the stopping rule saw. */
  durationsMs: number[];
  invocations: number;
  failures: number;
  /** Skipped on --resume: already complete in invocations.jsonl. */
  skipped: boolean;
}

export interface SweepProgress {
  onCellStart?(cell: PlannedCell, index: number): void;
  onInvocation?(cell: PlannedCell, record: InvocationRecord): void;
  onCellDone?(result: CellResult, done: number, total: number): void;
}

export interface SweepInput {
  session: TargetSession;
  options: SweepOptions;
  cells: PlannedCell[];
  runDir: RunDir;
  expectedDigest: string;
  signal?: AbortSignal;
  progress?: SweepProgress;
  /** Back-off between throttled attempts; --max-retries sets how many. Tests fix the jitter. */
  retry?: Omit<RetryPolicy, 'maxRetries'>;
}

export interface SweepResult {
  cells: CellResult[];
  interrupted: boolean;
}

export function cellKey(c: { arch: string; memoryMb: number; mode: string; workers: number }): string {
  return `${c.arch}/${c.memoryMb}/${c.mode}/${c.workers}`;
}

function requestFor(cell: PlannedCell, o: SweepOptions): InvocationRequest {
  return { mode: cell.mode, workers: cell.workers, items: o.items, algorithm: o.algorithm, cost: o.cost, seed: o.seed };
}

/** Turns one outcome into the record appended to invocations.jsonl. */
export function toRecord(
  outcome: InvokeOutcome,
  base: Omit<
    InvocationRecord,
    | 'hostOversubscription'
    | 'status'
    | 'response'
    | 'requestId'
    | 'reportLine'
    | 'clientMs'
    | 'startedAt'
    | 'errorType'
    | 'errorMessage'
    | 'retries'
  >,
): InvocationRecord {
  const common = {
    ...base,
    requestId: outcome.requestId,
    reportLine: outcome.reportLine,
    clientMs: Math.round(outcome.clientMs * 1000) / 1000,
    startedAt: outcome.startedAt,
    hostOversubscription: outcome.hostOversubscription,
    retries: outcome.retries,
  };
  if (outcome.callError) {
    return {
      ...common,
      status: outcome.callError.throttled ? 'throttled' : 'error',
      errorType: outcome.callError.name,
      errorMessage: outcome.callError.message,
      response: null,
    };
  }
  const report = outcome.reportLine ? parseReportLine(outcome.reportLine) : null;
  const timedOut = report?.status === 'timeout' || isTimeoutResponse(outcome.body);
  if (outcome.functionError || timedOut) {
    const body = isRecord(outcome.body) ? outcome.body : {};
    return {
      ...common,
      status: timedOut ? 'timeout' : 'error',
      errorType: timedOut
        ? TIMEOUT_ERROR_TYPE
        : String(body.errorType ?? report?.errorType ?? outcome.functionError ?? 'Unknown'),
      errorMessage: String(body.errorMessage ?? '').split('\n')[0] ?? '',
      response: outcome.body,
    };
  }
  const digest = isRecord(outcome.body) ? outcome.body.digest : undefined;
  if (base.expectedDigest && digest !== base.expectedDigest) {
    return {
      ...common,
      status: 'error',
      errorType: 'DigestMismatch',
      errorMessage: `digest ${String(digest)} is not the expected ${base.expectedDigest}`,
      response: outcome.body,
    };
  }
  return { ...common, status: 'ok', response: outcome.body };
}

/** The REPORT Duration a record adds to the stopping rule: warm rows only (harness/run/warmth.ts). */
function warmDurationMs(record: InvocationRecord): number | null {
  const report = record.reportLine ? parseReportLine(record.reportLine) : null;
  const { warm } = warmthOf({
    warmup: record.warmup,
    ok: record.status === 'ok',
    digestOk: null,
    report,
    response: record.response,
  });
  return warm && report ? report.durationMs : null;
}

/** A cell's progress: its warm durations, measured repetitions and failures (from earlier records on --resume). */
interface CellState {
  cell: PlannedCell;
  index: number;
  durations: number[];
  reps: number;
  failures: number;
  warmupsDone: number;
  invocations: number;
  skipped: boolean;
}

function stateOf(cell: PlannedCell, index: number, records: readonly InvocationRecord[]): CellState {
  const measured = records.filter((r) => !r.warmup);
  return {
    cell,
    index,
    durations: measured.map(warmDurationMs).filter((d): d is number => d !== null),
    reps: measured.length,
    failures: measured.filter((r) => r.status !== 'ok').length,
    // A resumed cell warms its (new) environment again.
    warmupsDone: 0,
    invocations: 0,
    skipped: false,
  };
}

/** The stopping rule: two failures, --max-reps, or a tight enough confidence interval after --min-reps. */
function cellComplete(state: CellState, o: SweepOptions): boolean {
  return (
    state.failures >= FAILURES_TO_STOP_A_CELL ||
    state.reps >= o.maxReps ||
    repetitionsDone(state.durations, { minReps: o.minReps, maxReps: o.maxReps, ciFraction: o.ciPct / 100 })
  );
}

function resultOf(state: CellState): CellResult {
  return {
    cell: state.cell,
    durationsMs: state.durations,
    invocations: state.invocations,
    failures: state.failures,
    skipped: state.skipped,
  };
}

/**
 * Invokes the cells of one sweep, one invocation at a time per caller, keeping track of the pool size each function
 * was last asked for per mode, so a change of worker count gets an unmeasured sizing call first.
 */
class Invoker {
  /** Per function and pool mode: the worker count of its last call. */
  private readonly poolSizes = new Map<string, number>();

  private readonly retry: RetryPolicy;

  constructor(private readonly input: SweepInput) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...input.retry, maxRetries: input.options.maxRetries };
  }

  private baseFor(cell: PlannedCell) {
    const { session, options: o } = this.input;
    return {
      runId: o.runId,
      target: session.kind,
      emulated: session.emulated,
      cpuEnforced: session.cpuEnforced,
      executor: session.executor,
      arch: cell.arch,
      functionName: cell.functionName,
      memoryMb: cell.memoryMb,
      mode: cell.mode,
      workers: cell.workers,
      items: o.items,
      algorithm: o.algorithm,
      cost: o.cost,
      request: requestFor(cell, o),
      expectedDigest: this.input.expectedDigest,
      childReportLines: [],
    };
  }

  /**
   * One invocation, appended to the run. Null when the sweep was stopped while the call was being throttled: nothing
   * ran, so nothing is recorded, and a resumed run makes that repetition again.
   */
  private async call(state: CellState, warmup: boolean, rep: number): Promise<InvocationRecord | null> {
    const { cell } = state;
    const { session, options, signal } = this.input;
    const outcome = await invokeOnce(session, cell.functionName, requestFor(cell, options), this.retry, signal);
    if (outcome.interrupted) return null;
    const record = toRecord(outcome, { ...this.baseFor(cell), rep, warmup });
    this.input.runDir.append(record);
    state.invocations += 1;
    if (cell.mode === 'worker_threads' || cell.mode === 'child_process') {
      this.poolSizes.set(`${cell.functionName}/${cell.mode}`, cell.workers);
    }
    this.input.progress?.onInvocation?.(cell, record);
    return record;
  }

  /** The cell's warm-ups, then, when its pool was last sized otherwise, one unmeasured call to size it. */
  async prepare(state: CellState): Promise<void> {
    const { cell } = state;
    const { signal } = this.input;
    while (state.warmupsDone < this.input.options.warmup && !signal?.aborted) {
      if ((await this.call(state, true, state.warmupsDone)) === null) return;
      state.warmupsDone += 1;
    }
    const pooled = cell.mode === 'worker_threads' || cell.mode === 'child_process';
    const last = this.poolSizes.get(`${cell.functionName}/${cell.mode}`);
    if (pooled && last !== undefined && last !== cell.workers && !signal?.aborted) {
      if ((await this.call(state, true, state.warmupsDone)) === null) return;
      state.warmupsDone += 1;
    }
  }

  /** One measured repetition of the cell. */
  async measure(state: CellState): Promise<void> {
    const record = await this.call(state, false, state.reps);
    if (record === null) return;
    state.reps += 1;
    if (record.status !== 'ok') state.failures += 1;
    const durationMs = warmDurationMs(record);
    if (durationMs !== null) state.durations.push(durationMs);
  }
}

/** Local: rounds over the unfinished cells, each round in a seeded order, one invocation at a time. */
async function runInRounds(input: SweepInput, states: CellState[], finish: (s: CellState) => void): Promise<void> {
  const { options: o, signal } = input;
  const invoker = new Invoker(input);
  const random = seededRandom(o.shuffleSeed);
  const started = new Set<CellState>();
  for (;;) {
    const open = states.filter((s) => !s.skipped && !cellComplete(s, o));
    if (open.length === 0 || signal?.aborted) return;
    for (const state of seededShuffle(open, random)) {
      if (signal?.aborted) return;
      if (!started.has(state)) {
        started.add(state);
        input.progress?.onCellStart?.(state.cell, state.index);
      }
      await invoker.prepare(state);
      if (signal?.aborted) return;
      await invoker.measure(state);
      if (cellComplete(state, o)) finish(state);
    }
  }
}

/** AWS: up to --concurrency functions at once, each running its cells one after another. */
async function runPerFunction(input: SweepInput, states: CellState[], finish: (s: CellState) => void): Promise<void> {
  const { options: o, signal } = input;
  const queue = [...groupBy(states, (s) => s.cell.functionName).values()];
  const worker = async () => {
    // Each worker owns whole functions, so the pool sizes it remembers are its functions' alone.
    const invoker = new Invoker(input);
    for (let fn = queue.shift(); fn && !signal?.aborted; fn = queue.shift()) {
      for (const state of fn) {
        if (state.skipped || signal?.aborted) continue;
        input.progress?.onCellStart?.(state.cell, state.index);
        await invoker.prepare(state);
        while (!cellComplete(state, o) && !signal?.aborted) await invoker.measure(state);
        if (cellComplete(state, o)) finish(state);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, o.concurrency), queue.length) }, worker));
}

export async function runSweep(input: SweepInput): Promise<SweepResult> {
  const { options: o, cells, runDir, signal } = input;
  const existing = groupBy(runDir.readRecords(), cellKey);
  const states = cells.map((cell, index) => stateOf(cell, index, existing.get(cellKey(cell)) ?? []));
  const results: CellResult[] = [];
  const finish = (state: CellState) => {
    results.push(resultOf(state));
    input.progress?.onCellDone?.(resultOf(state), results.length, cells.length);
  };
  // Cells an interrupted run already completed are skipped, and reported first.
  for (const state of states) {
    if (state.reps > 0 && cellComplete(state, o)) {
      state.skipped = true;
      finish(state);
    }
  }
  if (input.session.kind === 'local') await runInRounds(input, states, finish);
  else await runPerFunction(input, states, finish);
  return { cells: results, interrupted: signal?.aborted ?? false };
}

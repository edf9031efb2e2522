/**
 * The run step: every planned cell, warm-up first (tagged, kept out of statistics), then repetitions until the 95%
 * confidence interval of the median is within --ci of it (at least --min-reps, at most --max-reps). Every invocation
 * is appended to invocations.jsonl as it returns. Local cells run one at a time (CPU-bound measurements must not
 * share cores); AWS cells up to --concurrency at once. A failing cell is recorded and the sweep goes on.
 */
import { groupBy } from '../../lib/collections.js';
import { isRecord } from '../../lib/guards.js';
import { parseReportLine } from '../lambda/report-line.js';
import type { SweepOptions } from '../options.js';
import type { PlannedCell } from '../plan/plan.js';
import { repetitionsDone } from '../statistics/statistics.js';
import type { TargetSession } from '../target/target.js';
import { type InvokeOutcome, invokeOnce } from './invoke.js';
import type { InvocationRecord, InvocationRequest } from './record.js';
import type { RunDir } from './run-dir.js';

/** Two failures confirm a deterministic workload fails: the cell stops instead of burning --max-reps timeouts. */
const FAILURES_TO_STOP_A_CELL = 2;

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
  >,
): InvocationRecord {
  const common = {
    ...base,
    requestId: outcome.requestId,
    reportLine: outcome.reportLine,
    clientMs: Math.round(outcome.clientMs * 1000) / 1000,
    startedAt: outcome.startedAt,
    hostOversubscription: outcome.hostOversubscription,
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
  if (outcome.functionError || report?.status === 'timeout') {
    const body = isRecord(outcome.body) ? outcome.body : {};
    const timedOut = report?.status === 'timeout';
    return {
      ...common,
      status: timedOut ? 'timeout' : 'error',
      errorType: timedOut
        ? 'Sandbox.Timedout'
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

/**
 * The REPORT Duration a record adds to the stopping rule: successful and warm only. A cold start inside the measured
 * reps (an environment recycled) is recorded, and kept out of the statistics.
 */
function warmDurationMs(record: InvocationRecord): number | null {
  if (record.status !== 'ok' || !record.reportLine) return null;
  const report = parseReportLine(record.reportLine);
  return report && report.initDurationMs === null ? report.durationMs : null;
}

/** What a cell's earlier records (from an interrupted run) contribute: its warm durations, reps and failures. */
function priorState(records: InvocationRecord[]): { durations: number[]; reps: number; failures: number } {
  const measured = records.filter((r) => !r.warmup);
  const durations = measured.map(warmDurationMs).filter((d): d is number => d !== null);
  return { durations, reps: measured.length, failures: measured.filter((r) => r.status !== 'ok').length };
}

async function runCell(input: SweepInput, cell: PlannedCell, prior: InvocationRecord[]): Promise<CellResult> {
  const { session, options: o, runDir, signal } = input;
  const request = requestFor(cell, o);
  const state = priorState(prior);
  const result: CellResult = {
    cell,
    durationsMs: state.durations,
    invocations: 0,
    failures: state.failures,
    skipped: false,
  };
  const base = {
    runId: o.runId,
    target: session.kind,
    emulated: session.emulated,
    cpuEnforced: session.cpuEnforced,
    arch: cell.arch,
    functionName: cell.functionName,
    memoryMb: cell.memoryMb,
    mode: cell.mode,
    workers: cell.workers,
    items: o.items,
    algorithm: o.algorithm,
    cost: o.cost,
    request,
    expectedDigest: input.expectedDigest,
    childReportLines: [],
  };
  const done = () => cellComplete({ durations: result.durationsMs, reps: state.reps, failures: result.failures }, o);

  // Warm-up goes through the same path as measurement and is tagged; a resumed cell warms its new environment too.
  const warmups = o.warmup;
  for (let w = 0; w < warmups && !signal?.aborted; w++) {
    const record = toRecord(await invokeOnce(session, cell.functionName, request), { ...base, rep: w, warmup: true });
    runDir.append(record);
    result.invocations += 1;
    input.progress?.onInvocation?.(cell, record);
  }
  while (!done() && !signal?.aborted) {
    const record = toRecord(await invokeOnce(session, cell.functionName, request), {
      ...base,
      rep: state.reps,
      warmup: false,
    });
    runDir.append(record);
    state.reps += 1;
    result.invocations += 1;
    input.progress?.onInvocation?.(cell, record);
    if (record.status !== 'ok') result.failures += 1;
    const durationMs = warmDurationMs(record);
    if (durationMs !== null) result.durationsMs.push(durationMs);
  }
  return result;
}

/** The stopping rule: two failures, --max-reps, or a tight enough confidence interval after --min-reps. */
function cellComplete(state: { durations: number[]; reps: number; failures: number }, o: SweepOptions): boolean {
  return (
    state.failures >= FAILURES_TO_STOP_A_CELL ||
    state.reps >= o.maxReps ||
    repetitionsDone(state.durations, { minReps: o.minReps, maxReps: o.maxReps, ciFraction: o.ciPct / 100 })
  );
}

export async function runSweep(input: SweepInput): Promise<SweepResult> {
  const { options: o, cells, runDir, signal } = input;
  const existing = groupBy(runDir.readRecords(), cellKey);
  const results: CellResult[] = [];
  let done = 0;
  const queue = cells.map((cell, index) => ({ cell, index }));
  // Local: one cell at a time, so measurements never share the host's cores. AWS: up to --concurrency cells.
  const parallel = input.session.kind === 'local' ? 1 : Math.max(1, o.concurrency);
  const worker = async () => {
    for (let next = queue.shift(); next && !signal?.aborted; next = queue.shift()) {
      const prior = existing.get(cellKey(next.cell)) ?? [];
      let result: CellResult;
      const before = priorState(prior);
      if (prior.length > 0 && cellComplete(before, o)) {
        result = {
          cell: next.cell,
          durationsMs: before.durations,
          invocations: 0,
          failures: before.failures,
          skipped: true,
        };
      } else {
        input.progress?.onCellStart?.(next.cell, next.index);
        result = await runCell(input, next.cell, prior);
      }
      if (signal?.aborted && !result.skipped) break;
      results.push(result);
      done += 1;
      input.progress?.onCellDone?.(result, done, cells.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, cells.length) }, worker));
  return { cells: results, interrupted: signal?.aborted ?? false };
}

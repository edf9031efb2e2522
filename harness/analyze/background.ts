/**
 * The analysis of `experiment background`: one row per pair of invocations (background.csv), the short table and the
 * one-sentence conclusion the command prints, all computed from the pair records (harness/run/background.ts).
 *
 * How a completion is classified: the environment stamped every item where it completed, on CLOCK_MONOTONIC
 * (workloads/clock.ts), and marked on the same clock when the starting handler returned and when the collecting
 * handler started (the thaw). Before the first mark is "before the response"; between the two, "during the gap"; after
 * the second, "after the thaw". The harness's own clock is another machine's on AWS, so it only measures the gap it
 * saw (gap_client_ms), set beside the environment's (gap_env_ms) for the reader to compare. When the collecting
 * invocation ran in another environment (reclaimed, or routed elsewhere), nothing more of the batch is ever reported:
 * what had not completed before the response is lost.
 */
import { isFiniteNumber, isRecord } from '../../lib/guards.js';
import type { Stamp } from '../../workloads/clock.js';
import { type Architecture, vcpuShare } from '../lambda/platform.js';
import { invocationCostUsd } from '../lambda/pricing.js';
import { parseReportLine } from '../lambda/report-line.js';
import type { BackgroundPairRecord, RecordedCall } from '../run/background.js';
import { csvExporter } from './csv.js';
import type { Exporter } from './exporter.js';
import { executorColumns } from './rows.js';

export const BACKGROUND_COLUMNS = [
  'run_id',
  'target',
  'emulated',
  'cpu_enforced',
  'arch',
  'memory_mb',
  'vcpu_share',
  'background',
  'workers',
  'algorithm',
  'cost',
  'gap_ms',
  'reclaim',
  'pair',
  'status',
  'error',
  'start_request_id',
  'collect_request_id',
  'environment_id',
  'collect_environment_id',
  'same_environment',
  'collect_cold_start',
  'clock',
  'started',
  'completed_before_response',
  'completed_during_gap',
  'completed_after_thaw',
  'pending',
  'failed',
  'lost',
  'gap_client_ms',
  'gap_env_ms',
  'gap_env_wall_ms',
  'running_items_per_s',
  'if_running_during_gap',
  'background_digest_ok',
  'start_duration_ms',
  'start_billed_ms',
  'start_cost_usd',
  'collect_duration_ms',
  'collect_billed_ms',
  'collect_cost_usd',
  'awaited_duration_ms',
  'awaited_billed_ms',
  'awaited_cost_usd',
  'awaited_digest_ok',
  'awaiting_adds_ms',
  'awaiting_adds_usd',
  'start_sent_at',
  // Added after the first runs: at the end, so readers that take columns by position keep working.
  'executor',
  'docker_mode',
  'image',
  'image_standin',
] as const;

export type BackgroundColumn = (typeof BACKGROUND_COLUMNS)[number];

export interface BackgroundRow {
  run_id: string;
  target: string;
  emulated: boolean;
  cpu_enforced: boolean;
  arch: Architecture;
  memory_mb: number;
  vcpu_share: number;
  background: string;
  workers: number;
  algorithm: string;
  cost: number;
  gap_ms: number;
  reclaim: boolean;
  pair: number;
  status: 'ok' | 'error';
  error: string | null;
  start_request_id: string | null;
  collect_request_id: string | null;
  environment_id: string | null;
  collect_environment_id: string | null;
  same_environment: boolean | null;
  collect_cold_start: boolean | null;
  clock: string | null;
  started: number | null;
  completed_before_response: number | null;
  completed_during_gap: number | null;
  completed_after_thaw: number | null;
  pending: number | null;
  failed: number | null;
  lost: number | null;
  gap_client_ms: number;
  gap_env_ms: number | null;
  gap_env_wall_ms: number | null;
  running_items_per_s: number | null;
  if_running_during_gap: number | null;
  background_digest_ok: boolean | null;
  start_duration_ms: number | null;
  start_billed_ms: number | null;
  start_cost_usd: number | null;
  collect_duration_ms: number | null;
  collect_billed_ms: number | null;
  collect_cost_usd: number | null;
  awaited_duration_ms: number | null;
  awaited_billed_ms: number | null;
  awaited_cost_usd: number | null;
  awaited_digest_ok: boolean | null;
  awaiting_adds_ms: number | null;
  awaiting_adds_usd: number | null;
  start_sent_at: string;
  executor: string | null;
  docker_mode: string | null;
  image: string | null;
  image_standin: boolean | null;
}

// ---------- reading the function's answers (workloads/background.ts BackgroundReport), checked ----------

interface BatchView {
  batchId: string;
  items: number;
  returnedAt: Stamp | null;
  completedMonoMs: number[];
  failed: number;
  pending: number;
  digest: string | null;
}

interface ReportView {
  environmentId: string;
  clock: string;
  enteredAt: Stamp;
  returnedAt: Stamp | null;
  started: BatchView | null;
  earlier: BatchView[];
}

function stampOf(value: unknown): Stamp | null {
  if (!isRecord(value) || !isFiniteNumber(value.monoMs) || !isFiniteNumber(value.wallMs)) return null;
  return { monoMs: value.monoMs, wallMs: value.wallMs };
}

function batchOf(value: unknown): BatchView | null {
  if (!isRecord(value)) return null;
  const { batchId, items, failed, pending, completedMonoMs, digest } = value;
  if (typeof batchId !== 'string' || !isFiniteNumber(items) || !isFiniteNumber(failed) || !isFiniteNumber(pending)) {
    return null;
  }
  if (!Array.isArray(completedMonoMs) || !completedMonoMs.every(isFiniteNumber)) return null;
  const returnedAt = stampOf(value.returnedAt);
  return {
    batchId,
    items,
    returnedAt,
    completedMonoMs,
    failed,
    pending,
    digest: typeof digest === 'string' ? digest : null,
  };
}

/** The `background` field of a response, or null when the response has none in the expected shape. */
export function backgroundReportOf(body: unknown): ReportView | null {
  if (!isRecord(body) || !isRecord(body.background)) return null;
  const b = body.background;
  const enteredAt = stampOf(b.enteredAt);
  if (typeof b.environmentId !== 'string' || enteredAt === null || !Array.isArray(b.earlier)) return null;
  const earlier = b.earlier.map(batchOf);
  if (earlier.some((e) => e === null)) return null;
  return {
    environmentId: b.environmentId,
    clock: typeof b.clock === 'string' ? b.clock : '',
    enteredAt,
    returnedAt: stampOf(b.returnedAt),
    started: b.started === null ? null : batchOf(b.started),
    earlier: earlier.filter((e): e is BatchView => e !== null),
  };
}

// ---------- one row per pair ----------

interface CallFigures {
  durationMs: number | null;
  billedMs: number | null;
  costUsd: number | null;
}

function figuresOf(call: RecordedCall, memoryMb: number, arch: Architecture): CallFigures {
  const report = call.reportLine ? parseReportLine(call.reportLine) : null;
  if (!report) return { durationMs: null, billedMs: null, costUsd: null };
  const billedMs = report.billedDurationMs;
  return { durationMs: report.durationMs, billedMs, costUsd: invocationCostUsd(billedMs, memoryMb, arch) };
}

/** Why a call did not give a usable answer, or null when it did. */
function callProblem(name: string, call: RecordedCall): string | null {
  if (call.callError) return `${name}: ${call.callError}`;
  if (call.functionError) {
    const body = isRecord(call.body) ? call.body : {};
    return `${name}: ${String(body.errorType ?? call.functionError)} ${String(body.errorMessage ?? '')}`.trim();
  }
  return null;
}

function count(times: readonly number[], after: number, upTo: number): number {
  return times.filter((t) => t > after && t <= upTo).length;
}

/** What became of the batch: counted by the collecting environment when it was the same one, else lost. */
function classify(start: ReportView, collect: ReportView, started: BatchView) {
  const sameEnvironment = collect.environmentId === start.environmentId;
  const batch = sameEnvironment ? collect.earlier.find((b) => b.batchId === started.batchId) : undefined;
  const returnedAt = batch?.returnedAt ?? started.returnedAt;
  if (!batch || !returnedAt) {
    const before = returnedAt ? count(started.completedMonoMs, Number.NEGATIVE_INFINITY, returnedAt.monoMs) : 0;
    return { sameEnvironment, batch: null, before, gap: null, after: null, lost: started.items - before, returnedAt };
  }
  const thaw = collect.enteredAt.monoMs;
  const times = batch.completedMonoMs;
  const before = count(times, Number.NEGATIVE_INFINITY, returnedAt.monoMs);
  // An item completed exactly at the thaw mark counts after it: the mark is the collecting handler's first instant.
  const gap = times.filter((t) => t > returnedAt.monoMs && t < thaw).length;
  const after = times.filter((t) => t >= thaw).length;
  const lost = batch.items - before - gap - after - batch.pending;
  return { sameEnvironment, batch, before, gap, after, lost, returnedAt };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

function baseRow(r: BackgroundPairRecord) {
  return {
    run_id: r.runId,
    target: r.target,
    emulated: r.emulated,
    cpu_enforced: r.cpuEnforced,
    arch: r.arch,
    memory_mb: r.memoryMb,
    vcpu_share: vcpuShare(r.memoryMb),
    background: r.kind,
    workers: r.workers,
    algorithm: r.algorithm,
    cost: r.cost,
    gap_ms: r.gapMs,
    reclaim: r.reclaim,
    pair: r.pair,
    start_request_id: r.start.requestId,
    collect_request_id: r.collect.requestId,
    gap_client_ms: r.gapClientMs,
    start_sent_at: r.start.startedAt,
    ...executorColumns(r.executor),
  };
}

function costColumns(r: BackgroundPairRecord) {
  const start = figuresOf(r.start, r.memoryMb, r.arch);
  const collect = figuresOf(r.collect, r.memoryMb, r.arch);
  const awaited = figuresOf(r.awaited, r.memoryMb, r.arch);
  const awaitedDigest = isRecord(r.awaited.body) ? r.awaited.body.digest : undefined;
  return {
    start_duration_ms: start.durationMs,
    start_billed_ms: start.billedMs,
    start_cost_usd: start.costUsd,
    collect_duration_ms: collect.durationMs,
    collect_billed_ms: collect.billedMs,
    collect_cost_usd: collect.costUsd,
    awaited_duration_ms: awaited.durationMs,
    awaited_billed_ms: awaited.billedMs,
    awaited_cost_usd: awaited.costUsd,
    awaited_digest_ok: typeof awaitedDigest === 'string' ? awaitedDigest === r.expectedDigest : null,
    awaiting_adds_ms: difference(awaited.durationMs, start.durationMs),
    awaiting_adds_usd: difference(awaited.costUsd, start.costUsd),
  };
}

const NO_OUTCOME = {
  environment_id: null,
  collect_environment_id: null,
  same_environment: null,
  collect_cold_start: null,
  clock: null,
  started: null,
  completed_before_response: null,
  completed_during_gap: null,
  completed_after_thaw: null,
  pending: null,
  failed: null,
  lost: null,
  gap_env_ms: null,
  gap_env_wall_ms: null,
  running_items_per_s: null,
  if_running_during_gap: null,
  background_digest_ok: null,
} as const;

/** The rate the same work runs at awaited (its workloadMs), and what the batch would have done in the gap at it. */
function runningRate(r: BackgroundPairRecord): number | null {
  const workloadMs = isRecord(r.awaited.body) ? r.awaited.body.workloadMs : undefined;
  return isFiniteNumber(workloadMs) && workloadMs > 0 ? (r.items / workloadMs) * 1000 : null;
}

function outcomeColumns(r: BackgroundPairRecord, start: ReportView, collect: ReportView, started: BatchView) {
  const c = classify(start, collect, started);
  const rate = runningRate(r);
  const gapEnvMs = c.batch && c.returnedAt ? collect.enteredAt.monoMs - c.returnedAt.monoMs : null;
  const gapEnvWallMs = c.batch && c.returnedAt ? collect.enteredAt.wallMs - c.returnedAt.wallMs : null;
  const collectCold = isRecord(r.collect.body) ? r.collect.body.coldStart : undefined;
  return {
    environment_id: start.environmentId,
    collect_environment_id: collect.environmentId,
    same_environment: c.sameEnvironment,
    collect_cold_start: typeof collectCold === 'boolean' ? collectCold : null,
    clock: collect.clock || start.clock || null,
    started: started.items,
    completed_before_response: c.before,
    completed_during_gap: c.gap,
    completed_after_thaw: c.after,
    pending: c.batch ? c.batch.pending : null,
    failed: c.batch ? c.batch.failed : null,
    lost: c.lost,
    gap_env_ms: gapEnvMs === null ? null : round3(gapEnvMs),
    gap_env_wall_ms: gapEnvWallMs,
    running_items_per_s: rate,
    if_running_during_gap:
      rate === null || gapEnvMs === null ? null : Math.min(started.items - c.before, (rate * gapEnvMs) / 1000),
    background_digest_ok: c.batch?.digest ? c.batch.digest === r.expectedDigest : null,
  };
}

/** The background.csv row of one pair. */
export function backgroundRow(r: BackgroundPairRecord): BackgroundRow {
  const problem = callProblem('start', r.start) ?? callProblem('collect', r.collect);
  const start = backgroundReportOf(r.start.body);
  const collect = backgroundReportOf(r.collect.body);
  const started = start?.started ?? null;
  const unusable = problem ?? (start && collect && started ? null : 'a response without its background report');
  const awaitedProblem = callProblem('awaited', r.awaited);
  const error = unusable ?? awaitedProblem;
  const outcome =
    unusable === null && start && collect && started ? outcomeColumns(r, start, collect, started) : NO_OUTCOME;
  return {
    ...baseRow(r),
    status: error === null ? 'ok' : 'error',
    error,
    ...outcome,
    ...costColumns(r),
  };
}

export const backgroundCsv: Exporter<BackgroundRow> = csvExporter<BackgroundRow, BackgroundColumn>(
  'background.csv',
  BACKGROUND_COLUMNS,
);

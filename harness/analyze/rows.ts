/**
 * One flat row per measured invocation: the record the runner wrote (harness/run/record.ts), joined with the
 * REPORT line(s) Lambda logged for it and the figures the function reported (workloads/handler.ts).
 * Every summary number is computed from these rows, so each can be traced back to raw records.
 */
import { isRecord, numberField, stringField } from '../../lib/guards.js';
import { type Architecture, isTimeoutResponse, TIMEOUT_ERROR_TYPE, vcpuShare } from '../lambda/platform.js';
import { invocationCostUsd } from '../lambda/pricing.js';
import { parseReportLine, type ReportFields } from '../lambda/report-line.js';
import type { InvocationRecord, RecordExecutor } from '../run/record.js';
import { type NotWarmReason, warmthOf } from '../run/warmth.js';

/** invocations.csv columns, in order (results/README.md defines each). */
export const INVOCATION_COLUMNS = [
  'run_id',
  'target',
  'emulated',
  'cpu_enforced',
  'arch',
  'function_name',
  'memory_mb',
  'vcpu_share',
  'visible_cores',
  'mode',
  'workers',
  'items',
  'algorithm',
  'cost',
  'rep',
  'warmup',
  'cold',
  'warm',
  'not_warm_reason',
  'request_id',
  'status',
  'error_type',
  'duration_ms',
  'billed_ms',
  'init_ms',
  'max_memory_used_mb',
  'workload_ms',
  'client_ms',
  'cpu_user_ms',
  'cpu_system_ms',
  'digest_ok',
  'cost_usd',
  'started_at',
  'host_oversubscription',
  // Added after the first runs: at the end, so readers that take columns by position keep working.
  'retries',
  'executor',
  'docker_mode',
  'image',
  'image_standin',
] as const;

export type InvocationStatus = InvocationRecord['status'];

export interface InvocationRow {
  run_id: string;
  target: InvocationRecord['target'];
  emulated: boolean;
  cpu_enforced: boolean;
  arch: Architecture;
  function_name: string;
  memory_mb: number;
  vcpu_share: number;
  visible_cores: number | null;
  mode: InvocationRecord['mode'];
  workers: number;
  items: number;
  algorithm: InvocationRecord['algorithm'];
  cost: number;
  rep: number;
  warmup: boolean;
  cold: boolean | null;
  /** A warm measurement (harness/run/warmth.ts): the rows the summary's statistics use. */
  warm: boolean;
  /** Why the row is not warm; null when it is. */
  not_warm_reason: NotWarmReason | null;
  request_id: string | null;
  status: InvocationStatus;
  error_type: string | null;
  duration_ms: number | null;
  billed_ms: number | null;
  init_ms: number | null;
  max_memory_used_mb: number | null;
  workload_ms: number | null;
  client_ms: number;
  cpu_user_ms: number | null;
  cpu_system_ms: number | null;
  digest_ok: boolean | null;
  cost_usd: number | null;
  started_at: string;
  /** Local emulator: peak running CPU quotas over host cores during the invocation; above 1, suspect. */
  host_oversubscription: number | null;
  /** Throttled attempts retried before this invocation (harness/run/retry.ts); null for records older than the field. */
  retries: number | null;
  /** Local emulator: what ran the function (process or docker); null on AWS or in runs that did not record it. */
  executor: 'process' | 'docker' | null;
  /** The docker executor's mode: runtime-api or rie. */
  docker_mode: 'runtime-api' | 'rie' | null;
  /** The docker executor's Lambda base image. */
  image: string | null;
  /** Whether that image is the project's stand-in for AWS's (infra/docker/standin-image.ts). */
  image_standin: boolean | null;
}

/** Request ids of the fan-out children the response lists (WorkloadResponse.children); null when it lists none. */
export function responseChildIds(response: unknown): Array<string | null> | null {
  if (!isRecord(response) || !Array.isArray(response.children)) return null;
  return response.children.map((child) => stringField(child, 'requestId'));
}

/**
 * The fan-out children's REPORTs: the lines the runner attached to the record, plus any the run's logs hold for
 * the child request ids the parent's response lists (the Invoke API's request id is the child's RequestId).
 * Deduplicated by request id. `complete` is false when the response lists more children than were found.
 */
function childReports(
  record: InvocationRecord,
  carried: CarriedReports,
  reports: ReadonlyMap<string, ReportFields>,
): { found: ReportFields[]; complete: boolean } {
  const byId = new Map<string, ReportFields>();
  for (const report of carried.children) {
    if (!byId.has(report.requestId)) byId.set(report.requestId, report);
  }
  const listed = responseChildIds(record.response);
  for (const id of listed ?? []) {
    const report = id === null ? undefined : reports.get(id);
    if (id !== null && report !== undefined && !byId.has(id)) byId.set(id, report);
  }
  const found = [...byId.values()];
  return { found, complete: listed === null || found.length >= listed.length };
}

/**
 * Status of the row: the record's, except that Lambda's own verdict wins over an 'ok' the client saw (a REPORT
 * with `Status: timeout|error`, harness/lambda/README.md "The REPORT line"; JSON `failure` counts as an error).
 */
function rowStatus(
  record: InvocationRecord,
  report: ReportFields | null,
): { status: InvocationStatus; errorType: string | null } {
  if (record.status === 'error' && isTimeoutResponse(record.response)) {
    return { status: 'timeout', errorType: TIMEOUT_ERROR_TYPE };
  }
  if (record.status !== 'ok') return { status: record.status, errorType: record.errorType };
  if (report === null || report.status === 'success') return { status: 'ok', errorType: null };
  return { status: report.status === 'timeout' ? 'timeout' : 'error', errorType: report.errorType };
}

/** The REPORTs a record carries itself, each line parsed once: its own, and its fan-out children's that parse. */
export interface CarriedReports {
  own: ReportFields | null;
  children: ReportFields[];
}

export function carriedReports(record: InvocationRecord): CarriedReports {
  const children: ReportFields[] = [];
  for (const line of record.childReportLines) {
    const report = parseReportLine(line);
    if (report !== null) children.push(report);
  }
  return { own: record.reportLine === null ? null : parseReportLine(record.reportLine), children };
}

/**
 * Request ids whose REPORT this record needs from elsewhere (the run's other records, its logs): its own when it
 * carries none, and each fan-out child its response lists but it carries no REPORT of. Empty for most records.
 */
export function reportsWanted(record: InvocationRecord, carried: CarriedReports): string[] {
  const wanted: string[] = [];
  if (carried.own === null && record.requestId !== null) wanted.push(record.requestId);
  const listed = responseChildIds(record.response);
  if (listed !== null) {
    const have = new Set(carried.children.map((r) => r.requestId));
    for (const id of listed) if (id !== null && !have.has(id)) wanted.push(id);
  }
  return wanted;
}

/**
 * The row of one record. `reports` holds every REPORT found for the run, by request id; the record's own
 * `reportLine` is preferred (the runner attributed it to this invocation), the map is the fallback. `carried` is
 * what the record's own lines hold, for a caller that parsed them already; the map is only read for the request ids
 * reportsWanted names.
 */
export function toInvocationRow(
  record: InvocationRecord,
  reports: ReadonlyMap<string, ReportFields>,
  carried: CarriedReports = carriedReports(record),
): InvocationRow {
  const own = carried.own;
  const report = own ?? (record.requestId === null ? null : (reports.get(record.requestId) ?? null));
  const { status, errorType } = rowStatus(record, report);
  const response = record.response;
  const digest = stringField(response, 'digest');
  const children = childReports(record, carried, reports);

  // Fan-out is paid for by every environment it runs in: the parent plus one invocation per child. A cost
  // missing a child's share would flatter fan_out, so it is left empty rather than understated.
  let costUsd: number | null = null;
  if (report !== null && children.complete) {
    costUsd = invocationCostUsd(report.billedDurationMs, report.memorySizeMb, record.arch);
    for (const child of children.found) {
      costUsd += invocationCostUsd(child.billedDurationMs, child.memorySizeMb, record.arch);
    }
  }

  const digestOk = digest === null || record.expectedDigest === null ? null : digest === record.expectedDigest;
  const warmth = warmthOf({ warmup: record.warmup, ok: status === 'ok', digestOk, report, response });
  return {
    run_id: record.runId,
    target: record.target,
    emulated: record.emulated,
    cpu_enforced: record.cpuEnforced,
    arch: record.arch,
    function_name: record.functionName,
    memory_mb: record.memoryMb,
    vcpu_share: vcpuShare(record.memoryMb),
    visible_cores: numberField(response, 'visibleCores'),
    mode: record.mode,
    workers: record.workers,
    items: record.items,
    algorithm: record.algorithm,
    cost: record.cost,
    rep: record.rep,
    warmup: record.warmup,
    // A cold start is an environment that ran INIT (Init Duration) or was restored from a snapshot (Restore
    // Duration); harness/lambda/README.md "The REPORT line". Unknown without a REPORT.
    cold: report === null ? null : report.initDurationMs !== null || report.restoreDurationMs !== null,
    warm: warmth.warm,
    not_warm_reason: warmth.reason,
    request_id: record.requestId ?? report?.requestId ?? null,
    status,
    error_type: errorType,
    duration_ms: report?.durationMs ?? null,
    billed_ms: report?.billedDurationMs ?? null,
    init_ms: report?.initDurationMs ?? null,
    max_memory_used_mb: report?.maxMemoryUsedMb ?? null,
    workload_ms: numberField(response, 'workloadMs'),
    client_ms: record.clientMs,
    cpu_user_ms: numberField(response, 'cpuUserMs'),
    cpu_system_ms: numberField(response, 'cpuSystemMs'),
    digest_ok: digestOk,
    cost_usd: costUsd,
    started_at: record.startedAt,
    host_oversubscription: record.hostOversubscription ?? null,
    retries: record.retries,
    ...executorColumns(record.executor),
  };
}

/** The columns that say what ran a record's function (invocations.csv and background.csv end with them). */
export function executorColumns(executor: RecordExecutor | null | undefined) {
  return {
    executor: executor?.kind ?? null,
    docker_mode: executor?.dockerMode ?? null,
    image: executor?.image ?? null,
    image_standin: executor?.imageStandin ?? null,
  };
}

/** A cold start's Init Duration: what the Init chart plots, one per invocation that ran INIT. */
export interface InitPoint {
  arch: InvocationRow['arch'];
  memory_mb: number;
  mode: InvocationRow['mode'];
  workers: number;
  init_ms: number;
}

/** A row's point on the Init chart: null unless the invocation ran INIT. */
export function initPointOf(row: Pick<InvocationRow, keyof InitPoint>): InitPoint | null {
  if (row.init_ms === null) return null;
  const { arch, memory_mb, mode, workers, init_ms } = row;
  return { arch, memory_mb, mode, workers, init_ms };
}

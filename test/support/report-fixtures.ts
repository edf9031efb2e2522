/**
 * Shared fixtures for the analyzer tests: the real REPORT lines quoted in harness/lambda/README.md, a builder for records of
 * the shape the runner writes (harness/run/record.ts), and a small RFC 4180 reader to check CSV output.
 */

import type { InvocationRow } from '../../harness/analyze/rows.js';
import type { FailedRecord, InvocationRecord, OkRecord } from '../../harness/run/record.js';
import type { NotWarmReason } from '../../harness/run/warmth.js';
import type { WorkloadResponse } from '../../workloads/handler.js';

/** Verbatim from harness/lambda/README.md "The REPORT line" (tabs, trailing tabs and all). */
export const FACTS_COLD_XRAY =
  'REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 128.83 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\tXRAY TraceId: 1-5d9d007f-0a8c7fd02xmpl480aed55ef0\tSegmentId: 3d752xmpl1bbe37e\tSampled: true';
export const FACTS_COLD_INIT_BILLED =
  'REPORT RequestId: 8d5958b5-559f-43f3-b278-b71dd7dd0e01\tDuration: 2.46 ms\tBilled Duration: 417 ms\tMemory Size: 1024 MB\tMax Memory Used: 95 MB\tInit Duration: 413.61 ms\t';
export const FACTS_TIMEOUT =
  'REPORT RequestId: 13222b1e-f16b-4550-89df-869ab0a9806d\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 1024 MB\tMax Memory Used: 64 MB\tStatus: timeout';
export const FACTS_OOM =
  'REPORT RequestId: 276ff3b9-1609-4ee7-a288-db3752630767\tDuration: 10935.70 ms\tBilled Duration: 10936 ms\tMemory Size: 1024 MB\tMax Memory Used: 1024 MB\tStatus: error\tError Type: Runtime.OutOfMemory';
export const FACTS_SNAPSTART =
  'REPORT RequestId: 8c360c87-d4b7-4423-b5f3-af02be3c1763\tDuration: 2338.66 ms\tBilled Duration: 2521 ms\tMemory Size: 3009 MB\tMax Memory Used: 173 MB\tRestore Duration: 398.97 ms\tBilled Restore Duration: 182 ms\t';
/** harness/lambda/README.md "JSON log format". */
export const FACTS_JSON_REPORT =
  '{"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":"79b5e81f-9cdd-4145-b1f6-7c50ef8a2a36","metrics":{"durationMs":1233.96,"billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},"status":"success"}}';
/** The Runtime Interface Emulator's order: Init Duration first, Max Memory Used = Memory Size. */
export const RIE_REPORT =
  'REPORT RequestId: 2f8f1b33-9c8a-4c7e-9a57-6b1f1c0f2b5d\tInit Duration: 0.51 ms\tDuration: 1203.46 ms\tBilled Duration: 1204 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t';

/** The whole text block of harness/lambda/README.md, as it would appear in a log: START/END/timeout lines included. */
export const FACTS_LOG_BLOCK = [
  'START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST',
  'END RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac',
  FACTS_COLD_XRAY,
  FACTS_COLD_INIT_BILLED,
  FACTS_TIMEOUT,
  FACTS_OOM,
  FACTS_SNAPSTART,
  '2023-04-03T10:41:08.374Z 8bc0262c-2da8-428a-ab5a-86a5f12bcfcc Task timed out after 30.03 seconds',
].join('\n');

/** A text REPORT line in Lambda's format for a made-up invocation. */
export function reportLine(
  requestId: string,
  fields: { durationMs: number; billedMs: number; memoryMb?: number; initMs?: number; status?: string },
): string {
  const parts = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${fields.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${fields.billedMs} ms`,
    `Memory Size: ${fields.memoryMb ?? 1024} MB`,
    'Max Memory Used: 95 MB',
  ];
  if (fields.initMs !== undefined) parts.push(`Init Duration: ${fields.initMs.toFixed(2)} ms`);
  if (fields.status !== undefined) parts.push(`Status: ${fields.status}`);
  return `${parts.join('\t')}\t`;
}

export const DIGEST = 'a3f1c0ffee';

export function workloadResponse(overrides: Partial<WorkloadResponse> = {}): WorkloadResponse {
  return {
    mode: 'sequential',
    algorithm: 'pbkdf2',
    cost: 1000,
    items: 40,
    workers: 1,
    offset: 0,
    digest: DIGEST,
    workloadMs: 100,
    cpuUserMs: 95,
    cpuSystemMs: 2,
    coldStart: false,
    pid: 8,
    pool: null,
    children: null,
    background: null,
    visibleCores: 2,
    availableParallelism: 2,
    memoryLimitMb: 1024,
    cgroupCpuQuota: null,
    nodeVersion: 'v20.20.2',
    arch: 'x64',
    ...overrides,
  };
}

type Cell = Pick<OkRecord, 'mode' | 'workers' | 'memoryMb'>;

export function okRecord(overrides: Partial<OkRecord> & Cell): OkRecord {
  const { mode, workers } = overrides;
  return {
    runId: 'run-1',
    target: 'aws',
    emulated: false,
    cpuEnforced: true,
    hostOversubscription: null,
    retries: 0,
    arch: 'x86_64',
    functionName: 'vcpu-bench-1024',
    items: 40,
    algorithm: 'pbkdf2',
    cost: 1000,
    rep: 0,
    warmup: false,
    request: { mode, workers, items: 40, algorithm: 'pbkdf2', cost: 1000, seed: 's' },
    expectedDigest: DIGEST,
    requestId: null,
    reportLine: null,
    childReportLines: [],
    clientMs: 150,
    startedAt: '2026-01-02T03:04:05.000Z',
    status: 'ok',
    response: workloadResponse({ mode, workers }),
    ...overrides,
  };
}

export function failedRecord(
  overrides: Partial<FailedRecord> & Cell & Pick<FailedRecord, 'status' | 'errorType'>,
): FailedRecord {
  const { status: _status, ...rest } = okRecord({
    mode: overrides.mode,
    workers: overrides.workers,
    memoryMb: overrides.memoryMb,
  });
  return { ...rest, errorMessage: 'failed', response: null, ...overrides };
}

export function jsonl(records: readonly InvocationRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** RFC 4180: fields separated by commas, optionally quoted with "" escaping a quote; CRLF or LF line ends. */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV text as objects keyed by the header row. */
export function readCsvObjects(text: string): Array<Record<string, string>> {
  const [header, ...rows] = readCsv(text);
  if (header === undefined) return [];
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

/**
 * An invocations row as rows.ts makes it: a warm, ok, sequential invocation at 1024 MB unless overridden. `warm` and
 * its reason follow the overrides the way harness/run/warmth.ts decides them, unless they are given too.
 */
export function invocationRow(overrides: Partial<InvocationRow> = {}): InvocationRow {
  const memory = overrides.memory_mb ?? 1024;
  const row: Omit<InvocationRow, 'warm' | 'not_warm_reason'> = {
    run_id: 'run-1',
    target: 'aws',
    emulated: false,
    cpu_enforced: true,
    arch: 'x86_64',
    function_name: `vcpu-bench-${memory}`,
    memory_mb: memory,
    vcpu_share: memory / 1769,
    visible_cores: 2,
    mode: 'sequential',
    workers: 1,
    items: 40,
    algorithm: 'pbkdf2',
    cost: 1000,
    rep: 0,
    warmup: false,
    cold: false,
    request_id: 'req',
    status: 'ok',
    error_type: null,
    duration_ms: 1000,
    billed_ms: 1000,
    init_ms: null,
    max_memory_used_mb: 95,
    workload_ms: 990,
    client_ms: 1040,
    cpu_user_ms: 980,
    cpu_system_ms: 5,
    digest_ok: true,
    cost_usd: 0.00001,
    started_at: '2026-01-02T03:04:05.000Z',
    host_oversubscription: null,
    retries: 0,
    executor: null,
    docker_mode: null,
    image: null,
    image_standin: null,
    ...overrides,
  };
  const reason: NotWarmReason | null = row.warmup
    ? 'warmup'
    : row.status !== 'ok'
      ? 'failed'
      : row.digest_ok === false
        ? 'wrong_digest'
        : row.duration_ms === null
          ? 'no_report'
          : row.cold === true
            ? 'cold_start'
            : null;
  return {
    ...row,
    warm: overrides.warm ?? reason === null,
    not_warm_reason: overrides.not_warm_reason === undefined ? reason : overrides.not_warm_reason,
  };
}

/**
 * The record format of results/<run-id>/invocations.jsonl, with its writer, reader and guard: one measured
 * invocation per line, appended the moment it returns. A discriminated union on `status`: a failing invocation is
 * a record, never an exception that stops a sweep. The analyzer reads what is written here, never the reverse.
 */
import { appendFileSync } from 'node:fs';
import { DOCKER_MODES } from '../../infra/docker/modes.js';
import { EXECUTOR_KINDS, type ExecutorInfo } from '../../infra/emulator/executor.js';
import { isFiniteNumber, isOneOf, isRecord } from '../../lib/guards.js';
import { lineBatches } from '../../lib/lines.js';
import { ALGORITHMS, type Algorithm, MODES, type Mode, type WorkloadEvent } from '../../workloads/event.js';
import { RunDirError } from '../errors.js';
import { ARCHITECTURES, type Architecture } from '../lambda/platform.js';
import { TARGETS, type Target } from '../options/targets.js';

export const INVOCATIONS_FILE = 'invocations.jsonl';

/** The event sent to the function (workloads/event.ts). */
export type InvocationRequest = Pick<WorkloadEvent, 'mode' | 'workers' | 'items' | 'algorithm' | 'cost' | 'seed'>;

/** Which run and function a record belongs to, and where it ran: shared by the sweep's and the experiments' records. */
export interface FunctionRecordBase {
  runId: string;
  target: Target;
  /** True on the local emulator: the figures are measured, but on an emulated Lambda. */
  emulated: boolean;
  /** False when the emulator could not enforce the CPU quota (no writable cgroups): the row ran unthrottled. */
  cpuEnforced: boolean;
  arch: Architecture;
  functionName: string;
  memoryMb: number;
  /**
   * Local emulator only: what ran the function (executor, docker mode, base image, whether that image is the project's
   * stand-in for AWS's). Null on AWS; absent in runs made before it was recorded.
   */
  executor?: RecordExecutor | null;
}

interface RecordBase extends FunctionRecordBase {
  /** Cell coordinates. */
  mode: Mode;
  workers: number;
  items: number;
  algorithm: Algorithm;
  cost: number;
  /** Repetition number within the cell, 0-based; warm-up invocations have their own counter. */
  rep: number;
  warmup: boolean;
  request: InvocationRequest;
  /** The digest every mode must return for this request (computed once per run by the harness). */
  expectedDigest: string | null;
  requestId: string | null;
  /** The REPORT line of this invocation as the target logged it (text, or a JSON `platform.report` record). */
  reportLine: string | null;
  /** For fan_out: the REPORT lines of the child invocations, from the target's logs. */
  childReportLines: string[];
  /**
   * Local emulator only: the peak, while this invocation ran, of the CPU quotas of the running environments (its
   * fan-out children included) summed over the host's cores. Above 1 the host was oversubscribed and the row's timing
   * is suspect. Null on AWS.
   */
  hostOversubscription: number | null;
  /** Wall time the client saw for the Invoke call, its throttling retries and their back-off included. */
  clientMs: number;
  startedAt: string;
  /**
   * Invoke calls the runner repeated because the target throttled them (429 TooManyRequestsException or another
   * throttling error; harness/run/retry.ts). A throttled attempt never ran the function, so it is no measurement;
   * only the attempt that got through (or the last one, when all were throttled) is this record. Null in records
   * written before the field existed (the SDK then retried silently).
   */
  retries: number | null;
}

/** What ran a record's function: the emulator's own description of its executor. */
export type RecordExecutor = ExecutorInfo;

export interface OkRecord extends RecordBase {
  status: 'ok';
  /** The function's response body (workloads/handler.ts WorkloadResponse). */
  response: unknown;
}

export interface FailedRecord extends RecordBase {
  /** error: the function failed or returned a wrong digest; timeout: it ran out of time; throttled: still throttled after every retry. */
  status: 'error' | 'timeout' | 'throttled';
  errorType: string;
  errorMessage: string;
  response: unknown;
}

export type InvocationRecord = OkRecord | FailedRecord;

// ---------- writer ----------

/** Appends one record as one line. Synchronous: the line is on disk (in the page cache) before the next invocation. */
export function appendRecord(file: string, record: InvocationRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

// ---------- guard: a record read back from JSON, checked field by field ----------

/** A record's `status`, in this order (harness/analyze/chunk.ts packs it by index). */
export const INVOCATION_STATUSES = ['ok', 'error', 'timeout', 'throttled'] as const;

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = isFiniteNumber;
const isBoolean: Check = (v) => typeof v === 'boolean';
const isStringOrNull: Check = (v) => v === null || typeof v === 'string';
const oneOf =
  (allowed: readonly string[]): Check =>
  (v) =>
    isOneOf(allowed, v);

/**
 * The fields whose value must be one of a list, with the list: FIELDS checks them with it, and the analyzer's byte
 * reader (harness/analyze/record-bytes.ts), which compares bytes rather than parse a record, reads the lists here.
 */
export const RECORD_ENUMS = {
  target: TARGETS,
  arch: ARCHITECTURES,
  mode: MODES,
  algorithm: ALGORITHMS,
  status: INVOCATION_STATUSES,
} as const;

/** `retries`: absent or null in records written before the field existed, else a whole number of retries. */
export const isRetries: Check = (v) =>
  v === undefined || v === null || (isFiniteNumber(v) && Number.isInteger(v) && v >= 0);

const enumField = (field: keyof typeof RECORD_ENUMS): [string, Check, string] => [
  field,
  oneOf(RECORD_ENUMS[field]),
  `one of ${RECORD_ENUMS[field].join(', ')}`,
];

const FIELDS: Array<[string, Check, string]> = [
  ['runId', isString, 'a string'],
  enumField('target'),
  ['emulated', isBoolean, 'true or false'],
  ['cpuEnforced', isBoolean, 'true or false'],
  enumField('arch'),
  ['functionName', isString, 'a string'],
  ['memoryMb', isNumber, 'a number'],
  enumField('mode'),
  ['workers', isNumber, 'a number'],
  ['items', isNumber, 'a number'],
  enumField('algorithm'),
  ['cost', isNumber, 'a number'],
  ['rep', isNumber, 'a number'],
  ['warmup', isBoolean, 'true or false'],
  ['request', isRecord, 'an object'],
  ['expectedDigest', isStringOrNull, 'a string or null'],
  ['requestId', isStringOrNull, 'a string or null'],
  ['reportLine', isStringOrNull, 'a string or null'],
  ['childReportLines', (v) => Array.isArray(v) && v.every(isString), 'an array of strings'],
  ['clientMs', isNumber, 'a number'],
  ['startedAt', isString, 'a string'],
  enumField('status'),
  // Absent in records written before the field existed: the reader fills in null (see normalizeRecord).
  ['retries', isRetries, 'a whole number'],
];

const FAILED_FIELDS: Array<[string, Check, string]> = [
  ['errorType', isString, 'a string'],
  ['errorMessage', isString, 'a string'],
];

const EXECUTOR_FIELDS: Array<[string, Check, string]> = [
  ['kind', oneOf(EXECUTOR_KINDS), EXECUTOR_KINDS.join(' or ')],
  ['dockerMode', (v) => v === null || isOneOf(DOCKER_MODES, v), `${DOCKER_MODES.join(', ')} or null`],
  ['image', isStringOrNull, 'a string or null'],
  ['imageStandin', (v) => v === null || typeof v === 'boolean', 'true, false or null'],
];

/** Why a record's optional `executor` does not fit, or null when it is absent, null or well formed. */
export function executorProblem(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) return `executor must be an object or null, got ${JSON.stringify(value)}`;
  for (const [field, check, expected] of EXECUTOR_FIELDS) {
    if (!check(value[field])) {
      return `executor.${field} must be ${expected}, got ${JSON.stringify(value[field]) ?? 'nothing'}`;
    }
  }
  return null;
}

/** Why `value` is not an InvocationRecord (the first field that does not fit), or null when it is one. */
export function invocationRecordProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not a JSON object';
  const fields = value.status === 'ok' ? FIELDS : [...FIELDS, ...FAILED_FIELDS];
  for (const [field, check, expected] of fields) {
    if (!check(value[field])) return `${field} must be ${expected}, got ${JSON.stringify(value[field]) ?? 'nothing'}`;
  }
  return executorProblem(value.executor);
}

export function isInvocationRecord(value: unknown): value is InvocationRecord {
  return invocationRecordProblem(value) === null;
}

// ---------- reader ----------

/** Fields added after the first runs were written get their "not known" value, so old run directories still read. */
function normalizeRecord(record: InvocationRecord): InvocationRecord {
  return record.retries === undefined ? { ...record, retries: null } : record;
}

/**
 * The record on one line of invocations.jsonl (normalized); null for a line to skip: a blank one, or an unterminated
 * last line that is not JSON (the runner was killed mid-write); for any other bad line, what is wrong with it.
 */
export function recordOfLine(line: string, unterminated: boolean): InvocationRecord | null | string {
  if (line.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return unterminated ? null : 'not valid JSON';
  }
  if (!isInvocationRecord(value)) return `not an invocation record: ${invocationRecordProblem(value)}`;
  return normalizeRecord(value);
}

/** recordOfLine, a bad line being an error that names the file and the line's number. */
function parseRecordLine(
  line: string,
  lineNumber: number,
  unterminated: boolean,
  source: string,
): InvocationRecord | null {
  const record = recordOfLine(line, unterminated);
  if (typeof record === 'string') throw new RunDirError(`${source}:${lineNumber}: ${record}`);
  return record;
}

/**
 * The records of an invocations.jsonl text. The runner appends a line per invocation and may be killed mid-line,
 * so an unterminated last line that is not JSON is skipped; any other bad line is an error naming its number.
 */
export function parseInvocationsJsonl(text: string, source: string): InvocationRecord[] {
  const lines = text.split('\n');
  const records: InvocationRecord[] = [];
  lines.forEach((line, index) => {
    const record = parseRecordLine(line, index + 1, index === lines.length - 1, source);
    if (record !== null) records.push(record);
  });
  return records;
}

/**
 * The records of an invocations.jsonl file, read batch by batch (lib/lines.ts) so a large run is never held whole;
 * the same lines are skipped and refused as by parseInvocationsJsonl.
 */
export async function* readInvocationsJsonl(file: string): AsyncGenerator<InvocationRecord[]> {
  for await (const batch of lineBatches(file)) {
    const records: InvocationRecord[] = [];
    const last = batch.lines.length - 1;
    batch.lines.forEach((line, i) => {
      const record = parseRecordLine(line, batch.firstLineNumber + i, batch.unterminated && i === last, file);
      if (record !== null) records.push(record);
    });
    yield records;
  }
}

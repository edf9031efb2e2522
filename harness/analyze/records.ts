/**
 * Reading InvocationRecords (harness/run/record.ts) back from JSON: a type guard that names the first field that
 * does not fit, so a bad line in invocations.jsonl is reported as `line 12: memoryMb must be a number`.
 */
import { ALGORITHMS, MODES } from '../../workloads/event.js';
import type { InvocationRecord } from '../run/record.js';
import { ARCHITECTURES } from './cost.js';

const TARGETS = ['local', 'aws'] as const;
const STATUSES = ['ok', 'error', 'timeout', 'throttled'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isBoolean: Check = (v) => typeof v === 'boolean';
const isStringOrNull: Check = (v) => v === null || typeof v === 'string';
const oneOf =
  (allowed: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && allowed.includes(v);

const FIELDS: Array<[string, Check, string]> = [
  ['runId', isString, 'a string'],
  ['target', oneOf(TARGETS), `one of ${TARGETS.join(', ')}`],
  ['emulated', isBoolean, 'true or false'],
  ['cpuEnforced', isBoolean, 'true or false'],
  ['arch', oneOf(ARCHITECTURES), `one of ${ARCHITECTURES.join(', ')}`],
  ['functionName', isString, 'a string'],
  ['memoryMb', isNumber, 'a number'],
  ['mode', oneOf(MODES), `one of ${MODES.join(', ')}`],
  ['workers', isNumber, 'a number'],
  ['items', isNumber, 'a number'],
  ['algorithm', oneOf(ALGORITHMS), `one of ${ALGORITHMS.join(', ')}`],
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
  ['status', oneOf(STATUSES), `one of ${STATUSES.join(', ')}`],
];

const FAILED_FIELDS: Array<[string, Check, string]> = [
  ['errorType', isString, 'a string'],
  ['errorMessage', isString, 'a string'],
];

/** Why `value` is not an InvocationRecord (the first field that does not fit), or null when it is one. */
export function invocationRecordProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not a JSON object';
  const fields = value.status === 'ok' ? FIELDS : [...FIELDS, ...FAILED_FIELDS];
  for (const [field, check, expected] of fields) {
    if (!check(value[field])) return `${field} must be ${expected}, got ${JSON.stringify(value[field]) ?? 'nothing'}`;
  }
  return null;
}

export function isInvocationRecord(value: unknown): value is InvocationRecord {
  return invocationRecordProblem(value) === null;
}

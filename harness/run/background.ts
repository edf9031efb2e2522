/**
 * The run step of `experiment background`: pairs of invocations on one function, the first starting work it does not
 * await, the second, `--gap-ms` later (after reclaiming the function's environments, in the reclaim cells),
 * collecting what that work did; then the same work awaited, the baseline. One record per pair is appended to
 * background.jsonl the moment the pair is done, with every call as it came back. Nothing here classifies: the
 * analyzer reads the records (harness/analyze/background.ts).
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { isFiniteNumber, isOneOf, isRecord } from '../../lib/guards.js';
import { AWAITED_MODE, BACKGROUND_KINDS, type BackgroundKind } from '../../workloads/event.js';
import { reclaimEnvironments } from '../deploy/reclaim.js';
import { RunDirError } from '../errors.js';
import { ARCHITECTURES } from '../lambda/platform.js';
import { type BackgroundOptions, TARGETS } from '../options.js';
import type { BackgroundCell } from '../plan/background.js';
import type { TargetSession } from '../target/target.js';
import { type InvokeOutcome, invokeOnce } from './invoke.js';
import { executorProblem, type FunctionRecordBase } from './record.js';

export const BACKGROUND_RECORDS_FILE = 'background.jsonl';

/** One Invoke call as it came back. */
export interface RecordedCall {
  requestId: string | null;
  startedAt: string;
  clientMs: number;
  functionError: string | null;
  /** The REPORT line from the log tail (text or JSON format); null when there was none. */
  reportLine: string | null;
  /** Why the call itself failed (throttled after retries, network); null when it reached the function. */
  callError: string | null;
  /** Local emulator only: the host's oversubscription while the call ran (see InvocationRecord). */
  hostOversubscription: number | null;
  /** The response body: the function's result or Lambda's error document. */
  body: unknown;
}

export interface BackgroundPairRecord extends FunctionRecordBase {
  kind: BackgroundKind;
  workers: number;
  items: number;
  algorithm: string;
  cost: number;
  seed: string;
  gapMs: number;
  reclaim: boolean;
  /** Pair number within the cell, 0-based. */
  pair: number;
  /** The digest the work must have (computed by the harness, the same for every mode). */
  expectedDigest: string;
  /** The invocation that started the work and returned without awaiting it. */
  start: RecordedCall;
  /** The invocation that collected it, `gapMs` (or more) after the start returned. */
  collect: RecordedCall;
  /** The same work awaited, right after the collect: the baseline. */
  awaited: RecordedCall;
  /** Harness clock: from the start's response arriving to the collect being sent (the reclaim, if any, inside). */
  gapClientMs: number;
  /** How long reclaiming the environments took; null when not reclaimed. */
  reclaimMs: number | null;
}

function recorded(outcome: InvokeOutcome): RecordedCall {
  return {
    requestId: outcome.requestId,
    startedAt: outcome.startedAt,
    clientMs: Math.round(outcome.clientMs * 1000) / 1000,
    functionError: outcome.functionError,
    reportLine: outcome.reportLine,
    callError: outcome.callError ? `${outcome.callError.name}: ${outcome.callError.message}` : null,
    hostOversubscription: outcome.hostOversubscription,
    body: outcome.body,
  };
}

export interface BackgroundRunInput {
  session: TargetSession;
  options: BackgroundOptions;
  cells: BackgroundCell[];
  /** background.jsonl of the run. */
  file: string;
  expectedDigest: string;
  signal?: AbortSignal;
  onPair?: (record: BackgroundPairRecord, done: number, total: number) => void;
}

export interface BackgroundRunResult {
  records: BackgroundPairRecord[];
  interrupted: boolean;
}

function events(o: BackgroundOptions, kind: BackgroundKind) {
  const work = { workers: o.workers, items: o.items, algorithm: o.algorithm, cost: o.cost, seed: o.seed };
  return {
    start: { ...work, mode: 'background', background: kind },
    collect: { ...work, mode: 'background', background: kind, collect: true },
    awaited: { ...work, mode: AWAITED_MODE[kind] },
  };
}

/** Start, wait (reclaiming the environments first in a reclaim cell), collect, then the awaited baseline. */
async function runPair(input: BackgroundRunInput, cell: BackgroundCell, pair: number): Promise<BackgroundPairRecord> {
  const { session, options: o } = input;
  const calls = events(o, cell.kind);
  const start = await invokeOnce(session, cell.functionName, calls.start);
  const returned = performance.now();
  let reclaimMs: number | null = null;
  if (cell.reclaim) {
    await reclaimEnvironments(session, cell.functionName);
    reclaimMs = performance.now() - returned;
  }
  // The gap, not an interrupt, decides when the collect goes: an interrupt is honoured after the pair.
  // A timer may fire a fraction of a millisecond early: wait until the gap has really passed.
  for (let waitMs = cell.gapMs; waitMs > 0; waitMs = cell.gapMs - (performance.now() - returned)) {
    await delay(waitMs);
  }
  const gapClientMs = performance.now() - returned;
  const collect = await invokeOnce(session, cell.functionName, calls.collect);
  // After a reclaim the collect ran in a new environment: one unrecorded call warms it (JIT, pool threads) so the
  // baseline, and the next pair's start, find it as warm as without a reclaim.
  if (cell.reclaim) await invokeOnce(session, cell.functionName, calls.awaited);
  const awaited = await invokeOnce(session, cell.functionName, calls.awaited);
  return {
    runId: o.runId,
    target: session.kind,
    emulated: session.emulated,
    cpuEnforced: session.cpuEnforced,
    arch: cell.arch,
    functionName: cell.functionName,
    memoryMb: cell.memoryMb,
    kind: cell.kind,
    workers: o.workers,
    items: o.items,
    algorithm: o.algorithm,
    cost: o.cost,
    seed: o.seed,
    gapMs: cell.gapMs,
    reclaim: cell.reclaim,
    pair,
    expectedDigest: input.expectedDigest,
    start: recorded(start),
    collect: recorded(collect),
    awaited: recorded(awaited),
    gapClientMs: Math.round(gapClientMs * 1000) / 1000,
    reclaimMs: reclaimMs === null ? null : Math.round(reclaimMs * 1000) / 1000,
    executor: session.executor,
  };
}

/**
 * Every cell's pairs, one at a time: a pair's two invocations must reach the same function undisturbed, and on the
 * local target its CPU must not be shared. Before the first pair of a function and kind, one unrecorded awaited call
 * warms the environment and creates the kind's pool, as a warm invocation on Lambda finds them.
 */
export async function runBackgroundPairs(input: BackgroundRunInput): Promise<BackgroundRunResult> {
  const { options: o, cells, signal } = input;
  const records: BackgroundPairRecord[] = [];
  const total = cells.length * o.pairs;
  const warmed = new Set<string>();
  for (const cell of cells) {
    const key = `${cell.functionName}/${cell.kind}`;
    if (!warmed.has(key)) {
      warmed.add(key);
      await invokeOnce(input.session, cell.functionName, events(o, cell.kind).awaited);
    }
    for (let pair = 0; pair < o.pairs; pair++) {
      if (signal?.aborted) return { records, interrupted: true };
      const record = await runPair(input, cell, pair);
      appendFileSync(input.file, `${JSON.stringify(record)}\n`);
      records.push(record);
      input.onPair?.(record, records.length, total);
    }
  }
  return { records, interrupted: signal?.aborted === true };
}

// ---------- reader: background.jsonl, every field checked ----------

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isStringOrNull: Check = (v) => v === null || typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
const isNumberOrNull: Check = (v) => v === null || isFiniteNumber(v);

const CALL_FIELDS: Array<[string, Check]> = [
  ['requestId', isStringOrNull],
  ['startedAt', isString],
  ['clientMs', isFiniteNumber],
  ['functionError', isStringOrNull],
  ['reportLine', isStringOrNull],
  ['callError', isStringOrNull],
  ['hostOversubscription', isNumberOrNull],
];

const isCall: Check = (v) => isRecord(v) && 'body' in v && CALL_FIELDS.every(([field, check]) => check(v[field]));

const PAIR_FIELDS: Array<[string, Check]> = [
  ['runId', isString],
  ['target', (v) => isOneOf(TARGETS, v)],
  ['emulated', isBoolean],
  ['cpuEnforced', isBoolean],
  ['arch', (v) => isOneOf(ARCHITECTURES, v)],
  ['functionName', isString],
  ['memoryMb', isFiniteNumber],
  ['kind', (v) => isOneOf(BACKGROUND_KINDS, v)],
  ['workers', isFiniteNumber],
  ['items', isFiniteNumber],
  ['algorithm', isString],
  ['cost', isFiniteNumber],
  ['seed', isString],
  ['gapMs', isFiniteNumber],
  ['reclaim', isBoolean],
  ['pair', isFiniteNumber],
  ['expectedDigest', isString],
  ['start', isCall],
  ['collect', isCall],
  ['awaited', isCall],
  ['gapClientMs', isFiniteNumber],
  ['reclaimMs', isNumberOrNull],
];

/** The first field of `value` that is not as a BackgroundPairRecord has it, or null when it is one. */
export function backgroundRecordProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not a JSON object';
  for (const [field, check] of PAIR_FIELDS) {
    if (!check(value[field])) return `${field} is missing or malformed: ${JSON.stringify(value[field])?.slice(0, 80)}`;
  }
  return executorProblem(value.executor);
}

export function isBackgroundRecord(value: unknown): value is BackgroundPairRecord {
  return backgroundRecordProblem(value) === null;
}

/** The records of a background.jsonl text; a last line cut off by a kill is skipped, any other bad line refused. */
export function parseBackgroundJsonl(text: string, source: string): BackgroundPairRecord[] {
  const lines = text.split('\n');
  const records: BackgroundPairRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (index === lines.length - 1) return;
      throw new RunDirError(`${source}:${index + 1}: not valid JSON`);
    }
    if (!isBackgroundRecord(value)) {
      throw new RunDirError(`${source}:${index + 1}: not a background pair record: ${backgroundRecordProblem(value)}`);
    }
    records.push(value);
  });
  return records;
}

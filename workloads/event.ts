/**
 * The workload event: what one invocation is asked to do, validated once, up front.
 * A bad event is refused with a message naming the field and its allowed values; nothing is silently defaulted
 * except `cost` (documented per algorithm) and `offset` (0).
 */

import { isRecord } from '../lib/guards.js';

/** The modes a sweep measures: each hashes the items and returns once they are done. */
export const MODES = ['sequential', 'worker_threads', 'child_process', 'fan_out'] as const;
export type Mode = (typeof MODES)[number];

/**
 * Every mode the function takes: the sweep's, plus `background`, which starts the work without awaiting it (the
 * background experiment, workloads/background.ts).
 */
export const WORKLOAD_MODES = [...MODES, 'background'] as const;
export type WorkloadMode = (typeof WORKLOAD_MODES)[number];

/** How `background` leaves its work running: a thread pool, an unawaited promise, a timer, or forked processes. */
export const BACKGROUND_KINDS = ['worker_threads', 'promise', 'timer', 'child_process'] as const;
export type BackgroundKind = (typeof BACKGROUND_KINDS)[number];

/** The same work awaited: the mode that does what each kind does, but returns only once it is done. */
export const AWAITED_MODE: Readonly<Record<BackgroundKind, Mode>> = {
  worker_threads: 'worker_threads',
  promise: 'sequential',
  timer: 'sequential',
  child_process: 'child_process',
};

export const ALGORITHMS = ['bcrypt', 'pbkdf2'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const MAX_WORKERS = 64;
export const MAX_ITEMS = 100_000;
/** `background` returns a timestamp per item in the next invocation's response: this keeps it far below 6 MB. */
export const MAX_BACKGROUND_ITEMS = 10_000;

/** Sane cost ranges: bcrypt rounds as bcryptjs accepts them (16 is ~5 s per hash); pbkdf2 iterations. */
export const COST_RANGE: Record<Algorithm, { min: number; max: number; default: number; unit: string }> = {
  bcrypt: { min: 4, max: 16, default: 10, unit: 'rounds' },
  // 100,000 iterations is the published Python experiment's setting, so results compare.
  pbkdf2: { min: 1, max: 10_000_000, default: 100_000, unit: 'iterations' },
};

/** What a `background` invocation does: start `items` of `kind` without awaiting them, or collect earlier ones. */
export interface BackgroundSpec {
  kind: BackgroundKind;
  /**
   * False: start the items and return at once. True: start nothing; wait for the work earlier invocations left in
   * this environment to finish (within the time left) and report it.
   */
  collect: boolean;
}

export interface WorkloadEvent {
  mode: WorkloadMode;
  workers: number;
  items: number;
  algorithm: Algorithm;
  cost: number;
  seed: string;
  /** Index of the first item: a fan-out child hashes items [offset, offset + items) of the same seed. */
  offset: number;
  /** Mode `background` only; null in every other mode. */
  background: BackgroundSpec | null;
}

export class EventError extends Error {
  override name = 'EventError';
}

const KNOWN_FIELDS = new Set([
  'mode',
  'workers',
  'items',
  'algorithm',
  'cost',
  'seed',
  'offset',
  'background',
  'collect',
]);

function integerField(raw: Record<string, unknown>, field: string, min: number, max: number): number {
  const value = raw[field];
  if (value === undefined) throw new EventError(`event.${field} is missing: must be an integer from ${min} to ${max}`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new EventError(`event.${field} ${JSON.stringify(value)}: must be an integer from ${min} to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(raw: Record<string, unknown>, field: string, allowed: readonly T[]): T {
  const value = raw[field];
  if (value === undefined) throw new EventError(`event.${field} is missing: must be one of ${allowed.join(', ')}`);
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new EventError(`event.${field} ${JSON.stringify(value)}: must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function parseEvent(raw: unknown): WorkloadEvent {
  if (!isRecord(raw)) {
    throw new EventError(
      `event must be an object { mode, workers, items, algorithm, cost, seed }; mode: one of ${WORKLOAD_MODES.join(', ')}`,
    );
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key)) {
      throw new EventError(`event.${key} is not a known field: allowed fields are ${[...KNOWN_FIELDS].join(', ')}`);
    }
  }
  const mode = oneOf(raw, 'mode', WORKLOAD_MODES);
  const algorithm = oneOf(raw, 'algorithm', ALGORITHMS);
  const workers = integerField(raw, 'workers', 1, MAX_WORKERS);
  const items = integerField(raw, 'items', 1, mode === 'background' ? MAX_BACKGROUND_ITEMS : MAX_ITEMS);
  const background = backgroundSpec(raw, mode);
  const range = COST_RANGE[algorithm];
  const cost = raw.cost === undefined ? range.default : integerField(raw, 'cost', range.min, range.max);
  const seed = raw.seed;
  if (seed === undefined) throw new EventError('event.seed is missing: must be a non-empty string or an integer');
  if (!((typeof seed === 'string' && seed.length > 0) || (typeof seed === 'number' && Number.isInteger(seed)))) {
    throw new EventError(`event.seed ${JSON.stringify(seed)}: must be a non-empty string or an integer`);
  }
  const offset = raw.offset === undefined ? 0 : integerField(raw, 'offset', 0, MAX_ITEMS);
  return { mode, workers, items, algorithm, cost, seed: String(seed), offset, background };
}

/** `background` and `collect`: required and optional in mode background, refused in every other mode. */
function backgroundSpec(raw: Record<string, unknown>, mode: WorkloadMode): BackgroundSpec | null {
  if (mode !== 'background') {
    for (const field of ['background', 'collect']) {
      if (raw[field] !== undefined) {
        throw new EventError(`event.${field} ${JSON.stringify(raw[field])}: only with mode background`);
      }
    }
    return null;
  }
  const kind = oneOf(raw, 'background', BACKGROUND_KINDS);
  const collect = raw.collect === undefined ? false : raw.collect;
  if (typeof collect !== 'boolean') {
    throw new EventError(`event.collect ${JSON.stringify(collect)}: must be true or false`);
  }
  return { kind, collect };
}

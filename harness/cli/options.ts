/**
 * Sweep options: every flag a sweep command takes, validated once, up front, into one typed and defaulted object.
 * Values come from the command line, then from `--config file.json`, then from DEFAULTS, in that order of precedence.
 * Anything invalid is a ConfigError naming the flag and what it allows; nothing here writes to disk.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  ALGORITHMS,
  type Algorithm,
  COST_RANGE,
  MAX_ITEMS,
  MAX_WORKERS,
  MODES,
  type Mode,
} from '../../workloads/event.js';
import { ARCHITECTURES, type Architecture } from '../analyze/cost.js';
import { DEFAULT_RESULTS_DIR } from '../paths.js';
import { readConfigFile } from './config-file.js';
import { ConfigError } from './errors.js';
import {
  type IntegerRule,
  integerRuleText,
  parseChoice,
  parseChoiceList,
  parseDecimal,
  parseInteger,
  parseIntegerList,
} from './list-syntax.js';

export const TARGETS = ['local', 'aws'] as const;
export type Target = (typeof TARGETS)[number];

export interface SweepOptions {
  target: 'local' | 'aws';
  region: string;
  profile: string | null;
  endpointUrl: string | null;
  memoryMb: number[];
  arch: Architecture[];
  modes: Mode[];
  workers: number[];
  algorithm: Algorithm;
  items: number;
  cost: number;
  seed: string;
  out: string;
  runId: string;
  prefix: string;
  minReps: number;
  maxReps: number;
  ciPct: number;
  warmup: number;
  concurrency: number;
  timeoutS: number;
  maxCostUsd: number;
  yes: boolean;
}

export interface SweepDefaults {
  target: Target;
  region: string;
  profile: string | null;
  endpointUrl: string | null;
  memoryMb: readonly number[];
  arch: readonly Architecture[];
  modes: readonly Mode[];
  workers: readonly number[];
  algorithm: Algorithm;
  items: number;
  /** Per algorithm, so `--algorithm pbkdf2` alone gets a pbkdf2-sized cost. */
  cost: Readonly<Record<Algorithm, number>>;
  seed: string;
  out: string;
  /** Called once per resolution: every sweep gets its own run id unless --run-id names one. */
  runId: () => string;
  prefix: string;
  minReps: number;
  maxReps: number;
  ciPct: number;
  warmup: number;
  /** Per target: the local emulator runs one cell at a time; AWS takes concurrent invocations. */
  concurrency: Readonly<Record<Target, number>>;
  timeoutS: number;
  maxCostUsd: number;
  yes: boolean;
}

/** A run id such as `20261125-131500-a1b2`: UTC time to the second, sortable, plus a random suffix against clashes. */
export function newRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  const date = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
  const time = `${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}

/** Every default, in one place. */
export const DEFAULTS: SweepDefaults = {
  target: 'local',
  region: 'us-east-1',
  profile: null,
  endpointUrl: null,
  // Both sides of 1 vCPU (1,769 MB) and of the 2 -> 3 visible-cores step at 3,009 MB (LAMBDA_FACTS.md).
  memoryMb: [256, 512, 1024, 1769, 2654, 3538],
  arch: ['x86_64'],
  modes: MODES,
  workers: [1, 2],
  algorithm: 'bcrypt',
  items: 4,
  // bcrypt 7 rounds keeps the default sweep (npm run bench) under 5 minutes on 2 cores; pbkdf2 uses the published experiment's 100,000 iterations.
  cost: { bcrypt: 7, pbkdf2: COST_RANGE.pbkdf2.default },
  seed: 'vcpu-bench',
  out: DEFAULT_RESULTS_DIR,
  runId: () => newRunId(),
  prefix: 'vcpu-bench',
  minReps: 5,
  maxReps: 30,
  ciPct: 2,
  warmup: 1,
  concurrency: { local: 1, aws: 10 },
  timeoutS: 300,
  maxCostUsd: 1,
  yes: false,
};

/** The flags a sweep takes, as written on the command line and as keys of a --config file. */
export const SWEEP_FLAGS = [
  'target',
  'region',
  'profile',
  'endpoint-url',
  'memory',
  'arch',
  'modes',
  'workers',
  'algorithm',
  'items',
  'cost',
  'seed',
  'out',
  'run-id',
  'prefix',
  'min-reps',
  'max-reps',
  'ci',
  'warmup',
  'concurrency',
  'timeout',
  'max-cost-usd',
  'yes',
] as const;
export type SweepFlag = (typeof SWEEP_FLAGS)[number];

// Limits, exported so --help quotes the same numbers the validation enforces.
/** LAMBDA_FACTS.md "Memory and CPU": 128 to 10,240 MB in 1 MB steps. */
export const MEMORY_RULE: IntegerRule = {
  min: 128,
  max: 10_240,
  unit: 'MB',
  stepRequired: true,
  rangeExample: '1024-3072:512',
};
export const WORKERS_RULE: IntegerRule = { min: 1, max: MAX_WORKERS, rangeExample: '1-8:1' };
export const ITEMS_RULE: IntegerRule = { min: 1, max: MAX_ITEMS };
export const REPS_RULE: IntegerRule = { min: 1, max: 1000 };
export const WARMUP_RULE: IntegerRule = { min: 0, max: 100 };
/** 1,000 is the default account concurrency limit. */
export const CONCURRENCY_RULE: IntegerRule = { min: 1, max: 1000 };
/** LAMBDA_FACTS.md: the function timeout is at most 900 s. */
export const TIMEOUT_RULE: IntegerRule = { min: 1, max: 900, unit: 's' };
export const CI_PCT_RANGE = { min: 0.1, max: 100 } as const;
export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]+$/;
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** Lambda function names: letters, digits, `-`, `_`, at most 64 characters; ours are `<prefix>-<arch>-<memory>`. */
export const FUNCTION_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const MAX_FUNCTION_NAME_LENGTH = 64;
export const MAX_PREFIX_LENGTH =
  MAX_FUNCTION_NAME_LENGTH -
  `-${ARCHITECTURES.reduce((a, b) => (b.length > a.length ? b : a))}-${MEMORY_RULE.max}`.length;

export function functionName(prefix: string, arch: Architecture, memoryMb: number): string {
  return `${prefix}-${arch}-${memoryMb}`;
}

/** How a value is quoted back in a message: the text the user wrote, or the JSON a config held. */
function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(display).join(',');
  return JSON.stringify(value) ?? String(value);
}

/** A one-value flag's text. A repeated flag (yargs gives an array) or a config array is refused, not guessed at. */
function scalarText(flag: string, value: unknown, rule: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) throw new ConfigError(`${flag} ${display(value)}: takes one value; it ${rule}`);
  throw new ConfigError(`${flag} ${display(value)}: ${rule}`);
}

/** A list flag's text: a string, a number, or an array of them (a config array, or a flag given several times). */
function listText(flag: string, value: unknown, rule: string): string {
  if (!Array.isArray(value)) return scalarText(flag, value, rule);
  for (const item of value) {
    if (typeof item !== 'string' && !(typeof item === 'number' && Number.isFinite(item))) {
      throw new ConfigError(`${flag} ${display(item)}: ${rule}`);
    }
  }
  return value.map(String).join(',');
}

type Parse<T> = (flag: string, value: unknown) => T;

const integer =
  (rule: IntegerRule): Parse<number> =>
  (flag, value) =>
    parseInteger(flag, scalarText(flag, value, integerRuleText(rule)), rule);

const integerList =
  (rule: IntegerRule): Parse<number[]> =>
  (flag, value) =>
    parseIntegerList(flag, listText(flag, value, integerRuleText(rule)), rule);

const choice =
  <T extends string>(allowed: readonly T[]): Parse<T> =>
  (flag, value) =>
    parseChoice(flag, scalarText(flag, value, `must be one of ${allowed.join(', ')}`), allowed);

const choiceList =
  <T extends string>(allowed: readonly T[]): Parse<T[]> =>
  (flag, value) =>
    parseChoiceList(flag, listText(flag, value, `must be one of ${allowed.join(', ')}`), allowed);

const matching =
  (pattern: RegExp, rule: string): Parse<string> =>
  (flag, value) => {
    const text = scalarText(flag, value, rule);
    if (!pattern.test(text)) throw new ConfigError(`${flag} ${text}: ${rule}`);
    return text;
  };

const nonEmpty =
  (rule: string): Parse<string> =>
  (flag, value) => {
    const text = scalarText(flag, value, rule);
    if (text.trim() === '') throw new ConfigError(`${flag} ${text}: ${rule}`);
    return text;
  };

const boolean: Parse<boolean> = (flag, value) => {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(`${flag} ${display(value)}: must be true or false`);
};

/** `null` in a config file means "none" for the flags whose default is none. */
const orNone =
  (parse: Parse<string>): Parse<string | null> =>
  (flag, value) =>
    value === null ? null : parse(flag, value);

const endpointUrl: Parse<string> = (flag, value) => {
  const rule = 'must be an http:// or https:// URL, e.g. http://localhost:4566';
  const text = scalarText(flag, value, rule);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${flag} ${text}: ${rule}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${flag} ${text}: ${rule}`);
  return text;
};

const runId: Parse<string> = (flag, value) => {
  const text = matching(RUN_ID_PATTERN, 'must match [A-Za-z0-9._-]+')(flag, value);
  // `.` and `..` match the pattern but would put results outside their own directory.
  if (text === '.' || text === '..') throw new ConfigError(`${flag} ${text}: must not be . or ..`);
  return text;
};

const prefix: Parse<string> = (flag, value) => {
  const rule = `must match [A-Za-z0-9_-]+, at most ${MAX_PREFIX_LENGTH} characters (function names are <prefix>-<arch>-<memory>, at most ${MAX_FUNCTION_NAME_LENGTH})`;
  const text = matching(FUNCTION_NAME_PATTERN, rule)(flag, value);
  if (text.length > MAX_PREFIX_LENGTH) throw new ConfigError(`${flag} ${text}: ${rule}`);
  return text;
};

const decimal =
  (min: number, max: number, rule: string): Parse<number> =>
  (flag, value) =>
    parseDecimal(flag, scalarText(flag, value, rule), min, max, rule);

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** yargs puts each flag under its own name and its camelCase alias; programmatic callers may use either. */
function fromArgv(argv: Record<string, unknown>, flag: string): unknown {
  return argv[flag] !== undefined ? argv[flag] : argv[camelCase(flag)];
}

/**
 * Resolve a sweep's options from parsed arguments (yargs argv, or any object keyed by flag name or its camelCase
 * form). Keys that are not sweep flags are ignored, so a command's own flags can share the object.
 */
export function resolveSweepOptions(argv: Record<string, unknown>): SweepOptions {
  const configValue = fromArgv(argv, 'config');
  const configPath =
    configValue === undefined ? null : nonEmpty('must be the path of a JSON file')('--config', configValue);
  const config = configPath === null ? {} : readConfigFile(configPath, SWEEP_FLAGS);
  const given = new Set<SweepFlag>();

  function take<T>(flag: SweepFlag, parse: Parse<T>, fallback: () => T): T {
    const onCommandLine = fromArgv(argv, flag);
    const fromConfig = onCommandLine === undefined && Object.hasOwn(config, flag);
    const value = fromConfig ? config[flag] : onCommandLine;
    if (value === undefined) return fallback();
    given.add(flag);
    try {
      return parse(`--${flag}`, value);
    } catch (error: unknown) {
      // Say where a bad value came from when it was not typed on this command line.
      if (fromConfig && error instanceof ConfigError) {
        throw new ConfigError(`${error.message} (from --config ${configPath})`, { cause: error });
      }
      throw error;
    }
  }

  const target = take('target', choice(TARGETS), () => DEFAULTS.target);
  const region = take(
    'region',
    matching(REGION_PATTERN, 'must be a region name like us-east-1'),
    () => DEFAULTS.region,
  );
  const profile = take(
    'profile',
    orNone(nonEmpty('must be a profile name from ~/.aws/config')),
    () => DEFAULTS.profile,
  );
  const endpoint = take('endpoint-url', orNone(endpointUrl), () => DEFAULTS.endpointUrl);
  const memoryMb = take('memory', integerList(MEMORY_RULE), () => [...DEFAULTS.memoryMb]);
  const arch = take('arch', choiceList(ARCHITECTURES), () => [...DEFAULTS.arch]);
  const modes = take('modes', choiceList(MODES), () => [...DEFAULTS.modes]);
  const workers = take('workers', integerList(WORKERS_RULE), () => [...DEFAULTS.workers]);
  const algorithm = take('algorithm', choice(ALGORITHMS), () => DEFAULTS.algorithm);
  const items = take('items', integer(ITEMS_RULE), () => DEFAULTS.items);
  const range = COST_RANGE[algorithm];
  const cost = take('cost', integer({ min: range.min, max: range.max, unit: `${algorithm} ${range.unit}` }), () => {
    return DEFAULTS.cost[algorithm];
  });
  const seed = take('seed', nonEmpty('must be a non-empty string'), () => DEFAULTS.seed);
  const out = take('out', nonEmpty('must be a directory path'), () => DEFAULTS.out);
  const id = take('run-id', runId, DEFAULTS.runId);
  const functionPrefix = take('prefix', prefix, () => DEFAULTS.prefix);
  const minReps = take('min-reps', integer(REPS_RULE), () => DEFAULTS.minReps);
  const maxReps = take('max-reps', integer(REPS_RULE), () => DEFAULTS.maxReps);
  const ciPct = take(
    'ci',
    decimal(CI_PCT_RANGE.min, CI_PCT_RANGE.max, `must be a number from ${CI_PCT_RANGE.min} to ${CI_PCT_RANGE.max} (%)`),
    () => DEFAULTS.ciPct,
  );
  const warmup = take('warmup', integer(WARMUP_RULE), () => DEFAULTS.warmup);
  const concurrency = take('concurrency', integer(CONCURRENCY_RULE), () => DEFAULTS.concurrency[target]);
  const timeoutS = take('timeout', integer(TIMEOUT_RULE), () => DEFAULTS.timeoutS);
  const maxCostUsd = take(
    'max-cost-usd',
    decimal(0, Number.MAX_SAFE_INTEGER, 'must be a number of at least 0 (USD)'),
    () => DEFAULTS.maxCostUsd,
  );
  const yes = take('yes', boolean, () => DEFAULTS.yes);

  if (minReps > maxReps) {
    const note = (flag: SweepFlag) => (given.has(flag) ? '' : ' (default)');
    throw new ConfigError(`--min-reps ${minReps}${note('min-reps')} is above --max-reps ${maxReps}${note('max-reps')}`);
  }

  return {
    target,
    region,
    profile,
    endpointUrl: endpoint,
    memoryMb,
    arch,
    modes,
    workers,
    algorithm,
    items,
    cost,
    seed,
    out: path.resolve(out),
    runId: id,
    prefix: functionPrefix,
    minReps,
    maxReps,
    ciPct,
    warmup,
    concurrency,
    timeoutS,
    maxCostUsd,
    yes,
  };
}

/**
 * Sweep options: every flag a sweep command takes, in ONE descriptor table from which the yargs flags (cli/), the
 * config-file keys, the defaults, the help text and the validation are all derived. Values come from the command
 * line, then from `--config file.json`, then from each option's default, in that order of precedence. Anything
 * invalid is a ConfigError naming the flag and what it allows; nothing here writes to disk.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DOCKER_MODES, type DockerMode, IMAGE_REFERENCE_PATTERN } from '../infra/docker/modes.js';
import { EMULATOR_DEFAULTS } from '../infra/emulator/defaults.js';
import { EXECUTOR_KINDS, type ExecutorKind } from '../infra/emulator/executor.js';
import { FAULT_NAMES, FAULT_RULES, type FaultSpec, NO_FAULTS, parseFaults } from '../infra/emulator/faults.js';
import {
  ALGORITHMS,
  type Algorithm,
  BACKGROUND_KINDS,
  type BackgroundKind,
  COST_RANGE,
  MAX_BACKGROUND_ITEMS,
  MAX_ITEMS,
  MAX_WORKERS,
  MODES,
  type Mode,
} from '../workloads/event.js';
import { ConfigError } from './errors.js';
import {
  ARCHITECTURES,
  type Architecture,
  DEFAULT_ACCOUNT_CONCURRENCY,
  FUNCTION_NAME_PATTERN,
  INIT_BOOST_VCPUS,
  INIT_CPU_MODES,
  type InitCpuMode,
  MAX_FUNCTION_NAME_LENGTH,
  MB_PER_VCPU,
  MEMORY_MB,
  memoryForVcpus,
  ROLE_ARN_MODEL_PATTERN,
  TIMEOUT_S,
} from './lambda/platform.js';
import { readConfigFile } from './options/config-file.js';
import {
  type IntegerRule,
  integerRuleText,
  parseChoice,
  parseChoiceList,
  parseDecimal,
  parseInteger,
  parseIntegerList,
} from './options/list-syntax.js';
import { TARGETS, type Target } from './options/targets.js';
import { DEFAULT_RESULTS_DIR } from './paths.js';
import { newSeed } from './statistics/random.js';

export { TARGETS, type Target };

export interface SweepOptions {
  target: Target;
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
  maxRetries: number;
  timeoutS: number;
  /** The seed of the order cells are measured in on the local target (recorded, so a run can be replayed). */
  shuffleSeed: number;
  /** How the local emulator gives INIT its CPU (harness/lambda/README.md "INIT"). */
  initCpu: InitCpuMode;
  /** How the embedded emulator runs each execution environment: a process, or a container (infra/docker). */
  executor: ExecutorKind;
  /** With the docker executor: the emulator's Runtime API, or the image's Runtime Interface Emulator. */
  dockerMode: DockerMode;
  /** With the docker executor: the Lambda base image; null for AWS's when present here, else the stand-in. */
  image: string | null;
  maxCostUsd: number;
  yes: boolean;
}

/** The options that say where a command runs: the subset `analyze --cloudwatch` and `cleanup` take. */
export type TargetOptions = Pick<SweepOptions, 'target' | 'region' | 'profile' | 'endpointUrl'>;

/** A run id such as `20261125-131500-a1b2`: UTC time to the second, sortable, plus a random suffix against clashes. */
export function newRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  const date = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
  const time = `${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}

// ---------- rules, exported so help texts and tests quote the numbers the validation enforces ----------

export const MEMORY_RULE: IntegerRule = {
  min: MEMORY_MB.min,
  max: MEMORY_MB.max,
  unit: 'MB',
  stepRequired: true,
  rangeExample: '1024-3072:512',
};
export const WORKERS_RULE: IntegerRule = { min: 1, max: MAX_WORKERS, rangeExample: '1-8:1' };
export const ITEMS_RULE: IntegerRule = { min: 1, max: MAX_ITEMS };
export const REPS_RULE: IntegerRule = { min: 1, max: 1000 };
export const WARMUP_RULE: IntegerRule = { min: 0, max: 100 };
export const CONCURRENCY_RULE: IntegerRule = { min: 1, max: DEFAULT_ACCOUNT_CONCURRENCY };
export const TIMEOUT_RULE: IntegerRule = { min: TIMEOUT_S.min, max: TIMEOUT_S.max, unit: 's' };
export const MAX_RETRIES_RULE: IntegerRule = { min: 0, max: 20 };
export const LOGS_WAIT_RULE: IntegerRule = { min: 0, max: 3600, unit: 's' };
export const CI_PCT_RANGE = { min: 0.1, max: 100 } as const;
export const SEED_RULE: IntegerRule = { min: 0, max: 2 ** 31 - 1 };
export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]+$/;
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** Our functions are `<prefix>-<arch>-<memory>`, so the prefix gets what the longest suffix leaves. */
export const MAX_PREFIX_LENGTH =
  MAX_FUNCTION_NAME_LENGTH -
  `-${ARCHITECTURES.reduce((a, b) => (b.length > a.length ? b : a))}-${MEMORY_MB.max}`.length;

export function functionName(prefix: string, arch: Architecture, memoryMb: number): string {
  return `${prefix}-${arch}-${memoryMb}`;
}

// ---------- value parsers: (flag, raw value) -> typed value, or a ConfigError naming the flag ----------

/** How a value is quoted back in a message: the text the user wrote, or the JSON a config held. */
function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(display).join(',');
  return JSON.stringify(value) ?? String(value);
}

/** A one-value flag's text. A repeated flag (yargs gives an array) or a config array is refused, not guessed at. */
export function scalarText(flag: string, value: unknown, rule: string): string {
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

export type Parse<T> = (flag: string, value: unknown) => T;

export const integer =
  (rule: IntegerRule): Parse<number> =>
  (flag, value) =>
    parseInteger(flag, scalarText(flag, value, integerRuleText(rule)), rule);

const integerList =
  (rule: IntegerRule): Parse<number[]> =>
  (flag, value) =>
    parseIntegerList(flag, listText(flag, value, integerRuleText(rule)), rule);

export const choice =
  <T extends string>(allowed: readonly T[]): Parse<T> =>
  (flag, value) =>
    parseChoice(flag, scalarText(flag, value, `must be one of ${allowed.join(', ')}`), allowed);

const choiceList =
  <T extends string>(allowed: readonly T[]): Parse<T[]> =>
  (flag, value) =>
    parseChoiceList(flag, listText(flag, value, `must be one of ${allowed.join(', ')}`), allowed);

export const matching =
  (pattern: RegExp, rule: string): Parse<string> =>
  (flag, value) => {
    const text = scalarText(flag, value, rule);
    if (!pattern.test(text)) throw new ConfigError(`${flag} ${text}: ${rule}`);
    return text;
  };

export const nonEmpty =
  (rule: string): Parse<string> =>
  (flag, value) => {
    const text = scalarText(flag, value, rule);
    if (text.trim() === '') throw new ConfigError(`${flag} ${text}: ${rule}`);
    return text;
  };

export const boolean: Parse<boolean> = (flag, value) => {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError(`${flag} ${display(value)}: must be true or false`);
};

/** `null` in a config file means "none" for the flags whose default is none. */
const orNone =
  (parse: Parse<string>): Parse<string | null> =>
  (flag, value) =>
    value === null ? null : parse(flag, value);

export const decimal =
  (min: number, max: number, rule: string): Parse<number> =>
  (flag, value) =>
    parseDecimal(flag, scalarText(flag, value, rule), min, max, rule);

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

export const runIdValue: Parse<string> = (flag, value) => {
  const text = matching(RUN_ID_PATTERN, 'must match [A-Za-z0-9._-]+')(flag, value);
  // `.` and `..` match the pattern but would put results outside their own directory.
  if (text === '.' || text === '..') throw new ConfigError(`${flag} ${text}: must not be . or ..`);
  return text;
};

const prefixValue: Parse<string> = (flag, value) => {
  const rule = `must match [A-Za-z0-9_-]+, at most ${MAX_PREFIX_LENGTH} characters (function names are <prefix>-<arch>-<memory>, at most ${MAX_FUNCTION_NAME_LENGTH})`;
  const text = matching(FUNCTION_NAME_PATTERN, rule)(flag, value);
  if (text.length > MAX_PREFIX_LENGTH) throw new ConfigError(`${flag} ${text}: ${rule}`);
  return text;
};

// ---------- the descriptor table ----------

const INIT_CPU_DESCRIPTION = `How the local emulator gives INIT (process start to the runtime's first request) its CPU: boost, about ${INIT_BOOST_VCPUS} vCPUs whatever the memory, as public measurements found on Lambda (harness/lambda/README.md "INIT"), then the memory's share from the first invoke on; or quota, the memory's share throughout. Allowed: ${INIT_CPU_MODES.join(', ')}`;

/** The executor flags, shared by the sweep commands and `emulator` (each table puts them in its own group). */
export interface ExecutorOptions {
  executor: ExecutorKind;
  dockerMode: DockerMode;
  image: string | null;
}

function executorSpecs(group: string, where: string): OptionTable<ExecutorOptions> {
  return [
    {
      flag: 'executor',
      key: 'executor',
      group,
      describe: `How ${where} runs each execution environment: process (an OS process on this host's Node, in cgroups that model Lambda's CPU and memory) or docker (a container of the function's image on a Lambda base image, with Lambda's CPU quota, cores and memory as docker limits; needs docker: scripts/docker/ensure-docker.sh, infra/docker/README.md). Recorded in run.json and every row. Allowed: ${EXECUTOR_KINDS.join(', ')}`,
      defaultDescription: 'process',
      parse: choice(EXECUTOR_KINDS),
      fallback: () => 'process',
    },
    {
      flag: 'docker-mode',
      key: 'dockerMode',
      group,
      describe: `With --executor docker: runtime-api (the image's runtime polls the emulator's Runtime API, which measures Duration, Init and Max Memory Used as for processes) or rie (the image's Runtime Interface Emulator takes each invocation and prints the REPORT lines, as a Lambda image run locally does: Init Duration about 0, Max Memory Used = Memory Size). Allowed: ${DOCKER_MODES.join(', ')}`,
      defaultDescription: 'runtime-api',
      parse: choice(DOCKER_MODES),
      fallback: () => 'runtime-api',
    },
    {
      flag: 'image',
      key: 'image',
      group,
      describe:
        "With --executor docker: the Lambda base image the function images are built on (infra/docker/Dockerfile's BASE_IMAGE), in the local docker; it must keep the AWS base images' entrypoint contract. Allowed: a docker image reference, e.g. public.ecr.aws/lambda/nodejs:22",
      defaultDescription:
        "public.ecr.aws/lambda/nodejs:22 when the local docker has it, else the project's stand-in (vcpu-bench/lambda-nodejs-standin:22, built from local parts)",
      parse: orNone(matching(IMAGE_REFERENCE_PATTERN, 'must be a docker image reference, e.g. repo/name:tag')),
      fallback: () => null,
    },
  ];
}

/**
 * --docker-mode and --image mean nothing to the process executor: a value other than their default is refused rather
 * than silently ignored. (Their defaults pass: a run.json saves every option, and --resume gives them all back.)
 */
function checkExecutorFlags(options: ExecutorOptions, given: Set<string>): void {
  if (options.executor === 'docker') return;
  if (given.has('docker-mode') && options.dockerMode !== 'runtime-api') {
    throw new ConfigError(`--docker-mode ${options.dockerMode}: only with --executor docker`);
  }
  if (given.has('image') && options.image !== null) {
    throw new ConfigError(`--image ${options.image}: only with --executor docker`);
  }
}

/** The docker executor is the embedded emulator's: not on AWS, and not for an emulator at --endpoint-url. */
function checkExecutorTarget(options: ExecutorOptions & Pick<SweepOptions, 'target' | 'endpointUrl'>): void {
  if (options.executor !== 'docker') return;
  if (options.target !== 'local') {
    throw new ConfigError(
      `--executor docker: only with --target local (on ${options.target}, Lambda runs the functions)`,
    );
  }
  if (options.endpointUrl !== null) {
    throw new ConfigError(
      `--executor docker: the emulator at --endpoint-url ${options.endpointUrl} runs its own executor; start it with \`vcpu-bench emulator --executor docker\``,
    );
  }
}

export const OPTION_GROUPS = {
  where: 'Where to run:',
  sweep: 'What to sweep:',
  workload: 'Workload:',
  reps: 'Repetitions:',
  output: 'Names and output:',
  safety: 'Cost safety:',
} as const;

/**
 * One option: its flag (and config key), the field of the options object it fills, how --help shows it, how its
 * value is parsed, and its default. `parse` and `fallback` see the options resolved before it in table order, so a
 * default may follow another option (cost follows --algorithm, concurrency follows --target).
 */
export interface OptionSpec<T, K extends keyof T> {
  flag: string;
  key: K;
  group: string;
  describe: string;
  defaultDescription: string;
  /** A switch (`--yes`) rather than a flag that takes a value. */
  boolean?: boolean;
  parse(flag: string, value: unknown, resolved: Partial<T>): T[K];
  fallback(resolved: Partial<T>): T[K];
}

/** A table of options for T: one spec per field, in resolution order. */
export type OptionTable<T> = ReadonlyArray<{ [K in keyof T]-?: OptionSpec<T, K> }[keyof T]>;

const list = (values: readonly (string | number)[]) => values.join(',');
const bcrypt = COST_RANGE.bcrypt;
const pbkdf2 = COST_RANGE.pbkdf2;

/** Default per algorithm, so `--algorithm pbkdf2` alone gets a pbkdf2-sized cost. */
const DEFAULT_COST: Readonly<Record<Algorithm, number>> = {
  // bcrypt 9 rounds, 4 items: about 125 ms of CPU per invocation at one vCPU, so the pool's and the Runtime API's
  // few milliseconds stay near 3% of it, and the default sweep (npm run bench) still ends in about 4 minutes on
  // 2 cores. pbkdf2 uses the published experiment's 100,000 iterations.
  bcrypt: 9,
  pbkdf2: pbkdf2.default,
};
/**
 * The background experiment's own: its batches are sized (32 items at 7 rounds) so that, were the environment left
 * running, each would finish within the gaps it waits; it measures progress, not speed, so it keeps the smaller cost.
 */
const BACKGROUND_COST: Readonly<Record<Algorithm, number>> = { bcrypt: 7, pbkdf2: pbkdf2.default };
/** Times a throttled invoke is retried unless --max-retries says otherwise (the runner's default too). */
export const DEFAULT_MAX_RETRIES = 8;
/** Per target: the local emulator runs one cell at a time; AWS takes concurrent invocations. */
const DEFAULT_CONCURRENCY: Readonly<Record<Target, number>> = { local: 1, aws: 10 };
/**
 * Both sides of 1 vCPU and of the 2 -> 3 visible-cores step above 3,008 MB (harness/lambda/README.md "Visible
 * cores"): 2/7, 4/7, 1, 1.5 and 2 vCPUs. (256 MB, 1/7 vCPU, would take as long as all the others together.)
 */
const DEFAULT_MEMORY_MB: readonly number[] = [512, 1024, MB_PER_VCPU, memoryForVcpus(1.5), memoryForVcpus(2)];

export const SWEEP_OPTION_TABLE: OptionTable<SweepOptions> = [
  {
    flag: 'target',
    key: 'target',
    group: OPTION_GROUPS.where,
    describe: `Where the functions run: local (the embedded emulator, no AWS account needed) or aws. Allowed: ${TARGETS.join(', ')}`,
    defaultDescription: 'local',
    parse: choice(TARGETS),
    fallback: () => 'local',
  },
  {
    flag: 'region',
    key: 'region',
    group: OPTION_GROUPS.where,
    describe: 'AWS region to deploy to and invoke in. Allowed: a region name like us-east-1',
    defaultDescription: 'us-east-1',
    parse: matching(REGION_PATTERN, 'must be a region name like us-east-1'),
    fallback: () => 'us-east-1',
  },
  {
    flag: 'profile',
    key: 'profile',
    group: OPTION_GROUPS.where,
    describe: 'AWS profile from ~/.aws/config. Allowed: a profile name',
    defaultDescription: "none: the AWS SDK's usual chain (AWS_PROFILE, environment, instance role)",
    parse: orNone(nonEmpty('must be a profile name from ~/.aws/config')),
    fallback: () => null,
  },
  {
    flag: 'endpoint-url',
    key: 'endpointUrl',
    group: OPTION_GROUPS.where,
    describe: 'Send AWS API calls here instead of to AWS (e.g. LocalStack). Allowed: an http:// or https:// URL',
    defaultDescription: 'none: AWS itself',
    parse: orNone(endpointUrl),
    fallback: () => null,
  },
  {
    flag: 'memory',
    key: 'memoryMb',
    group: OPTION_GROUPS.sweep,
    describe: `Memory sizes in MB, one function per size and architecture; ${MB_PER_VCPU} MB buys 1 vCPU. A comma-separated list of integers and ranges start-end:step (the step is required; the end is included when a step lands on it), e.g. 256,1024-3072:512. Allowed: integers ${MEMORY_RULE.min} to ${MEMORY_RULE.max}`,
    defaultDescription: list(DEFAULT_MEMORY_MB),
    parse: integerList(MEMORY_RULE),
    fallback: () => [...DEFAULT_MEMORY_MB],
  },
  {
    flag: 'arch',
    key: 'arch',
    group: OPTION_GROUPS.sweep,
    describe: `Architectures, comma separated. Allowed: ${ARCHITECTURES.join(', ')}`,
    defaultDescription: 'x86_64',
    parse: choiceList(ARCHITECTURES),
    fallback: () => ['x86_64'],
  },
  {
    flag: 'modes',
    key: 'modes',
    group: OPTION_GROUPS.sweep,
    describe: `Modes to measure, comma separated. Allowed: ${MODES.join(', ')}`,
    defaultDescription: list(MODES),
    parse: choiceList(MODES),
    fallback: () => [...MODES],
  },
  {
    flag: 'workers',
    key: 'workers',
    group: OPTION_GROUPS.sweep,
    describe: `Worker counts for worker_threads, child_process and fan_out (sequential is measured once, at 1). A comma-separated list of integers and ranges start-end[:step], e.g. 1,2,4 or 1-8 or 2-8:2. Allowed: integers ${WORKERS_RULE.min} to ${WORKERS_RULE.max}`,
    defaultDescription: '1,2',
    parse: integerList(WORKERS_RULE),
    fallback: () => [1, 2],
  },
  {
    flag: 'algorithm',
    key: 'algorithm',
    group: OPTION_GROUPS.workload,
    describe: `Hash each item with bcrypt (bcryptjs) or pbkdf2 (node:crypto, sha256). Allowed: ${ALGORITHMS.join(', ')}`,
    defaultDescription: 'bcrypt',
    parse: choice(ALGORITHMS),
    fallback: () => 'bcrypt',
  },
  {
    flag: 'items',
    key: 'items',
    group: OPTION_GROUPS.workload,
    describe: `Passwords hashed per invocation, shared among the workers. Allowed: an integer from ${ITEMS_RULE.min} to ${ITEMS_RULE.max}`,
    defaultDescription: '4',
    parse: integer(ITEMS_RULE),
    fallback: () => 4,
  },
  {
    flag: 'cost',
    key: 'cost',
    group: OPTION_GROUPS.workload,
    describe: `Work per item: bcrypt rounds (${bcrypt.min} to ${bcrypt.max}) or pbkdf2 iterations (${pbkdf2.min} to ${pbkdf2.max})`,
    defaultDescription: `${DEFAULT_COST.bcrypt} for bcrypt, ${DEFAULT_COST.pbkdf2} for pbkdf2`,
    parse: (flag, value, resolved) => {
      const algorithm = resolved.algorithm ?? 'bcrypt';
      const range = COST_RANGE[algorithm];
      return integer({ min: range.min, max: range.max, unit: `${algorithm} ${range.unit}` })(flag, value);
    },
    fallback: (resolved) => DEFAULT_COST[resolved.algorithm ?? 'bcrypt'],
  },
  {
    flag: 'seed',
    key: 'seed',
    group: OPTION_GROUPS.workload,
    describe:
      'Passwords and salts are derived from it, so every mode hashes the same items. Allowed: a non-empty string',
    defaultDescription: 'vcpu-bench',
    parse: nonEmpty('must be a non-empty string'),
    fallback: () => 'vcpu-bench',
  },
  {
    flag: 'min-reps',
    key: 'minReps',
    group: OPTION_GROUPS.reps,
    describe: `Measured invocations per cell, at least. Allowed: an integer from ${REPS_RULE.min} to ${REPS_RULE.max}`,
    defaultDescription: '5',
    parse: integer(REPS_RULE),
    fallback: () => 5,
  },
  {
    flag: 'max-reps',
    key: 'maxReps',
    group: OPTION_GROUPS.reps,
    describe: `Measured invocations per cell, at most. Allowed: an integer from ${REPS_RULE.min} to ${REPS_RULE.max}, not below --min-reps`,
    defaultDescription: '30',
    parse: integer(REPS_RULE),
    fallback: () => 30,
  },
  {
    flag: 'ci',
    key: 'ciPct',
    group: OPTION_GROUPS.reps,
    describe: `Between --min-reps and --max-reps, a cell stops once the confidence interval of its median duration is within this percentage of the median. Allowed: a number from ${CI_PCT_RANGE.min} to ${CI_PCT_RANGE.max}`,
    defaultDescription: '2',
    parse: decimal(
      CI_PCT_RANGE.min,
      CI_PCT_RANGE.max,
      `must be a number from ${CI_PCT_RANGE.min} to ${CI_PCT_RANGE.max} (%)`,
    ),
    fallback: () => 2,
  },
  {
    flag: 'warmup',
    key: 'warmup',
    group: OPTION_GROUPS.reps,
    describe: `Warm-up invocations per cell before measuring; recorded, tagged as warm-up, left out of the statistics. Allowed: an integer from ${WARMUP_RULE.min} to ${WARMUP_RULE.max}`,
    defaultDescription: '1',
    parse: integer(WARMUP_RULE),
    fallback: () => 1,
  },
  {
    flag: 'concurrency',
    key: 'concurrency',
    group: OPTION_GROUPS.reps,
    describe: `Invocations in flight at once on --target aws (local runs one cell at a time). Allowed: an integer from ${CONCURRENCY_RULE.min} to ${CONCURRENCY_RULE.max}`,
    defaultDescription: `${DEFAULT_CONCURRENCY.local} on local, ${DEFAULT_CONCURRENCY.aws} on aws`,
    parse: integer(CONCURRENCY_RULE),
    fallback: (resolved) => DEFAULT_CONCURRENCY[resolved.target ?? 'local'],
  },
  {
    flag: 'max-retries',
    key: 'maxRetries',
    group: OPTION_GROUPS.reps,
    describe: `Times a throttled invocation (429 TooManyRequestsException) is retried, with jittered exponential back-off from 0.1 s up to 20 s, before it is recorded as throttled; each record counts its retries. A throttled attempt never ran, so it is never a measurement. Allowed: an integer from ${MAX_RETRIES_RULE.min} to ${MAX_RETRIES_RULE.max}`,
    defaultDescription: String(DEFAULT_MAX_RETRIES),
    parse: integer(MAX_RETRIES_RULE),
    fallback: () => DEFAULT_MAX_RETRIES,
  },
  {
    flag: 'timeout',
    key: 'timeoutS',
    group: OPTION_GROUPS.reps,
    describe: `Function timeout in seconds. Allowed: an integer from ${TIMEOUT_RULE.min} to ${TIMEOUT_RULE.max}`,
    defaultDescription: '300',
    parse: integer(TIMEOUT_RULE),
    fallback: () => 300,
  },
  {
    flag: 'init-cpu',
    key: 'initCpu',
    group: OPTION_GROUPS.where,
    describe: `${INIT_CPU_DESCRIPTION}; the embedded emulator's, recorded in run.json (an emulator at --endpoint-url uses its own)`,
    defaultDescription: EMULATOR_DEFAULTS.initCpu,
    parse: choice(INIT_CPU_MODES),
    fallback: () => EMULATOR_DEFAULTS.initCpu,
  },
  ...executorSpecs(OPTION_GROUPS.where, 'the embedded emulator (an emulator at --endpoint-url uses its own)'),
  {
    flag: 'shuffle-seed',
    key: 'shuffleSeed',
    group: OPTION_GROUPS.reps,
    describe: `On --target local the sweep measures in rounds, each invoking every unfinished cell once in an order drawn from this seed, so the host's drifting speed falls on every cell alike; recorded in run.json. Allowed: an integer from ${SEED_RULE.min} to ${SEED_RULE.max}`,
    defaultDescription: 'a new random seed per run',
    parse: integer(SEED_RULE),
    fallback: () => newSeed(),
  },
  {
    flag: 'out',
    key: 'out',
    group: OPTION_GROUPS.output,
    describe: 'Results directory; a run writes to <out>/<run-id>/. Allowed: a path',
    defaultDescription: 'results/ in the repository',
    parse: (flag, value) => path.resolve(nonEmpty('must be a directory path')(flag, value)),
    fallback: () => DEFAULT_RESULTS_DIR,
  },
  {
    flag: 'run-id',
    key: 'runId',
    group: OPTION_GROUPS.output,
    describe: 'Name of this run and of its results directory. Allowed: [A-Za-z0-9._-]+',
    defaultDescription: 'generated from the UTC time and a random suffix, e.g. 20261125-131500-a1b2',
    parse: runIdValue,
    // Every sweep gets its own run id unless --run-id names one.
    fallback: () => newRunId(),
  },
  {
    flag: 'prefix',
    key: 'prefix',
    group: OPTION_GROUPS.output,
    describe: `Function name prefix: functions are named <prefix>-<arch>-<memory>. Allowed: [A-Za-z0-9_-]+, at most ${MAX_PREFIX_LENGTH} characters`,
    defaultDescription: 'vcpu-bench',
    parse: prefixValue,
    fallback: () => 'vcpu-bench',
  },
  {
    flag: 'max-cost-usd',
    key: 'maxCostUsd',
    group: OPTION_GROUPS.safety,
    describe:
      'On --target aws, refuse to start when the estimate with every cell at --max-reps costs more than this many USD (see the plan command). Allowed: a number of at least 0',
    defaultDescription: '1',
    parse: decimal(0, Number.MAX_SAFE_INTEGER, 'must be a number of at least 0 (USD)'),
    fallback: () => 1,
  },
  {
    flag: 'yes',
    key: 'yes',
    group: OPTION_GROUPS.safety,
    describe: 'Proceed even when the estimate exceeds --max-cost-usd',
    defaultDescription: 'false',
    boolean: true,
    parse: boolean,
    fallback: () => false,
  },
];

/** The flags a sweep takes, as written on the command line and as keys of a --config file. */
export const SWEEP_FLAGS: readonly string[] = SWEEP_OPTION_TABLE.map((spec) => spec.flag);

/** The target subset of the table, for commands that only need to know where to connect. */
export const TARGET_OPTION_TABLE: OptionTable<TargetOptions> = SWEEP_OPTION_TABLE.filter(
  (spec): spec is OptionTable<TargetOptions>[number] =>
    spec.key === 'target' || spec.key === 'region' || spec.key === 'profile' || spec.key === 'endpointUrl',
);

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** yargs puts each flag under its own name and its camelCase alias; programmatic callers may use either. */
function fromArgv(argv: Record<string, unknown>, flag: string): unknown {
  return argv[flag] !== undefined ? argv[flag] : argv[camelCase(flag)];
}

/**
 * Resolve options from a table: each from the command line, else the config, else its default. Returns the options
 * and the flags that were given (on the command line or in the config), for cross-checks that name a default.
 */
export function resolveTable<T>(
  table: OptionTable<T>,
  argv: Record<string, unknown>,
  config: { values: Record<string, unknown>; path: string | null } = { values: {}, path: null },
): { options: T; given: Set<string> } {
  const resolved: Partial<T> = {};
  const given = new Set<string>();
  for (const spec of table) {
    const onCommandLine = fromArgv(argv, spec.flag);
    const fromConfig = onCommandLine === undefined && Object.hasOwn(config.values, spec.flag);
    const value = fromConfig ? config.values[spec.flag] : onCommandLine;
    if (value === undefined) {
      resolved[spec.key] = spec.fallback(resolved);
      continue;
    }
    given.add(spec.flag);
    try {
      resolved[spec.key] = spec.parse(`--${spec.flag}`, value, resolved);
    } catch (error: unknown) {
      // Say where a bad value came from when it was not typed on this command line.
      if (fromConfig && error instanceof ConfigError) {
        throw new ConfigError(`${error.message} (from --config ${config.path})`, { cause: error });
      }
      throw error;
    }
  }
  return { options: resolved as T, given };
}

/**
 * Resolve a sweep's options from parsed arguments (yargs argv, or any object keyed by flag name or its camelCase
 * form). Keys that are not sweep flags are ignored, so a command's own flags can share the object.
 */
export function resolveSweepOptions(argv: Record<string, unknown>): SweepOptions {
  const configValue = fromArgv(argv, 'config');
  const configPath =
    configValue === undefined ? null : nonEmpty('must be the path of a JSON file')('--config', configValue);
  const values = configPath === null ? {} : readConfigFile(configPath, SWEEP_FLAGS);
  const { options, given } = resolveTable(SWEEP_OPTION_TABLE, argv, { values, path: configPath });
  checkExecutorFlags(options, given);
  checkExecutorTarget(options);
  if (options.minReps > options.maxReps) {
    const note = (flag: string) => (given.has(flag) ? '' : ' (default)');
    throw new ConfigError(
      `--min-reps ${options.minReps}${note('min-reps')} is above --max-reps ${options.maxReps}${note('max-reps')}`,
    );
  }
  return options;
}

/**
 * Options saved by an earlier run (run.json, keyed by field name), validated exactly as flags are: `--resume` never
 * trusts what it reads back from disk.
 */
export function resolveSavedSweepOptions(saved: Record<string, unknown>): SweepOptions {
  const argv: Record<string, unknown> = {};
  for (const spec of SWEEP_OPTION_TABLE) {
    const value = saved[spec.key];
    if (value !== undefined) argv[spec.flag] = value;
  }
  return resolveSweepOptions(argv);
}

/** Where `setup` works, and the --prefix whose role (`<prefix>-function`) it makes. */
export type SetupOptions = TargetOptions & Pick<SweepOptions, 'prefix'>;

export const SETUP_OPTION_TABLE: OptionTable<SetupOptions> = SWEEP_OPTION_TABLE.filter(
  (spec): spec is OptionTable<SetupOptions>[number] =>
    spec.key === 'target' ||
    spec.key === 'region' ||
    spec.key === 'profile' ||
    spec.key === 'endpointUrl' ||
    spec.key === 'prefix',
);

export function resolveSetupOptions(argv: Record<string, unknown>): SetupOptions {
  return resolveTable(SETUP_OPTION_TABLE, argv).options;
}

/** Resolve only where a command runs (--target, --region, --profile, --endpoint-url). */
export function resolveTargetOptions(argv: Record<string, unknown>): TargetOptions {
  return resolveTable(TARGET_OPTION_TABLE, argv).options;
}

/** Every default, resolved from the table (a fresh object each call: nothing is shared between resolutions). */
export function defaultSweepOptions(): SweepOptions {
  return resolveSweepOptions({});
}

// ---------- who runs it and which run: --role (deploy, run, bench) and --resume (run, bench) ----------

/** Lambda's own pattern for a function's Role (CreateFunction, harness/lambda/README.md "Roles"). */
export const ROLE_ARN_PATTERN = new RegExp(`^${ROLE_ARN_MODEL_PATTERN}$`);

export interface RunControlOptions {
  role: string | null;
  resume: string | null;
}

export const RUN_CONTROL_OPTION_TABLE: OptionTable<RunControlOptions> = [
  {
    flag: 'role',
    key: 'role',
    group: OPTION_GROUPS.where,
    describe:
      'IAM role ARN for the functions on --target aws (its own logs, plus lambda:InvokeFunction on the benchmark functions for fan_out: infra/iam/); ignored locally. Allowed: arn:aws:iam::<account>:role/<name>',
    defaultDescription:
      'on aws, the role `vcpu-bench setup` made (<prefix>-function, tagged vcpu-bench:managed=true); locally a placeholder',
    parse: matching(ROLE_ARN_PATTERN, 'must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>'),
    fallback: () => null,
  },
  {
    flag: 'resume',
    key: 'resume',
    group: 'Run:',
    describe:
      'Continue the run with this id (under --out) with its saved options: complete cells are skipped, a partial cell continues. Allowed: a run id, [A-Za-z0-9._-]+',
    defaultDescription: 'a new run',
    parse: runIdValue,
    fallback: () => null,
  },
];

export function resolveRunControlOptions(argv: Record<string, unknown>): RunControlOptions {
  return resolveTable(RUN_CONTROL_OPTION_TABLE, argv).options;
}

// ---------- late REPORT lines: how long run, bench and analyze --cloudwatch wait for them ----------

export interface LogsWaitOptions {
  logsWaitS: number;
}

export const LOGS_WAIT_OPTION_TABLE: OptionTable<LogsWaitOptions> = [
  {
    flag: 'logs-wait',
    key: 'logsWaitS',
    group: 'REPORT lines:',
    describe: `After a run, keep fetching CloudWatch Logs until every invocation (fan-out children included) has its REPORT line, for at most this many seconds; what is still missing is listed, never guessed. 0 fetches once. Allowed: an integer from ${LOGS_WAIT_RULE.min} to ${LOGS_WAIT_RULE.max}`,
    defaultDescription: '300 (logs reach CloudWatch after the invocation)',
    parse: integer(LOGS_WAIT_RULE),
    fallback: () => 300,
  },
];

export function resolveLogsWaitOptions(argv: Record<string, unknown>): LogsWaitOptions {
  return resolveTable(LOGS_WAIT_OPTION_TABLE, argv).options;
}

// ---------- the `emulator` command's options ----------

export interface EmulatorServeOptions extends ExecutorOptions {
  faultSeed: number;
  faults: FaultSpec;
  port: number;
  host: string;
  concurrency: number;
  keepAliveS: number;
  requireAuth: boolean;
  initCpu: InitCpuMode;
}

export const FAULT_SEED_RULE: IntegerRule = { min: 0, max: 2 ** 31 - 1 };

/** `--fault NAME=VALUE`, given once or more (yargs collects an array); a ConfigError naming the bad one otherwise. */
const faultList: Parse<string[]> = (flag, value) => {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item !== 'string') throw new ConfigError(`${flag} ${display(item)}: must be NAME=VALUE`);
    return item;
  });
};

export const PORT_RULE: IntegerRule = { min: 0, max: 65_535 };
export const KEEP_ALIVE_RULE: IntegerRule = { min: 1, max: 86_400, unit: 's' };
const HOST_PATTERN = /^[A-Za-z0-9.:-]+$/;
const EMULATOR_GROUP = 'Emulator:';

export const EMULATOR_OPTION_TABLE: OptionTable<EmulatorServeOptions> = [
  {
    flag: 'fault-seed',
    key: 'faultSeed',
    group: EMULATOR_GROUP,
    describe: `Seed of the injected faults' random draws: the same seed injects the same faults in the same order. Allowed: an integer from ${FAULT_SEED_RULE.min} to ${FAULT_SEED_RULE.max}`,
    defaultDescription: String(NO_FAULTS.seed),
    parse: integer(FAULT_SEED_RULE),
    fallback: () => NO_FAULTS.seed,
  },
  {
    flag: 'fault',
    key: 'faults',
    group: EMULATOR_GROUP,
    describe: `Misbehave on purpose, as AWS can; repeatable: throttle=FRACTION, log-delay=SECONDS, max-memory=MB, init-error=FRACTION, timeout=FRACTION (${FAULT_NAMES.map((n) => `${n}: ${FAULT_RULES[n]}`).join('; ')}). throttle answers that share of invokes with 429 TooManyRequestsException; log-delay makes log events reach the Logs API that many seconds late; max-memory refuses larger MemorySize on CreateFunction and UpdateFunctionConfiguration as capped accounts are refused; init-error fails that share of cold starts' INIT; timeout times out that share of invocations`,
    defaultDescription: 'none',
    parse: (flag, value, resolved) => {
      try {
        return parseFaults(faultList(flag, value), resolved.faultSeed ?? NO_FAULTS.seed);
      } catch (error: unknown) {
        if (error instanceof RangeError) throw new ConfigError(`${flag} ${error.message}`, { cause: error });
        throw error;
      }
    },
    fallback: (resolved) => ({ ...NO_FAULTS, seed: resolved.faultSeed ?? NO_FAULTS.seed }),
  },
  {
    flag: 'port',
    key: 'port',
    group: EMULATOR_GROUP,
    describe: `TCP port to listen on; 0 picks a free one. Allowed: an integer from ${PORT_RULE.min} to ${PORT_RULE.max}`,
    defaultDescription: String(EMULATOR_DEFAULTS.port),
    parse: integer(PORT_RULE),
    fallback: () => EMULATOR_DEFAULTS.port,
  },
  {
    flag: 'host',
    key: 'host',
    group: EMULATOR_GROUP,
    describe:
      'Address to listen on; 0.0.0.0 makes it reachable from other machines (add --require-auth: without it anyone who reaches the port can run code here). Allowed: a host name or IP address',
    defaultDescription: EMULATOR_DEFAULTS.host,
    parse: matching(HOST_PATTERN, 'must be a host name or IP address of this machine, e.g. 127.0.0.1 or 0.0.0.0'),
    fallback: () => EMULATOR_DEFAULTS.host,
  },
  {
    flag: 'concurrency',
    key: 'concurrency',
    group: EMULATOR_GROUP,
    describe: `Account concurrency: environments busy at once; beyond it Invoke answers 429 TooManyRequestsException, as Lambda does. Allowed: an integer from ${CONCURRENCY_RULE.min} to ${CONCURRENCY_RULE.max}`,
    defaultDescription: String(EMULATOR_DEFAULTS.concurrency),
    parse: integer(CONCURRENCY_RULE),
    fallback: () => EMULATOR_DEFAULTS.concurrency,
  },
  {
    flag: 'keep-alive',
    key: 'keepAliveS',
    group: EMULATOR_GROUP,
    describe: `Seconds an idle execution environment stays warm before it is reaped. Allowed: an integer from ${KEEP_ALIVE_RULE.min} to ${KEEP_ALIVE_RULE.max}`,
    defaultDescription: String(EMULATOR_DEFAULTS.keepAliveS),
    parse: integer(KEEP_ALIVE_RULE),
    fallback: () => EMULATOR_DEFAULTS.keepAliveS,
  },
  {
    flag: 'require-auth',
    key: 'requireAuth',
    group: EMULATOR_GROUP,
    describe:
      'Refuse every request not signed (AWS Signature V4) with the access key the emulator prints at start, as AWS refuses unsigned requests',
    defaultDescription: 'false',
    boolean: true,
    parse: boolean,
    fallback: () => false,
  },
  {
    flag: 'init-cpu',
    key: 'initCpu',
    group: EMULATOR_GROUP,
    describe: INIT_CPU_DESCRIPTION,
    defaultDescription: EMULATOR_DEFAULTS.initCpu,
    parse: choice(INIT_CPU_MODES),
    fallback: () => EMULATOR_DEFAULTS.initCpu,
  },
  ...executorSpecs(EMULATOR_GROUP, 'the emulator'),
];

export function resolveEmulatorOptions(argv: Record<string, unknown>): EmulatorServeOptions {
  const { options, given } = resolveTable(EMULATOR_OPTION_TABLE, argv);
  checkExecutorFlags(options, given);
  return options;
}

// ---------- the `recommend` command's options ----------

/** How `recommend` ranks configurations (harness/analyze/recommend.ts). */
export const STRATEGIES = ['cost', 'speed', 'balanced'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface RecommendFlags {
  strategy: Strategy;
  /** Only configurations whose median Duration is at most this; null for no limit. */
  maxDurationMs: number | null;
}

const RECOMMEND_GROUP = 'Recommendation:';

export const RECOMMEND_OPTION_TABLE: OptionTable<RecommendFlags> = [
  {
    flag: 'strategy',
    key: 'strategy',
    group: RECOMMEND_GROUP,
    describe:
      'What the pick minimises: cost (USD per 1,000 items, then Duration), speed (median Duration, then cost) or balanced (half cost, half Duration, each over its largest value among the candidates). Allowed: cost, speed, balanced',
    defaultDescription: 'balanced',
    parse: choice(STRATEGIES),
    fallback: () => 'balanced',
  },
  {
    flag: 'max-duration-ms',
    key: 'maxDurationMs',
    group: RECOMMEND_GROUP,
    describe:
      'Only consider configurations whose median warm Duration is at most this many ms. Allowed: a number above 0',
    defaultDescription: 'no limit',
    parse: decimal(0.001, Number.MAX_SAFE_INTEGER, 'must be a number above 0 (ms)'),
    fallback: () => null,
  },
];

export function resolveRecommendOptions(argv: Record<string, unknown>): RecommendFlags {
  return resolveTable(RECOMMEND_OPTION_TABLE, argv).options;
}

// ---------- `experiment background`: what Lambda's freeze does to work a handler does not await ----------

export interface BackgroundOptions extends ExecutorOptions {
  target: Target;
  region: string;
  profile: string | null;
  endpointUrl: string | null;
  initCpu: InitCpuMode;
  role: string | null;
  memoryMb: number[];
  arch: Architecture[];
  /** The kinds of background work to measure (`--background`). */
  kinds: BackgroundKind[];
  /** Time between the invocation that starts the work and the one that collects it. */
  gapMs: number[];
  /** Also measure every cell with the function's environments reclaimed between the two invocations. */
  reclaim: boolean;
  pairs: number;
  workers: number;
  items: number;
  algorithm: Algorithm;
  cost: number;
  seed: string;
  timeoutS: number;
  out: string;
  runId: string;
  prefix: string;
  maxCostUsd: number;
  yes: boolean;
}

export const GAP_RULE: IntegerRule = { min: 0, max: 600_000, unit: 'ms', rangeExample: '500-2000:500' };
export const PAIRS_RULE: IntegerRule = { min: 1, max: 100 };
export const BACKGROUND_ITEMS_RULE: IntegerRule = { min: 1, max: MAX_BACKGROUND_ITEMS };
const EXPERIMENT_GROUP = 'Experiment:';

/** Below and at one vCPU: a function whose background work is slow, and one with a whole vCPU. */
const DEFAULT_BACKGROUND_MEMORY_MB: readonly number[] = [512, MB_PER_VCPU];
/** A short gap the work would not finish in, on the smaller size, and one it would finish in, running. */
const DEFAULT_GAP_MS: readonly number[] = [500, 2000];

/** The sweep options this experiment takes unchanged: where it runs, the hash, the function, the output. */
const SHARED_WITH_SWEEP = [
  'target',
  'region',
  'profile',
  'endpointUrl',
  'initCpu',
  'arch',
  'algorithm',
  'cost',
  'seed',
  'timeoutS',
  'out',
  'runId',
  'prefix',
  'maxCostUsd',
  'yes',
] as const;
type SharedWithSweep = (typeof SHARED_WITH_SWEEP)[number];
type SharedSpec = OptionTable<Pick<SweepOptions, SharedWithSweep>>[number];

/** Another table's spec for `key`, shared as it is; S is what the caller knows that spec to be. */
function findSpec<S extends { key: PropertyKey }>(table: ReadonlyArray<{ key: PropertyKey }>, key: PropertyKey): S {
  const spec = table.find((s): s is S => s.key === key);
  if (!spec) throw new Error(`no option ${String(key)}`);
  return spec;
}

function sweepSpec(key: SharedWithSweep): SharedSpec {
  return findSpec<SharedSpec>(SWEEP_OPTION_TABLE, key);
}

/** The sweep's --cost, with the background experiment's own default. */
function backgroundCostSpec(): OptionSpec<Pick<SweepOptions, SharedWithSweep>, 'cost'> {
  return {
    ...findSpec<OptionSpec<Pick<SweepOptions, SharedWithSweep>, 'cost'>>(SWEEP_OPTION_TABLE, 'cost'),
    defaultDescription: `${BACKGROUND_COST.bcrypt} for bcrypt, ${BACKGROUND_COST.pbkdf2} for pbkdf2`,
    fallback: (resolved) => BACKGROUND_COST[resolved.algorithm ?? 'bcrypt'],
  };
}

function roleSpec(): OptionTable<Pick<RunControlOptions, 'role'>>[number] {
  return findSpec<OptionTable<Pick<RunControlOptions, 'role'>>[number]>(RUN_CONTROL_OPTION_TABLE, 'role');
}

export const BACKGROUND_OPTION_TABLE: OptionTable<BackgroundOptions> = [
  sweepSpec('target'),
  sweepSpec('region'),
  sweepSpec('profile'),
  sweepSpec('endpointUrl'),
  sweepSpec('initCpu'),
  ...executorSpecs(OPTION_GROUPS.where, 'the embedded emulator (an emulator at --endpoint-url uses its own)'),
  roleSpec(),
  {
    flag: 'memory',
    key: 'memoryMb',
    group: EXPERIMENT_GROUP,
    describe: `Memory sizes in MB, one function per size and architecture. A comma-separated list of integers and ranges start-end:step, e.g. 512,${MB_PER_VCPU}. Allowed: integers ${MEMORY_RULE.min} to ${MEMORY_RULE.max}`,
    defaultDescription: list(DEFAULT_BACKGROUND_MEMORY_MB),
    parse: integerList(MEMORY_RULE),
    fallback: () => [...DEFAULT_BACKGROUND_MEMORY_MB],
  },
  sweepSpec('arch'),
  {
    flag: 'background',
    key: 'kinds',
    group: EXPERIMENT_GROUP,
    describe: `Kinds of work the handler starts and does not await, comma separated: a thread pool, an unawaited promise, a timer chain, a process pool. Allowed: ${BACKGROUND_KINDS.join(', ')}`,
    defaultDescription: list(BACKGROUND_KINDS),
    parse: choiceList(BACKGROUND_KINDS),
    fallback: () => [...BACKGROUND_KINDS],
  },
  {
    flag: 'gap-ms',
    key: 'gapMs',
    group: EXPERIMENT_GROUP,
    describe: `Time between the invocation that starts the work and the one that collects it, in ms; a comma-separated list of integers and ranges start-end:step. Allowed: integers ${GAP_RULE.min} to ${GAP_RULE.max}`,
    defaultDescription: list(DEFAULT_GAP_MS),
    parse: integerList(GAP_RULE),
    fallback: () => [...DEFAULT_GAP_MS],
  },
  {
    flag: 'reclaim',
    key: 'reclaim',
    group: EXPERIMENT_GROUP,
    describe:
      'Also measure every cell with the environment reclaimed between the two invocations, as Lambda may reclaim an idle one: the harness updates an environment variable of the function (UpdateFunctionConfiguration, the same call on AWS and on the emulator), so the next invocation gets a new environment',
    defaultDescription: 'false',
    boolean: true,
    parse: boolean,
    fallback: () => false,
  },
  {
    flag: 'pairs',
    key: 'pairs',
    group: EXPERIMENT_GROUP,
    describe: `Pairs of invocations (start, then collect) per memory size, kind, gap and reclaim setting, each followed by the same work awaited. Allowed: an integer from ${PAIRS_RULE.min} to ${PAIRS_RULE.max}`,
    defaultDescription: '3',
    parse: integer(PAIRS_RULE),
    fallback: () => 3,
  },
  {
    flag: 'workers',
    key: 'workers',
    group: OPTION_GROUPS.workload,
    describe: `Threads or processes of the pool for the worker_threads and child_process kinds (and their awaited baseline). Allowed: an integer from ${WORKERS_RULE.min} to ${WORKERS_RULE.max}`,
    defaultDescription: '2',
    parse: integer(WORKERS_RULE),
    fallback: () => 2,
  },
  {
    flag: 'items',
    key: 'items',
    group: OPTION_GROUPS.workload,
    describe: `Passwords the starting invocation leaves to hash in the background. Allowed: an integer from ${BACKGROUND_ITEMS_RULE.min} to ${BACKGROUND_ITEMS_RULE.max} (the collecting invocation returns a timestamp per item)`,
    defaultDescription: '32',
    parse: integer(BACKGROUND_ITEMS_RULE),
    fallback: () => 32,
  },
  sweepSpec('algorithm'),
  backgroundCostSpec(),
  sweepSpec('seed'),
  sweepSpec('timeoutS'),
  sweepSpec('out'),
  sweepSpec('runId'),
  sweepSpec('prefix'),
  sweepSpec('maxCostUsd'),
  sweepSpec('yes'),
];

export const BACKGROUND_FLAGS: readonly string[] = BACKGROUND_OPTION_TABLE.map((spec) => spec.flag);

/** The experiment's options from parsed arguments and an optional `--config` file (keys: its flags). */
export function resolveBackgroundOptions(argv: Record<string, unknown>): BackgroundOptions {
  const configValue = fromArgv(argv, 'config');
  const configPath =
    configValue === undefined ? null : nonEmpty('must be the path of a JSON file')('--config', configValue);
  const values = configPath === null ? {} : readConfigFile(configPath, BACKGROUND_FLAGS);
  const { options, given } = resolveTable(BACKGROUND_OPTION_TABLE, argv, { values, path: configPath });
  checkExecutorFlags(options, given);
  checkExecutorTarget(options);
  return options;
}

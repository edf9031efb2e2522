/**
 * The flags every sweep command (plan, deploy, run, bench, ...) registers, so they all accept the same thing and
 * --help describes each the same way. yargs only collects them: values stay raw (strings, no yargs defaults) so
 * resolveSweepOptions can validate them once, tell a flag given from one left out, and let flags win over --config.
 */
import type { Argv, Options } from 'yargs';
import { ALGORITHMS, COST_RANGE, MODES } from '../../workloads/event.js';
import { ARCHITECTURES, MB_PER_VCPU } from '../analyze/cost.js';
import {
  CI_PCT_RANGE,
  CONCURRENCY_RULE,
  DEFAULTS,
  ITEMS_RULE,
  MAX_PREFIX_LENGTH,
  MEMORY_RULE,
  REPS_RULE,
  type SweepFlag,
  TARGETS,
  TIMEOUT_RULE,
  WARMUP_RULE,
  WORKERS_RULE,
} from './options.js';

const GROUP_WHERE = 'Where to run:';
const GROUP_SWEEP = 'What to sweep:';
const GROUP_WORKLOAD = 'Workload:';
const GROUP_REPS = 'Repetitions:';
const GROUP_OUTPUT = 'Names and output:';
const GROUP_SAFETY = 'Cost safety:';

interface ValueFlag extends Options {
  type: 'string';
  requiresArg: true;
}

/**
 * A flag that takes a value, kept as the text the user wrote (resolveSweepOptions parses it); `requiresArg` turns
 * `--memory` with nothing after it into a usage error.
 */
function valueFlag(group: string, describe: string, defaultDescription: string): ValueFlag {
  return { type: 'string', requiresArg: true, group, describe, defaultDescription };
}

const list = (values: readonly (string | number)[]) => values.join(',');
const bcrypt = COST_RANGE.bcrypt;
const pbkdf2 = COST_RANGE.pbkdf2;

export const SWEEP_OPTIONS = {
  config: valueFlag(
    GROUP_WHERE,
    'JSON file of option values keyed by flag name, e.g. {"memory": [512, 1024], "max-reps": 10}; values are JSON numbers, arrays, booleans or the strings the flags take. Flags on the command line win; an unknown key is an error',
    'none',
  ),
  target: valueFlag(
    GROUP_WHERE,
    `Where the functions run: local (the embedded emulator, no AWS account needed) or aws. Allowed: ${TARGETS.join(', ')}`,
    DEFAULTS.target,
  ),
  region: valueFlag(
    GROUP_WHERE,
    'AWS region to deploy to and invoke in. Allowed: a region name like us-east-1',
    DEFAULTS.region,
  ),
  profile: valueFlag(
    GROUP_WHERE,
    'AWS profile from ~/.aws/config. Allowed: a profile name',
    "none: the AWS SDK's usual chain (AWS_PROFILE, environment, instance role)",
  ),
  'endpoint-url': valueFlag(
    GROUP_WHERE,
    'Send AWS API calls here instead of to AWS (e.g. LocalStack). Allowed: an http:// or https:// URL',
    'none: AWS itself',
  ),
  memory: valueFlag(
    GROUP_SWEEP,
    `Memory sizes in MB, one function per size and architecture; ${MB_PER_VCPU} MB buys 1 vCPU. A comma-separated list of integers and ranges start-end:step (the step is required; the end is included when a step lands on it), e.g. 256,1024-3072:512. Allowed: integers ${MEMORY_RULE.min} to ${MEMORY_RULE.max}`,
    list(DEFAULTS.memoryMb),
  ),
  arch: valueFlag(
    GROUP_SWEEP,
    `Architectures, comma separated. Allowed: ${ARCHITECTURES.join(', ')}`,
    list(DEFAULTS.arch),
  ),
  modes: valueFlag(
    GROUP_SWEEP,
    `Modes to measure, comma separated. Allowed: ${MODES.join(', ')}`,
    list(DEFAULTS.modes),
  ),
  workers: valueFlag(
    GROUP_SWEEP,
    `Worker counts for worker_threads, child_process and fan_out (sequential is measured once, at 1). A comma-separated list of integers and ranges start-end[:step], e.g. 1,2,4 or 1-8 or 2-8:2. Allowed: integers ${WORKERS_RULE.min} to ${WORKERS_RULE.max}`,
    list(DEFAULTS.workers),
  ),
  algorithm: valueFlag(
    GROUP_WORKLOAD,
    `Hash each item with bcrypt (bcryptjs) or pbkdf2 (node:crypto, sha256). Allowed: ${ALGORITHMS.join(', ')}`,
    DEFAULTS.algorithm,
  ),
  items: valueFlag(
    GROUP_WORKLOAD,
    `Passwords hashed per invocation, shared among the workers. Allowed: an integer from ${ITEMS_RULE.min} to ${ITEMS_RULE.max}`,
    String(DEFAULTS.items),
  ),
  cost: valueFlag(
    GROUP_WORKLOAD,
    `Work per item: bcrypt rounds (${bcrypt.min} to ${bcrypt.max}) or pbkdf2 iterations (${pbkdf2.min} to ${pbkdf2.max})`,
    `${DEFAULTS.cost.bcrypt} for bcrypt, ${DEFAULTS.cost.pbkdf2} for pbkdf2`,
  ),
  seed: valueFlag(
    GROUP_WORKLOAD,
    'Passwords and salts are derived from it, so every mode hashes the same items. Allowed: a non-empty string',
    DEFAULTS.seed,
  ),
  'min-reps': valueFlag(
    GROUP_REPS,
    `Measured invocations per cell, at least. Allowed: an integer from ${REPS_RULE.min} to ${REPS_RULE.max}`,
    String(DEFAULTS.minReps),
  ),
  'max-reps': valueFlag(
    GROUP_REPS,
    `Measured invocations per cell, at most. Allowed: an integer from ${REPS_RULE.min} to ${REPS_RULE.max}, not below --min-reps`,
    String(DEFAULTS.maxReps),
  ),
  ci: valueFlag(
    GROUP_REPS,
    `Between --min-reps and --max-reps, a cell stops once the confidence interval of its median duration is within this percentage of the median. Allowed: a number from ${CI_PCT_RANGE.min} to ${CI_PCT_RANGE.max}`,
    String(DEFAULTS.ciPct),
  ),
  warmup: valueFlag(
    GROUP_REPS,
    `Warm-up invocations per cell before measuring; recorded, tagged as warm-up, left out of the statistics. Allowed: an integer from ${WARMUP_RULE.min} to ${WARMUP_RULE.max}`,
    String(DEFAULTS.warmup),
  ),
  concurrency: valueFlag(
    GROUP_REPS,
    `Invocations in flight at once on --target aws (local runs one cell at a time). Allowed: an integer from ${CONCURRENCY_RULE.min} to ${CONCURRENCY_RULE.max}`,
    `${DEFAULTS.concurrency.local} on local, ${DEFAULTS.concurrency.aws} on aws`,
  ),
  timeout: valueFlag(
    GROUP_REPS,
    `Function timeout in seconds. Allowed: an integer from ${TIMEOUT_RULE.min} to ${TIMEOUT_RULE.max}`,
    String(DEFAULTS.timeoutS),
  ),
  out: valueFlag(
    GROUP_OUTPUT,
    'Results directory; a run writes to <out>/<run-id>/. Allowed: a path',
    'results/ in the repository',
  ),
  'run-id': valueFlag(
    GROUP_OUTPUT,
    'Name of this run and of its results directory. Allowed: [A-Za-z0-9._-]+',
    'generated from the UTC time and a random suffix, e.g. 20261125-131500-a1b2',
  ),
  prefix: valueFlag(
    GROUP_OUTPUT,
    `Function name prefix: functions are named <prefix>-<arch>-<memory>. Allowed: [A-Za-z0-9_-]+, at most ${MAX_PREFIX_LENGTH} characters`,
    DEFAULTS.prefix,
  ),
  'max-cost-usd': valueFlag(
    GROUP_SAFETY,
    'On --target aws, refuse to start when the estimate with every cell at --max-reps costs more than this many USD (see the plan command). Allowed: a number of at least 0',
    String(DEFAULTS.maxCostUsd),
  ),
  yes: {
    type: 'boolean' as const,
    group: GROUP_SAFETY,
    describe: 'Proceed even when the estimate exceeds --max-cost-usd',
    defaultDescription: String(DEFAULTS.yes),
  },
} satisfies Record<SweepFlag | 'config', Options>;

/** Register every sweep flag on a command's yargs instance. */
export function withSweepOptions<T>(y: Argv<T>) {
  return y.options(SWEEP_OPTIONS);
}

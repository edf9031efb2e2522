/**
 * yargs glue for the option tables of harness/options.ts: every sweep command (plan, deploy, run, bench) registers
 * the same flags, described the same way. yargs only collects them: values stay raw (strings, no yargs defaults) so
 * the table's resolver validates them once, tells a flag given from one left out, and lets flags win over --config.
 */
import type { Argv, Options } from 'yargs';
import {
  LOGS_WAIT_OPTION_TABLE,
  OPTION_GROUPS,
  type OptionTable,
  RECOMMEND_OPTION_TABLE,
  RUN_CONTROL_OPTION_TABLE,
  SWEEP_OPTION_TABLE,
  TARGET_OPTION_TABLE,
} from '../options.js';

/** The yargs description of each option of a table, keyed by flag. */
export function yargsOptions<T>(table: OptionTable<T>): Record<string, Options> {
  const options: Record<string, Options> = {};
  for (const spec of table) {
    options[spec.flag] = spec.boolean
      ? { type: 'boolean', group: spec.group, describe: spec.describe, defaultDescription: spec.defaultDescription }
      : // `requiresArg` turns `--memory` with nothing after it into a usage error.
        {
          type: 'string',
          requiresArg: true,
          group: spec.group,
          describe: spec.describe,
          defaultDescription: spec.defaultDescription,
        };
  }
  return options;
}

const CONFIG_OPTION: Options = {
  type: 'string',
  requiresArg: true,
  group: OPTION_GROUPS.where,
  describe:
    'JSON file of option values keyed by flag name, e.g. {"memory": [512, 1024], "max-reps": 10}; values are JSON numbers, arrays, booleans or the strings the flags take. Flags on the command line win; an unknown key is an error',
  defaultDescription: 'none',
};

/** Register every sweep flag (and --config) on a command's yargs instance. */
export function withSweepOptions<T>(y: Argv<T>) {
  return y.options({ config: CONFIG_OPTION, ...yargsOptions(SWEEP_OPTION_TABLE) });
}

/** Register --target, --region, --profile and --endpoint-url. */
export function withTargetOptions<T>(y: Argv<T>) {
  return y.options(yargsOptions(TARGET_OPTION_TABLE));
}

/** Register the sweep flags plus --role, --resume and --logs-wait (`run`, `bench`), or --role alone (`deploy`). */
export function withMeasureOptions<T>(y: Argv<T>, which: 'role' | 'role-and-resume') {
  const table = RUN_CONTROL_OPTION_TABLE.filter((spec) => which === 'role-and-resume' || spec.key === 'role');
  const logs = which === 'role-and-resume' ? yargsOptions(LOGS_WAIT_OPTION_TABLE) : {};
  return withSweepOptions(y).options({ ...yargsOptions(table), ...logs });
}

/** Register --logs-wait (`analyze --cloudwatch`). */
export function withLogsWaitOptions<T>(y: Argv<T>) {
  return y.options(yargsOptions(LOGS_WAIT_OPTION_TABLE));
}

/** Register --strategy and --max-duration-ms (the `recommend` command). */
export function withRecommendOptions<T>(y: Argv<T>) {
  return y.options(yargsOptions(RECOMMEND_OPTION_TABLE));
}

/**
 * `vcpu-bench plan`: what a sweep would deploy and run, and what it should cost and take, without deploying or
 * writing anything. The first step of `bench`, callable on its own.
 */
import type { Argv, CommandModule } from 'yargs';
import { NEW_ACCOUNT_MEMORY_CAP_MB } from '../../lambda/platform.js';
import { decimal, resolveSweepOptions } from '../../options.js';
import { calibrate, type PlanCalibration, planSweep } from '../../plan/plan.js';
import { renderPlan } from '../../plan/render.js';
import { withSweepOptions } from '../common-options.js';

const itemMsOf = (value: unknown) =>
  decimal(0.001, 3_600_000, 'must be a number from 0.001 to 3600000 (ms)')('--item-ms', value);

const builder = (y: Argv<object>) =>
  withSweepOptions(y)
    .option('json', {
      type: 'boolean',
      group: 'Plan:',
      describe: 'Print the plan as JSON (every cell, every total) instead of a table',
      defaultDescription: 'false',
    })
    .option('item-ms', {
      type: 'string',
      group: 'Plan:',
      requiresArg: true,
      describe:
        'Use this item time (ms per hash on 1 vCPU) instead of timing a few hashes on this machine. Allowed: a number from 0.001 to 3600000',
      defaultDescription: 'measured on this machine',
    })
    .example('$0 plan', 'the default sweep on the local emulator')
    .example(
      `$0 plan --target aws --memory 512-${NEW_ACCOUNT_MEMORY_CAP_MB}:512 --modes sequential,worker_threads --workers 1-4`,
      'an AWS sweep',
    )
    .example('$0 plan --algorithm pbkdf2 --items 8 --workers 1,2,4,8 --json', 'pbkdf2 at its default cost, as JSON')
    .example('$0 plan --config sweep.json --max-reps 10', 'a config file, one value overridden');

type PlanArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan',
  describe: 'Show what a sweep would deploy and run, with estimated invocations, cost and wall time; deploys nothing',
  builder,
  handler: (argv) => {
    const options = resolveSweepOptions(argv);
    const itemMs = argv['item-ms'];
    const calibration: PlanCalibration =
      itemMs === undefined ? calibrate(options.algorithm, options.cost) : { msPerItemAtOneVcpu: itemMsOf(itemMs) };
    const plan = planSweep(options, calibration);
    process.stdout.write(argv.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
  },
};

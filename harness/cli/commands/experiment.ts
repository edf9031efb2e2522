/**
 * `vcpu-bench experiment <name>`: experiments beside the sweep. `background`: what Lambda's freeze does to work a
 * handler starts and does not await (harness/experiment/background.ts).
 */
import type { Argv, CommandModule } from 'yargs';
import { backgroundRow } from '../../analyze/background.js';
import { checkBackgroundInput, runBackgroundExperiment } from '../../experiment/background.js';
import { MB_PER_VCPU } from '../../lambda/platform.js';
import { BACKGROUND_OPTION_TABLE, type BackgroundOptions, resolveBackgroundOptions } from '../../options.js';
import { type BackgroundPlan, backgroundCostGuard, planBackground } from '../../plan/background.js';
import { calibrate } from '../../plan/calibrate.js';
import type { BackgroundPairRecord } from '../../run/background.js';
import { formatCount, formatSeconds, formatUsd } from '../../text/format.js';
import { yargsOptions } from '../common-options.js';
import { EXIT_INTERRUPTED } from '../errors.js';
import { stopOnSignals } from '../interrupt.js';
import { command } from '../program.js';

const backgroundBuilder = (y: Argv<object>) =>
  y
    .options({
      config: {
        type: 'string',
        requiresArg: true,
        describe: 'JSON file of option values keyed by flag name, e.g. {"gap-ms": [500, 2000]}; flags win',
        defaultDescription: 'none',
      },
      ...yargsOptions(BACKGROUND_OPTION_TABLE),
    })
    .example('$0 experiment background --reclaim', 'on the local emulator, with and without a reclaim between calls')
    .example(
      `$0 experiment background --target aws --role arn:aws:iam::123456789012:role/vcpu-bench-function --memory ${MB_PER_VCPU} --reclaim`,
      'on AWS',
    );

type BackgroundArgs = ReturnType<typeof backgroundBuilder> extends Argv<infer U> ? U : never;

function planLines(plan: BackgroundPlan, o: BackgroundOptions): string[] {
  const lines = [
    `experiment background: ${plan.cells.length} cells x ${o.pairs} pairs = ${plan.pairs} pairs, ` +
      `${formatCount(plan.invocations)} invocations; estimated ~${formatSeconds(plan.wallTimeS)}` +
      `${o.target === 'aws' ? `, ${formatUsd(plan.usd)} at AWS prices` : ''} (estimates)`,
  ];
  return [...lines, ...plan.warnings.map((w) => `warning: ${w}`)];
}

function pairLine(record: BackgroundPairRecord, done: number, total: number): string {
  const r = backgroundRow(record);
  const where = `${r.memory_mb} MB ${r.background} gap ${r.gap_ms} ms${r.reclaim ? ' reclaimed' : ''} #${r.pair + 1}`;
  const n = (value: number | null) => (value === null ? '-' : String(value));
  const counts =
    r.status === 'ok'
      ? `started ${n(r.started)}: before response ${n(r.completed_before_response)}, during gap ${n(r.completed_during_gap)}, after thaw ${n(r.completed_after_thaw)}, lost ${n(r.lost)}`
      : `error: ${r.error}`;
  return `[${done}/${total}] ${where}: ${counts}`;
}

export const backgroundCommand: CommandModule<object, BackgroundArgs> = {
  command: 'background',
  describe:
    "What Lambda's freeze does to fire-and-forget work: pairs of invocations (start work without awaiting it, collect it --gap-ms later) per memory size and kind, beside the same work awaited; writes background.csv and prints a table and a conclusion",
  builder: backgroundBuilder,
  handler: async (argv) => {
    const options = resolveBackgroundOptions(argv);
    checkBackgroundInput(options);
    const calibration = calibrate(options.algorithm, options.cost);
    const plan = planBackground(options, calibration);
    backgroundCostGuard(plan, options);
    const interrupts = stopOnSignals('the pair in flight', 'background.jsonl holds every pair finished so far');
    try {
      const result = await runBackgroundExperiment({
        options,
        plan,
        signal: interrupts.signal,
        notice: (line) => process.stderr.write(`${line}\n`),
        preamble: planLines(plan, options),
        onPair: (record, done, total) => process.stderr.write(`${pairLine(record, done, total)}\n`),
      });
      process.stdout.write(`\n${result.table}\n${result.conclusion}\n\nFiles: ${result.files.join(', ')}\n`);
      if (result.interrupted) {
        process.stderr.write(`interrupted: ${result.rows.length} of ${plan.pairs} pairs measured\n`);
        process.exitCode = EXIT_INTERRUPTED;
      }
    } finally {
      interrupts.dispose();
    }
  },
};

export const experimentCommand: CommandModule<object, object> = {
  command: 'experiment',
  describe: "Experiments beside the sweep; background: what Lambda's freeze does to work a handler does not await",
  builder: (y) => y.command(command(backgroundCommand)).demandCommand(1, 'name an experiment: background'),
  handler: () => {},
};

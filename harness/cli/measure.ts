/**
 * What `run` and `bench` share on the terminal: options (or those of the run to resume), the plan, the cost guard on
 * AWS, SIGINT/SIGTERM handling, the progress view, and the message and exit code of an interrupted run.
 */

import { resolveRunControlOptions, resolveSweepOptions, type SweepOptions } from '../options.js';
import { type MeasuredRun, makePlan, measure, roleFor, sweepOptionsFor } from '../pipeline.js';
import { costGuard } from '../plan/plan.js';
import { renderPlan } from '../plan/render.js';
import { EXIT_INTERRUPTED } from './errors.js';
import { handleInterrupts, resumeHint } from './interrupt.js';
import { progressView } from './progress.js';

export interface MeasureFlags {
  options: SweepOptions;
  resumeId: string | null;
  role: string | null;
}

/** The sweep options and --role / --resume of a `run` or `bench` command line, validated. */
export function measureFlags(argv: Record<string, unknown>): MeasureFlags {
  const { role, resume } = resolveRunControlOptions(argv);
  return { options: resolveSweepOptions(argv), resumeId: resume, role };
}

export async function measureFromCli(
  flags: MeasureFlags,
  command: 'run' | 'bench',
  after: (run: MeasuredRun) => Promise<void>,
): Promise<void> {
  const options = sweepOptionsFor(flags.options, flags.resumeId);
  const role = roleFor(options, flags.role);
  const plan = makePlan(options);
  if (command === 'bench') process.stderr.write(`${renderPlan(plan)}\n`);
  if (options.target === 'aws') costGuard(plan, options);
  const interrupts = handleInterrupts(options.runId, options.out, command);
  const view = progressView(plan.cells.length);
  let run: MeasuredRun;
  try {
    ({ run } = await measure(
      {
        options,
        plan,
        role,
        resume: flags.resumeId !== null,
        signal: interrupts.signal,
        progress: view,
        notice: (line) => process.stderr.write(`${line}\n`),
      },
      async (finished) => {
        view.stop();
        await after(finished);
      },
    ));
  } finally {
    view.stop();
    interrupts.dispose();
  }
  if (run.result.interrupted) {
    process.stderr.write(
      `interrupted: ${run.result.cells.length} of ${plan.cells.length} cells complete. ${resumeHint(options.runId, options.out, command)}\n`,
    );
    process.exitCode = EXIT_INTERRUPTED;
  }
}

/**
 * What `run` and `bench` share on the terminal: options (or those of the run to resume), the plan, the cost guard on
 * AWS, SIGINT/SIGTERM handling, the progress view, and the message and exit code of an interrupted run.
 */

import type { AnalyzeResult } from '../analyze/analyze.js';
import {
  resolveLogsWaitOptions,
  resolveRunControlOptions,
  resolveSweepOptions,
  type SweepOptions,
} from '../options.js';
import { analyzeStep, collectLateReports, type MeasuredRun, makePlan, measure, sweepOptionsFor } from '../pipeline.js';
import { costGuard } from '../plan/plan.js';
import { renderPlan } from '../plan/render.js';
import { EXIT_INTERRUPTED } from './errors.js';
import { handleInterrupts, resumeHint } from './interrupt.js';
import { progressView, reportLogsPoll } from './progress.js';

export interface MeasureFlags {
  options: SweepOptions;
  resumeId: string | null;
  role: string | null;
  logsWaitS: number;
}

/** The sweep options, --role / --resume and --logs-wait of a `run` or `bench` command line, validated. */
export function measureFlags(argv: Record<string, unknown>): MeasureFlags {
  const { role, resume } = resolveRunControlOptions(argv);
  const { logsWaitS } = resolveLogsWaitOptions(argv);
  return { options: resolveSweepOptions(argv), resumeId: resume, role, logsWaitS };
}

export async function measureFromCli(
  flags: MeasureFlags,
  command: 'run' | 'bench',
  after: (run: MeasuredRun) => Promise<void>,
): Promise<void> {
  const options = sweepOptionsFor(flags.options, flags.resumeId);
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
        role: flags.role,
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
      `interrupted: ${run.result.cells.length} of ${run.cells.length} cells complete. ${resumeHint(options.runId, options.out, command)}\n`,
    );
    process.exitCode = EXIT_INTERRUPTED;
  }
}

/**
 * After a finished run: wait for late REPORT lines (--logs-wait), saying what it waits for, then analyze. The
 * terminal hears one line per fetch while something is missing.
 */
export async function collectAndAnalyze(run: MeasuredRun, logsWaitS: number): Promise<AnalyzeResult> {
  const waited = await collectLateReports(run.session, run.runDir, {
    waitS: logsWaitS,
    onPoll: (found, polls) => reportLogsPoll(found, polls),
  });
  if (waited.polls > 0 && waited.completeness.missing.length > 0) {
    process.stderr.write(`gave up waiting after --logs-wait ${logsWaitS} s: the missing rows are listed below\n`);
  }
  return analyzeStep(run.runDir);
}

/** `vcpu-bench run`: drive the sweep, appending every invocation to results/<run-id>/invocations.jsonl. */
import type { Argv, CommandModule } from 'yargs';
import { MISSING_ROWS_SHOWN, renderRunReport } from '../../analyze/table.js';
import { MB_PER_VCPU } from '../../lambda/platform.js';
import { oversubscriptionWarning } from '../../pipeline.js';
import { INVOCATIONS_FILE } from '../../run/record.js';
import { withMeasureOptions } from '../common-options.js';
import { collectAndAnalyze, measureFlags, measureFromCli } from '../measure.js';

const builder = (y: Argv<object>) =>
  withMeasureOptions(y, 'role-and-resume')
    .example(
      `$0 run --memory 1024,${MB_PER_VCPU} --modes sequential,worker_threads`,
      'a small sweep on the local emulator',
    )
    .example('$0 run --resume 20261125-131500-a1b2', 'continue an interrupted run');

type RunArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe:
    'Deploy (idempotent) and drive the sweep: warm-ups tagged, adaptive repetitions, throttles retried and counted, every invocation appended to results/<run-id>/invocations.jsonl as it returns; then wait for late REPORT lines',
  builder,
  handler: async (argv) => {
    const flags = measureFlags(argv);
    await measureFromCli(flags, 'run', async (run) => {
      const { cells, runDir } = run;
      // Late REPORT lines are collected here, while the target is open; `analyze` then needs no access to it.
      const analysis = await collectAndAnalyze(run, flags.logsWaitS);
      process.stdout.write(renderRunReport(analysis.run, MISSING_ROWS_SHOWN));
      process.stdout.write(
        `${runDir.dir}/${INVOCATIONS_FILE}: ${cells.length} cells. Next: npm run cli -- analyze ${runDir.dir}\n`,
      );
      const warning = oversubscriptionWarning(runDir);
      if (warning) process.stderr.write(`${warning}\n`);
    });
  },
};

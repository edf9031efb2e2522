/**
 * `vcpu-bench bench`: plan -> deploy -> run -> analyze (CSVs and report.html), then the summary table, the knee table
 * and the recommendation. What `npm run bench` runs.
 */
import type { Argv, CommandModule } from 'yargs';
import { renderRecommendation } from '../../analyze/recommend.js';
import { renderKneeTable } from '../../analyze/scaling.js';
import { MISSING_ROWS_SHOWN, renderRunReport, renderSummaryTable } from '../../analyze/table.js';
import { MB_PER_VCPU, memoryForVcpus } from '../../lambda/platform.js';
import { oversubscriptionWarning } from '../../pipeline.js';
import { withMeasureOptions } from '../common-options.js';
import { collectAndAnalyze, measureFlags, measureFromCli } from '../measure.js';

/** The missing REPORT rows the terminal lists; summary.md lists every one. */

const builder = (y: Argv<object>) =>
  withMeasureOptions(y, 'role-and-resume')
    .example('$0 bench', 'the default sweep on the local emulator (what `npm run bench` runs)')
    .example(
      `$0 bench --target aws --memory ${MB_PER_VCPU}-${memoryForVcpus(4)}:${MB_PER_VCPU} --workers 1-6`,
      'on AWS, with the role `setup` made',
    )
    .example('$0 bench --algorithm pbkdf2 --items 6 --workers 1,2,3', "the published experiment's workload");

type BenchArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe:
    "The whole pipeline: plan, (on AWS) preflight checks, deploy, run, wait for late REPORT lines, analyze (the CSVs and report.html, as analyze writes them), and print the summary table (per memory: vCPU share, median ms per mode and workers, speedup, cost per 1k items), the knee table, a recommendation and the run's actual cost",
  builder,
  handler: async (argv) => {
    const flags = measureFlags(argv);
    await measureFromCli(flags, 'bench', async (run) => {
      const { runDir } = run;
      const analysis = await collectAndAnalyze(run, flags.logsWaitS);
      process.stdout.write(`\n${renderSummaryTable(analysis.summary)}\n`);
      process.stdout.write(`${renderKneeTable(analysis.scaling)}\n${renderRecommendation(analysis.recommendations)}`);
      process.stdout.write(`\n${renderRunReport(analysis.run, MISSING_ROWS_SHOWN)}`);
      process.stdout.write(`\nWrote ${analysis.files.join(', ')}\n`);
      const warning = oversubscriptionWarning(runDir);
      if (warning) process.stderr.write(`\n${warning}\n`);
    });
  },
};

/** `vcpu-bench bench`: plan -> deploy -> run -> analyze, then the summary table. What `npm run bench` runs. */
import type { Argv, CommandModule } from 'yargs';
import { renderRecommendation } from '../../analyze/recommend.js';
import { renderKneeTable } from '../../analyze/scaling.js';
import { renderSummaryTable } from '../../analyze/table.js';
import { MB_PER_VCPU, memoryForVcpus } from '../../lambda/platform.js';
import { analyzeStep, fetchFanOutReports, oversubscriptionWarning } from '../../pipeline.js';
import { withMeasureOptions } from '../common-options.js';
import { measureFlags, measureFromCli } from '../measure.js';

const builder = (y: Argv<object>) =>
  withMeasureOptions(y, 'role-and-resume')
    .example('$0 bench', 'the default sweep on the local emulator (what `npm run bench` runs)')
    .example(
      `$0 bench --target aws --role arn:aws:iam::123456789012:role/vcpu-bench --memory ${MB_PER_VCPU}-${memoryForVcpus(4)}:${MB_PER_VCPU} --workers 1-6`,
      'on AWS',
    )
    .example('$0 bench --algorithm pbkdf2 --items 6 --workers 1,2,3', "the published experiment's workload");

type BenchArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe:
    "The whole pipeline: plan, deploy, run, fetch fan-out children's REPORT lines, analyze, and print the summary table (per memory: vCPU share, median ms per mode and workers, speedup, cost per 1k items)",
  builder,
  handler: async (argv) => {
    await measureFromCli(measureFlags(argv), 'bench', async ({ session, runDir }) => {
      await fetchFanOutReports(session, runDir);
      const analysis = await analyzeStep(runDir);
      process.stdout.write(`\n${renderSummaryTable(analysis.summary)}\n`);
      process.stdout.write(`${renderKneeTable(analysis.scaling)}\n${renderRecommendation(analysis.recommendations)}`);
      process.stdout.write(`\nCSVs: ${analysis.files.join(', ')}\n`);
      const warning = oversubscriptionWarning(runDir);
      if (warning) process.stderr.write(`\n${warning}\n`);
    });
  },
};

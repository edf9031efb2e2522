/**
 * `vcpu-bench recommend <run-dir>`: the recommendation of an analyzed run (summary.json, written by `analyze` and
 * `bench`) by a strategy and an optional limit on Duration: per mode the cheapest, fastest and balanced
 * configuration, the pick, and the sentence. Reads only; writes nothing.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { errorReason, isNotFound } from '../../../lib/fs.js';
import { parseSummaryJson, summaryJson } from '../../analyze/json.js';
import { recommend, renderRecommendation } from '../../analyze/recommend.js';
import { RunDirError } from '../../errors.js';
import { resolveRecommendOptions } from '../../options.js';
import { withRecommendOptions } from '../common-options.js';
import { runDirectory } from './analyze.js';

const builder = (y: Argv<object>) =>
  withRecommendOptions(y)
    .positional('run-dir', {
      type: 'string',
      describe: `An analyzed run: results/<run-id>/ holding ${summaryJson.name} (written by analyze and bench)`,
    })
    .example('$0 recommend results/20261125-131500-a1b2', 'balanced: half cost, half Duration')
    .example(
      '$0 recommend results/20261125-131500-a1b2 --strategy cost --max-duration-ms 50',
      'the cheapest under 50 ms',
    )
    .epilogue(
      'Per mode: the cheapest, the fastest and the balanced configuration; the pick of the strategy over all modes; and one sentence on whether threads pay off, from which memory size and at what cost. Every figure is a row of summary.json.',
    );

type RecommendArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const recommendCommand: CommandModule<object, RecommendArgs> = {
  command: 'recommend <run-dir>',
  describe:
    "Recommend a memory size and mode from an analyzed run's summary (--strategy cost|speed|balanced, --max-duration-ms)",
  builder,
  handler: async (argv) => {
    const dir = await runDirectory(argv['run-dir']);
    const options = resolveRecommendOptions(argv);
    const file = path.join(dir, summaryJson.name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error: unknown) {
      const hint = isNotFound(error) ? `; run vcpu-bench analyze ${dir} first` : '';
      throw new RunDirError(`${file}: cannot be read (${errorReason(error)})${hint}`, { cause: error });
    }
    process.stdout.write(renderRecommendation(recommend(parseSummaryJson(text, file), options)));
  },
};

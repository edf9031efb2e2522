/**
 * `vcpu-bench analyze <run-dir>`: a run's invocations.jsonl (+ saved logs) -> invocations.csv, summary.csv, the
 * derived CSVs, report.html and the summary table. The analyze step of `bench`, callable on its own, again and again: it only reads the run and
 * rewrites the CSVs, except that `--cloudwatch` saves what it fetched so later runs of it see the same REPORTs.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { errorReason, isNotFound } from '../../../lib/fs.js';
import { analyzeRun } from '../../analyze/analyze.js';
import { addToScope, newLateReportScope } from '../../analyze/completeness.js';
import { CLOUDWATCH_REPORTS_FILE } from '../../analyze/log-files.js';
import { renderRecommendation } from '../../analyze/recommend.js';
import { REPORT_FILE } from '../../analyze/report/html.js';
import { renderKneeTable } from '../../analyze/scaling.js';
import { MISSING_ROWS_SHOWN, renderRunReport, renderSummaryTable } from '../../analyze/table.js';
import { ConfigError, RunDirError } from '../../errors.js';
import { resolveLogsWaitOptions, resolveTargetOptions, type TargetOptions } from '../../options.js';
import { INVOCATIONS_FILE, readInvocationsJsonl } from '../../run/record.js';
import { withLogsWaitOptions, withTargetOptions } from '../common-options.js';
import { reportLogsPoll } from '../progress.js';

const GROUP_LOGS = 'More REPORT lines:';

/** The run directory, absolute; a ConfigError when it is not there, before anything is read or written. */
export async function runDirectory(value: unknown): Promise<string> {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`<run-dir> ${String(value)}: must be one directory path, e.g. results/<run-id>`);
  }
  const dir = path.resolve(value);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error: unknown) {
    throw new ConfigError(`run directory ${dir} does not exist (${errorReason(error)}); expected results/<run-id>/`, {
      cause: error,
    });
  }
  if (!isDirectory) throw new ConfigError(`run directory ${dir} is not a directory; expected results/<run-id>/`);
  return dir;
}

/** The --logs file, checked readable before anything is written; a ConfigError naming the flag when it is not. */
async function logsFile(value: unknown): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new ConfigError(`--logs ${String(value)}: takes one value; it must be the path of a log file`);
  }
  let isFile: boolean;
  try {
    await access(value, constants.R_OK);
    isFile = (await stat(value)).isFile();
  } catch (error: unknown) {
    throw new ConfigError(`--logs ${value}: cannot read it (${errorReason(error)})`, { cause: error });
  }
  if (!isFile) throw new ConfigError(`--logs ${value}: not a file; it must be the path of a log file`);
  return path.resolve(value);
}

/** The saved CloudWatch REPORT lines of an earlier `analyze --cloudwatch`, or undefined when there are none. */
async function savedReports(file: string): Promise<string | undefined> {
  try {
    await stat(file);
    return file;
  } catch (error: unknown) {
    if (isNotFound(error)) return undefined;
    throw new RunDirError(`${file}: cannot be read (${errorReason(error)})`, { cause: error });
  }
}

/**
 * Fetch the run's REPORT lines from CloudWatch Logs and merge them into <run-dir>/cloudwatch-reports.log (lines
 * already saved are kept: log retention may have expired some since), again until every request id has its REPORT
 * or --logs-wait passes. Returns a line for the terminal.
 */
async function fetchIntoRun(dir: string, target: TargetOptions, logsWaitS: number): Promise<string> {
  const jsonl = path.join(dir, INVOCATIONS_FILE);
  // Only what the wait needs is kept: the records are read in batches (completeness.ts LateReportScope).
  const scope = newLateReportScope();
  try {
    for await (const batch of readInvocationsJsonl(jsonl)) for (const record of batch) addToScope(scope, record);
  } catch (error: unknown) {
    if (error instanceof RunDirError) throw error;
    throw new RunDirError(`${jsonl}: cannot be read (${errorReason(error)}), so the run's functions are unknown`, {
      cause: error,
    });
  }
  if (scope.records.length === 0) return `CloudWatch Logs: nothing to fetch, ${jsonl} holds no invocation.`;
  // Loaded here, not with the command: the AWS SDK behind them takes longer to load than most analyses take to run.
  const [{ openTarget }, { awaitRunReportLines }] = await Promise.all([
    import('../../target/target.js'),
    import('../../analyze/cloudwatch.js'),
  ]);
  const session = await openTarget(target);
  let awaited: Awaited<ReturnType<typeof awaitRunReportLines>>;
  try {
    awaited = await awaitRunReportLines(dir, session.logs, scope, {
      deadlineMs: logsWaitS * 1000,
      onPoll: (found, polls) => reportLogsPoll(found, polls),
    });
  } finally {
    await session.close();
  }
  const { completeness, polls } = awaited;
  const file = path.join(dir, CLOUDWATCH_REPORTS_FILE);
  if (polls === 0)
    return `CloudWatch Logs: nothing to fetch, the records hold all ${completeness.expected} REPORT lines.`;
  return `CloudWatch Logs: ${completeness.found} of ${completeness.expected} REPORT lines after ${polls} fetch${polls === 1 ? '' : 'es'}, saved to ${file}`;
}

const builder = (y: Argv<object>) =>
  withLogsWaitOptions(withTargetOptions(y))
    .positional('run-dir', {
      type: 'string',
      describe: 'The run to analyze: the directory a run wrote, results/<run-id>/, holding invocations.jsonl',
    })
    .option('logs', {
      type: 'string',
      requiresArg: true,
      group: GROUP_LOGS,
      describe:
        'A saved log with REPORT lines the run did not capture: a CloudWatch export (text, or FilterLogEvents JSON) or a docker log. Allowed: a file path',
      defaultDescription: 'none',
    })
    .option('cloudwatch', {
      type: 'boolean',
      group: GROUP_LOGS,
      describe: `Fetch the REPORT lines of the run's functions from CloudWatch Logs, for the run's time window plus a minute each side, and save them to <run-dir>/${CLOUDWATCH_REPORTS_FILE}. Uses --target, --region, --profile, --endpoint-url; on --target local it needs --endpoint-url (the emulator the run used)`,
      defaultDescription: 'false',
    })
    .example('$0 analyze results/20261125-131500-a1b2', 'rewrite the CSVs and report.html, print the summary')
    .example('$0 analyze results/20261125-131500-a1b2 --logs exported.log', 'with REPORT lines from a saved log')
    .example(
      '$0 analyze results/20261125-131500-a1b2 --cloudwatch --target aws --region eu-west-1',
      'with REPORT lines fetched from CloudWatch Logs',
    )
    .epilogue(
      `Writes invocations.csv, summary.csv, summary.json, summary.md, scaling.csv (the knee table), vcpu.csv (Duration against vCPU count), amdahl.csv (serial fraction fits) and ${REPORT_FILE} (the charts, tables and recommendation on one self-contained page: open it in a browser, offline) into <run-dir>, and prints the summary, the knee table and a balanced recommendation (vcpu-bench recommend for other strategies). It reads invocations.jsonl and the logs line by line. REPORT lines come from the run's records, then <run-dir>/${CLOUDWATCH_REPORTS_FILE} when an earlier --cloudwatch saved one, then --logs.`,
    );

type AnalyzeArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const analyzeCommand: CommandModule<object, AnalyzeArgs> = {
  command: 'analyze <run-dir>',
  describe:
    "Turn a run's invocations into invocations.csv, summary.csv, summary.json, summary.md, scaling.csv, vcpu.csv, amdahl.csv and report.html (charts); print the summary table, the knee table and a recommendation (--cloudwatch: with REPORT lines from CloudWatch Logs)",
  builder,
  handler: async (argv) => {
    // Everything the user can get wrong is checked before the run directory is touched.
    const dir = await runDirectory(argv['run-dir']);
    const logs = await logsFile(argv.logs);
    // The target flags are only used by --cloudwatch, but a wrong one is refused either way.
    const targetFlags = resolveTargetOptions(argv);
    const { logsWaitS } = resolveLogsWaitOptions(argv);
    const target = argv.cloudwatch === true ? targetFlags : null;
    if (target !== null && target.target === 'local' && target.endpointUrl === null) {
      throw new ConfigError(
        '--cloudwatch on --target local needs --endpoint-url, the emulator the run used (an embedded one kept its logs only while its command ran); or use --target aws',
      );
    }

    const savedFile = path.join(dir, CLOUDWATCH_REPORTS_FILE);
    let saved = await savedReports(savedFile);
    const notes: string[] = [];
    if (target !== null) {
      notes.push(await fetchIntoRun(dir, target, logsWaitS));
      saved = await savedReports(savedFile);
    } else if (saved !== undefined) {
      notes.push(`Including REPORT lines saved by an earlier --cloudwatch: ${savedFile}`);
    }
    const extraLogFiles = [saved, logs].filter((file): file is string => file !== undefined);
    const result = await analyzeRun(dir, { extraLogFiles });
    const out = [
      ...notes,
      `Wrote ${result.files.join(', ')}`,
      '',
      renderSummaryTable(result.summary),
      renderKneeTable(result.scaling),
      renderRecommendation(result.recommendations),
      renderRunReport(result.run, MISSING_ROWS_SHOWN),
    ];
    process.stdout.write(out.join('\n'));
  },
};

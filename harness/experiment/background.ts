/**
 * `experiment background` as a pipeline: target -> results directory -> deploy -> pairs -> analysis -> files. Like
 * harness/pipeline.ts for the sweep, it returns data and prints nothing; the CLI command prints.
 *
 * results/<run-id>/ gets experiment.json (options, target, host, versions), background.jsonl (every pair as the calls
 * came back), background.csv (one row per pair, results/README.md) and background.md (the table and the conclusion).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../lib/fs.js';
import { digestOf, hashRange } from '../../workloads/hash.js';
import { type BackgroundRow, backgroundCsv, backgroundRow } from '../analyze/background.js';
import {
  type BackgroundGroup,
  backgroundConclusion,
  groupBackgroundRows,
  renderBackgroundTable,
} from '../analyze/background-summary.js';
import { deploy } from '../deploy/deploy.js';
import { ConfigError } from '../errors.js';
import { RUNTIME } from '../lambda/platform.js';
import type { BackgroundOptions } from '../options.js';
import { requireRole, resolveRole } from '../pipeline.js';
import type { BackgroundPlan } from '../plan/background.js';
import {
  BACKGROUND_RECORDS_FILE,
  type BackgroundPairRecord,
  type BackgroundRunResult,
  runBackgroundPairs,
} from '../run/background.js';
import { hostInfo } from '../run/run-dir.js';
import { openTarget } from '../target/target.js';
import { harnessVersion } from '../version.js';

export const EXPERIMENT_FILE = 'experiment.json';
export const BACKGROUND_TABLE_FILE = 'background.md';

export interface BackgroundExperimentInput {
  options: BackgroundOptions;
  plan: BackgroundPlan;
  signal?: AbortSignal;
  onPair?: (record: BackgroundPairRecord, done: number, total: number) => void;
  /** What the terminal should hear while the experiment starts, one line each. */
  notice?: (line: string) => void;
  /** Lines to notice once nothing more can be refused (the role is known), before anything is written: the plan. */
  preamble?: readonly string[];
}

export interface BackgroundExperimentResult {
  dir: string;
  interrupted: boolean;
  rows: BackgroundRow[];
  groups: BackgroundGroup[];
  table: string;
  conclusion: string;
  files: string[];
}

/** The table and the sentence, from rows alone (also what `background.md` holds). */
export function analyzeBackground(
  rows: readonly BackgroundRow[],
): Pick<BackgroundExperimentResult, 'groups' | 'table' | 'conclusion'> {
  const groups = groupBackgroundRows(rows);
  return { groups, table: renderBackgroundTable(groups), conclusion: backgroundConclusion(rows) };
}

async function writeResults(dir: string, run: BackgroundRunResult): Promise<BackgroundExperimentResult> {
  const rows = run.records.map(backgroundRow);
  const analysis = analyzeBackground(rows);
  const csv = path.join(dir, backgroundCsv.name);
  const md = path.join(dir, BACKGROUND_TABLE_FILE);
  await writeFileAtomic(csv, backgroundCsv.serialize(rows));
  await writeFileAtomic(md, `${analysis.table}\n${analysis.conclusion}\n`);
  return {
    dir,
    interrupted: run.interrupted,
    rows,
    ...analysis,
    files: [path.join(dir, BACKGROUND_RECORDS_FILE), csv, md],
  };
}

/**
 * What can be refused before the target is opened: a run id already used. Returns the results directory. (The role is
 * resolved once the target is open, as the sweep resolves it: --role, or the role `setup` made for --prefix.)
 */
export function checkBackgroundInput(o: BackgroundOptions): { dir: string } {
  const dir = path.join(o.out, o.runId);
  if (existsSync(dir)) throw new ConfigError(`--run-id ${o.runId}: ${dir} already exists; choose another run id`);
  return { dir };
}

export async function runBackgroundExperiment(input: BackgroundExperimentInput): Promise<BackgroundExperimentResult> {
  const { options: o, plan } = input;
  const notice = input.notice ?? (() => {});
  const { dir } = checkBackgroundInput(o);
  const session = await openTarget({
    target: o.target,
    region: o.region,
    profile: o.profile,
    endpointUrl: o.endpointUrl,
    initCpu: o.initCpu,
    maxWorkers: o.workers,
    executor: { executor: o.executor, dockerMode: o.dockerMode, image: o.image },
  });
  try {
    const role = requireRole(await resolveRole(session, o, o.role));
    for (const line of input.preamble ?? []) notice(line);
    mkdirSync(dir, { recursive: true });
    // The digest the background work must reach, computed here by the same code the function runs.
    const expectedDigest = digestOf(
      hashRange({ algorithm: o.algorithm, cost: o.cost, seed: o.seed, start: 0, end: o.items }),
    );
    const manifest = {
      runId: o.runId,
      experiment: 'background',
      createdAt: new Date().toISOString(),
      options: o,
      target: {
        kind: session.kind,
        description: session.description,
        emulated: session.emulated,
        cpuEnforced: session.cpuEnforced,
        initCpu: session.initCpu,
        executor: session.executor,
      },
      host: hostInfo(),
      versions: { harness: harnessVersion(), node: process.version, lambdaRuntime: RUNTIME },
      expectedDigest,
    };
    await writeFileAtomic(path.join(dir, EXPERIMENT_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    notice(`experiment background ${o.runId} on ${session.description}`);
    notice(`results: ${dir}`);
    const functions = [...new Map(plan.cells.map((c) => [c.functionName, c])).values()];
    await deploy(
      session,
      functions.map((c) => ({ name: c.functionName, arch: c.arch, memoryMb: c.memoryMb })),
      { runId: o.runId, timeoutS: o.timeoutS, role },
    );
    const run = await runBackgroundPairs({
      session,
      options: o,
      cells: plan.cells,
      file: path.join(dir, BACKGROUND_RECORDS_FILE),
      expectedDigest,
      signal: input.signal,
      onPair: input.onPair,
    });
    return await writeResults(dir, run);
  } finally {
    await session.close();
  }
}

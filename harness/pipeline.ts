/**
 * The main path as a straight pipeline: plan -> deploy -> run -> analyze. Each step is a function with typed input
 * and output, callable on its own. Steps return data and print nothing: the CLI commands (harness/cli/commands/)
 * print, handle signals and choose exit codes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { digestOf, hashRange } from '../workloads/hash.js';
import { type AnalyzeResult, analyzeRun } from './analyze/analyze.js';
import { CLOUDWATCH_REPORTS_FILE, saveRunReportLines } from './analyze/cloudwatch.js';
import { type DeployedFunction, deploy, LOCAL_ROLE } from './deploy/deploy.js';
import { ConfigError } from './errors.js';
import { RUNTIME } from './lambda/platform.js';
import { resolveSavedSweepOptions, type SweepOptions } from './options.js';
import { calibrate, type Plan, type PlanCalibration, plannedFunctions, planSweep } from './plan/plan.js';
import { harnessVersion, hostInfo, RunDir, type RunManifest } from './run/run-dir.js';
import { runSweep, type SweepProgress, type SweepResult } from './run/sweep.js';
import { openTarget, type TargetSession } from './target/target.js';

export function makePlan(options: SweepOptions, calibration?: PlanCalibration): Plan {
  return planSweep(options, calibration ?? calibrate(options.algorithm, options.cost));
}

export function roleFor(options: Pick<SweepOptions, 'target'>, role: string | null): string {
  if (role) return role;
  if (options.target === 'aws') {
    throw new ConfigError(
      '--role: required with --target aws: the ARN of an IAM role Lambda can assume (basic execution, plus lambda:InvokeFunction on the benchmark functions for fan_out)',
    );
  }
  return LOCAL_ROLE;
}

export async function openSession(options: SweepOptions): Promise<TargetSession> {
  return openTarget({
    target: options.target,
    region: options.region,
    profile: options.profile,
    endpointUrl: options.endpointUrl,
    maxWorkers: Math.max(...options.workers),
    initCpu: options.initCpu,
  });
}

/** Deploys one function per (arch, memory) of the sweep; needs no plan, so no calibration. */
export async function deployStep(
  session: TargetSession,
  options: SweepOptions,
  role: string,
): Promise<DeployedFunction[]> {
  return deploy(
    session,
    plannedFunctions(options).map((f) => ({ name: f.name, arch: f.arch, memoryMb: f.memoryMb })),
    { runId: options.runId, timeoutS: options.timeoutS, role },
  );
}

/** Prepares the run directory: a new one refuses to overwrite, a resumed one keeps its manifest. */
export function openRunDir(
  options: SweepOptions,
  session: TargetSession,
  resume: boolean,
): { runDir: RunDir; manifest: RunManifest } {
  const runDir = RunDir.forRun(options.out, options.runId);
  if (resume) {
    const manifest = runDir.readManifest();
    manifest.resumedAt.push(new Date().toISOString());
    runDir.writeManifest(manifest);
    return { runDir, manifest };
  }
  if (runDir.exists()) {
    throw new ConfigError(
      `--run-id ${options.runId}: ${runDir.dir} already exists; continue it with --resume ${options.runId}`,
    );
  }
  // The reference digest every mode must return, computed here, once, by the same code the function runs.
  const expectedDigest = digestOf(
    hashRange({ algorithm: options.algorithm, cost: options.cost, seed: options.seed, start: 0, end: options.items }),
  );
  const manifest: RunManifest = {
    runId: options.runId,
    createdAt: new Date().toISOString(),
    options,
    target: {
      kind: session.kind,
      description: session.description,
      emulated: session.emulated,
      cpuEnforced: session.cpuEnforced,
      initCpu: session.initCpu,
    },
    host: hostInfo(),
    versions: { harness: harnessVersion(), node: process.version, lambdaRuntime: RUNTIME },
    expectedDigest,
    resumedAt: [],
  };
  runDir.writeManifest(manifest);
  return { runDir, manifest };
}

/**
 * The options to run with: the command line's, or, for `--resume <id>`, those the run saved (validated like flags),
 * with the command line's --out.
 */
export function sweepOptionsFor(flags: SweepOptions, resumeId: string | null): SweepOptions {
  if (resumeId === null) return flags;
  const runDir = RunDir.forRun(flags.out, resumeId);
  if (!runDir.exists()) {
    throw new ConfigError(
      `--resume ${resumeId}: no run at ${runDir.dir} (run.json missing); allowed: a run id under --out ${flags.out}`,
    );
  }
  const saved = runDir.readManifest().options;
  return { ...resolveSavedSweepOptions({ ...saved }), out: flags.out };
}

export async function runStep(
  session: TargetSession,
  plan: Plan,
  runDir: RunDir,
  manifest: RunManifest,
  signal?: AbortSignal,
  progress?: SweepProgress,
): Promise<SweepResult> {
  return runSweep({
    session,
    options: plan.options,
    cells: plan.cells,
    runDir,
    expectedDigest: manifest.expectedDigest,
    signal,
    progress,
  });
}

/**
 * Fan-out children are invocations of their own, with REPORT lines only in the target's logs: fetch the REPORT lines
 * of the run's fan_out functions for its time window into the run directory, where `analyze` reads them.
 */
export async function fetchFanOutReports(session: TargetSession, runDir: RunDir): Promise<number> {
  const records = runDir.readRecords().filter((r) => r.mode === 'fan_out');
  const saved = await saveRunReportLines(runDir.dir, session.logs, records);
  return saved?.fetched ?? 0;
}

/**
 * A warning when measured invocations ran while the local host was oversubscribed (the emulator's environments'
 * CPU quotas summed above its cores): their durations measure the host's contention, not the CPU model. Null if none.
 */
export function oversubscriptionWarning(runDir: RunDir): string | null {
  const measured = runDir.readRecords().filter((r) => !r.warmup);
  const over = measured.filter((r) => (r.hostOversubscription ?? 0) > 1);
  if (over.length === 0) return null;
  const cells = [...new Set(over.map((r) => `${r.memoryMb} MB ${r.mode} x${r.workers}`))];
  const worst = Math.max(...over.map((r) => r.hostOversubscription ?? 0));
  return (
    `warning: ${over.length} of ${measured.length} measured invocations ran while the host was oversubscribed ` +
    `(running CPU quotas up to ${worst.toFixed(2)}x its cores), in ${cells.join(', ')}: ` +
    'their durations reflect this host, not the memory-to-CPU model (hostOversubscription in invocations.jsonl)'
  );
}

export async function analyzeStep(runDir: RunDir): Promise<AnalyzeResult> {
  const file = path.join(runDir.dir, CLOUDWATCH_REPORTS_FILE);
  return analyzeRun(runDir.dir, existsSync(file) ? { extraLogFiles: [file] } : {});
}

export interface MeasureInput {
  /** The options to run with (sweepOptionsFor has applied --resume). */
  options: SweepOptions;
  plan: Plan;
  role: string;
  resume: boolean;
  signal?: AbortSignal;
  progress?: SweepProgress;
  /** What the terminal should hear while the run starts (the target, where results go), one line each. */
  notice?: (line: string) => void;
}

export interface MeasuredRun {
  plan: Plan;
  session: TargetSession;
  runDir: RunDir;
  result: SweepResult;
}

/**
 * `run` and `bench` alike: target, run directory, deploy, sweep. `after` gets the finished, uninterrupted run while
 * the target is still open (bench fetches logs and analyzes there); an interrupted run skips it. The session is
 * closed either way. Returns the run and what `after` returned (null when interrupted).
 */
export async function measure<T>(
  input: MeasureInput,
  after: (run: MeasuredRun) => Promise<T>,
): Promise<{ run: MeasuredRun; after: T | null }> {
  const { options, plan } = input;
  const notice = input.notice ?? (() => {});
  const session = await openSession(options);
  try {
    const { runDir, manifest } = openRunDir(options, session, input.resume);
    notice(`run ${options.runId} on ${session.description}`);
    notice(`results: ${runDir.dir}`);
    const hostArch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
    const foreign = options.arch.filter((a) => a !== hostArch);
    if (session.emulated && foreign.length > 0) {
      notice(
        `note: ${foreign.join(', ')} functions run on this ${hostArch} host under the emulator: their rows carry the arch they were deployed with, but the CPU is this host's`,
      );
    }
    await deployStep(session, options, input.role);
    const result = await runStep(session, plan, runDir, manifest, input.signal, input.progress);
    const run = { plan, session, runDir, result };
    return { run, after: result.interrupted ? null : await after(run) };
  } finally {
    await session.close();
  }
}

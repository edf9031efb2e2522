/**
 * The main path as a straight pipeline: plan -> deploy -> run -> analyze. Each step is a function with typed input
 * and output, callable on its own. Steps return data and print nothing: the CLI commands (harness/cli/commands/)
 * print, handle signals and choose exit codes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { digestOf, hashRange } from '../workloads/hash.js';
import { type AnalyzeResult, analyzeRun } from './analyze/analyze.js';
import { type AwaitedReports, awaitRunReportLines, CLOUDWATCH_REPORTS_FILE } from './analyze/cloudwatch.js';
import { addToScope, type Completeness, newLateReportScope } from './analyze/completeness.js';
import { type DeployedFunction, deploy, LOCAL_ROLE, skippedOf } from './deploy/deploy.js';
import { type DoctorCheck, type DoctorReport, doctor } from './doctor/doctor.js';
import { ConfigError, DeployError, PreflightError } from './errors.js';
import { RUNTIME } from './lambda/platform.js';
import { resolveSavedSweepOptions, type SweepOptions } from './options.js';
import {
  calibrate,
  type Plan,
  type PlanCalibration,
  type PlannedCell,
  plannedFunctions,
  planSweep,
} from './plan/plan.js';
import { readInvocationsJsonl } from './run/record.js';
import { hostInfo, RunDir, type RunManifest, type SkippedFunction } from './run/run-dir.js';
import { runSweep, type SweepProgress, type SweepResult } from './run/sweep.js';
import { findSetupRole } from './setup/role.js';
import { openTarget, type TargetSession } from './target/target.js';
import { harnessVersion } from './version.js';

export function makePlan(options: SweepOptions, calibration?: PlanCalibration): Plan {
  return planSweep(options, calibration ?? calibrate(options.algorithm, options.cost));
}

/**
 * The role the functions run as: --role when given; locally a placeholder; on AWS the role `vcpu-bench setup` made
 * for this --prefix, found by its name and tag (null when there is none, or it cannot be read: doctor says which).
 */
export async function resolveRole(
  session: TargetSession,
  options: Pick<SweepOptions, 'prefix'>,
  role: string | null,
): Promise<string | null> {
  if (role) return role;
  if (session.kind === 'local') return LOCAL_ROLE;
  try {
    return await findSetupRole(session, options.prefix);
  } catch {
    return null;
  }
}

/** The doctor's checks without probes, before anything is deployed on AWS; a failed one stops the command (exit 2). */
export async function preflight(
  session: TargetSession,
  options: SweepOptions,
  role: string | null,
  notice: (line: string) => void,
  invokes = true,
): Promise<DoctorReport> {
  const report = await doctor(session, { options, role, probe: false, invokes });
  notice(`preflight (vcpu-bench doctor) on ${session.description}:`);
  for (const line of report.checks.map(checkLine)) notice(line);
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
    throw new PreflightError(`preflight failed: ${failed.join(', ')}; nothing was deployed (fixes above)`);
  }
  return report;
}

/** One checklist line: status, check, what was found, and the fix when there is one. */
export function checkLine(c: DoctorCheck): string {
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' }[c.status];
  return `  ${mark} ${c.name}: ${c.detail}${c.fix ? ` -> fix: ${c.fix}` : ''}`;
}

/** The role, or the error that says how to get one. */
export function requireRole(role: string | null): string {
  if (role) return role;
  throw new ConfigError(
    '--role: required with --target aws: run `vcpu-bench setup --target aws` once (--role then defaults to the role it made), or pass the ARN of an IAM role Lambda can assume',
  );
}

export async function openSession(options: SweepOptions): Promise<TargetSession> {
  return openTarget({
    target: options.target,
    region: options.region,
    profile: options.profile,
    endpointUrl: options.endpointUrl,
    maxWorkers: Math.max(...options.workers),
    initCpu: options.initCpu,
    executor: { executor: options.executor, dockerMode: options.dockerMode, image: options.image },
  });
}

/** Deploys one function per (arch, memory) of the sweep; needs no plan, so no calibration. Refused sizes are skipped. */
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

/** One line per function deploy skipped: which size, and AWS's reason. */
export function skippedLines(skipped: readonly SkippedFunction[]): string[] {
  return skipped.map((f) => `skipped ${f.name} (${f.memoryMb} MB, ${f.arch}): ${f.reason}`);
}

/**
 * The cells the sweep can run after deploy: those of the functions deployed. Refused memory sizes are written to
 * run.json (for the summary) and their cells left out; a sweep with nothing left is an error.
 */
export function cellsAfterDeploy(
  plan: Plan,
  deployed: readonly DeployedFunction[],
  runDir: RunDir,
  manifest: RunManifest,
): PlannedCell[] {
  const skipped = skippedOf(deployed);
  manifest.skipped = skipped;
  runDir.writeManifest(manifest);
  const refused = new Set(skipped.map((f) => f.name));
  const cells = plan.cells.filter((c) => !refused.has(c.functionName));
  if (cells.length === 0) {
    throw new DeployError(
      `every memory size was refused: ${skipped.map((f) => `${f.memoryMb} MB: ${f.reason}`).join('; ')}`,
    );
  }
  return cells;
}

/** Prepares the run directory: a new one refuses to overwrite, a resumed one keeps its manifest. */
export function openRunDir(
  options: SweepOptions,
  session: TargetSession,
  resume: boolean,
  plan?: Plan,
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
      executor: session.executor,
    },
    host: hostInfo(),
    versions: { harness: harnessVersion(), node: process.version, lambdaRuntime: RUNTIME },
    expectedDigest,
    resumedAt: [],
    ...(plan
      ? {
          estimate: {
            usdAtMinReps: plan.atMinReps.usd,
            usdAtMaxReps: plan.atMaxReps.usd,
            requestsAtMinReps: plan.atMinReps.requests,
            requestsAtMaxReps: plan.atMaxReps.requests,
          },
        }
      : {}),
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
  cells: PlannedCell[] = plan.cells,
): Promise<SweepResult> {
  return runSweep({
    session,
    options: plan.options,
    cells,
    runDir,
    expectedDigest: manifest.expectedDigest,
    signal,
    progress,
  });
}

export interface LateReportsOptions {
  /** How long to keep fetching (--logs-wait). An embedded emulator's logs are never late: it fetches once. */
  waitS: number;
  signal?: AbortSignal;
  onPoll?(found: Completeness, polls: number): void;
}

/**
 * Late logs: fan-out children's REPORT lines are only in the target's logs, and any invocation whose tail lacked one
 * may get it there later. Keeps fetching them into the run directory, where `analyze` reads them, until every
 * request id of the run has its REPORT or --logs-wait passes.
 */
export async function collectLateReports(
  session: TargetSession,
  runDir: RunDir,
  o: LateReportsOptions,
): Promise<AwaitedReports> {
  const waitS = session.emulator ? 0 : o.waitS;
  const scope = newLateReportScope();
  for await (const batch of readInvocationsJsonl(runDir.invocationsFile)) for (const r of batch) addToScope(scope, r);
  return awaitRunReportLines(runDir.dir, session.logs, scope, {
    deadlineMs: waitS * 1000,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onPoll ? { onPoll: o.onPoll } : {}),
  });
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
  /** --role; null lets resolveRole find the one `setup` made (AWS) or use the placeholder (local). */
  role: string | null;
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
  /** The cells run: the plan's, less those of memory sizes the account refused (run.json lists those). */
  cells: PlannedCell[];
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
    const role = await resolveRole(session, options, input.role);
    if (session.kind === 'aws') await preflight(session, options, role, notice);
    const { runDir, manifest } = openRunDir(options, session, input.resume, plan);
    notice(`run ${options.runId} on ${session.description}`);
    notice(`results: ${runDir.dir}`);
    const hostArch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
    const foreign = options.arch.filter((a) => a !== hostArch);
    if (session.emulated && foreign.length > 0) {
      notice(
        `note: ${foreign.join(', ')} functions run on this ${hostArch} host under the emulator: their rows carry the arch they were deployed with, but the CPU is this host's`,
      );
    }
    const deployed = await deployStep(session, options, requireRole(role));
    const cells = cellsAfterDeploy(plan, deployed, runDir, manifest);
    for (const line of skippedLines(manifest.skipped ?? [])) notice(line);
    const result = await runStep(session, plan, runDir, manifest, input.signal, input.progress, cells);
    const run = { plan, session, runDir, result, cells };
    return { run, after: result.interrupted ? null : await after(run) };
  } finally {
    await session.close();
  }
}

/**
 * The main path as a straight pipeline: plan -> deploy -> run -> analyze. Each step is a function with typed input
 * and output, callable on its own; the CLI commands are thin wrappers over these.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { digestOf, hashRange } from '../workloads/hash.js';
import { type AnalyzeResult, analyzeRun } from './analyze/analyze.js';
import { CLOUDWATCH_REPORTS_FILE, saveRunReportLines } from './analyze/cloudwatch.js';
import { ConfigError } from './cli/errors.js';
import { handleInterrupts, resumeHint } from './cli/interrupt.js';
import type { SweepOptions } from './cli/options.js';
import { RUNTIME } from './deploy/bundle.js';
import { type DeployedFunction, deploy, LOCAL_ROLE } from './deploy/deploy.js';
import { calibrate, costGuard, type Plan, type PlanCalibration, planSweep, renderPlan } from './plan/plan.js';
import { progressView } from './run/progress.js';
import { harnessVersion, hostInfo, RunDir, type RunManifest } from './run/run-dir.js';
import { runSweep, type SweepResult } from './run/sweep.js';
import { openTarget, type TargetSession } from './target/target.js';

export function makePlan(options: SweepOptions, calibration?: PlanCalibration): Plan {
  return planSweep(options, calibration ?? calibrate(options.algorithm, options.cost));
}

export function roleFor(options: SweepOptions, role: string | null): string {
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
  });
}

export async function deployStep(session: TargetSession, plan: Plan, role: string): Promise<DeployedFunction[]> {
  const o = plan.options;
  return deploy(
    session,
    plan.functions.map((f) => ({ name: f.name, arch: f.arch, memoryMb: f.memoryMb })),
    { runId: o.runId, timeoutS: o.timeoutS, role },
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
    },
    host: hostInfo(),
    versions: { harness: harnessVersion(), node: process.version, lambdaRuntime: RUNTIME },
    expectedDigest,
    resumedAt: [],
  };
  runDir.writeManifest(manifest);
  return { runDir, manifest };
}

/** Reads a run's saved options for --resume; the run directory must exist. */
export function resumeOptions(out: string, runId: string): SweepOptions {
  const runDir = RunDir.forRun(out, runId);
  if (!runDir.exists()) {
    throw new ConfigError(
      `--resume ${runId}: no run at ${runDir.dir} (run.json missing); allowed: a run id under --out ${out}`,
    );
  }
  return runDir.readManifest().options;
}

export async function runStep(
  session: TargetSession,
  plan: Plan,
  runDir: RunDir,
  manifest: RunManifest,
  signal?: AbortSignal,
): Promise<SweepResult> {
  const view = progressView(plan.cells.length);
  try {
    return await runSweep({
      session,
      options: plan.options,
      cells: plan.cells,
      runDir,
      expectedDigest: manifest.expectedDigest,
      signal,
      progress: view,
    });
  } finally {
    view.stop();
  }
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
  return analyzeRun(runDir.dir, existsSync(file) ? { extraLogText: readFileSync(file, 'utf8') } : {});
}

export { costGuard };

export interface MeasuredRun {
  plan: Plan;
  session: TargetSession;
  runDir: RunDir;
  result: SweepResult;
}

/**
 * `run` and `bench` alike: options (or those saved by the run to resume), plan, cost guard on AWS, target, run
 * directory, deploy, sweep with SIGINT/SIGTERM handling. `after` gets the finished, uninterrupted run while the target
 * is still open; an interrupted run prints its --resume command and sets exit code 130.
 */
export async function measure(
  flags: SweepOptions,
  resumeId: string | null,
  roleFlag: string | null,
  command: 'run' | 'bench',
  after: (run: MeasuredRun) => Promise<void>,
): Promise<void> {
  const options = resumeId ? { ...resumeOptions(flags.out, resumeId), out: flags.out } : flags;
  const role = roleFor(options, roleFlag);
  const plan = makePlan(options);
  if (command === 'bench') process.stderr.write(`${renderPlan(plan)}\n`);
  if (options.target === 'aws') costGuard(plan, options);
  const session = await openSession(options);
  const interrupts = handleInterrupts(options.runId, options.out, command);
  try {
    const { runDir, manifest } = openRunDir(options, session, resumeId !== null);
    process.stderr.write(`run ${options.runId} on ${session.description}\nresults: ${runDir.dir}\n`);
    const hostArch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
    const foreign = options.arch.filter((a) => a !== hostArch);
    if (session.emulated && foreign.length > 0) {
      process.stderr.write(
        `note: ${foreign.join(', ')} functions run on this ${hostArch} host under the emulator: their rows carry the arch they were deployed with, but the CPU is this host's\n`,
      );
    }
    await deployStep(session, plan, role);
    const result = await runStep(session, plan, runDir, manifest, interrupts.signal);
    if (result.interrupted) {
      const complete = result.cells.length;
      process.stderr.write(
        `interrupted: ${complete} of ${plan.cells.length} cells complete. ${resumeHint(options.runId, options.out, command)}\n`,
      );
      process.exitCode = 130;
      return;
    }
    await after({ plan, session, runDir, result });
  } finally {
    interrupts.dispose();
    await session.close();
  }
}

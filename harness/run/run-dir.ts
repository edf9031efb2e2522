/**
 * A run's directory: run.json (configuration, versions, host, target) written first, and invocations.jsonl appended
 * one line per invocation the moment it returns, so a crash or a SIGKILL loses at most the invocations in flight.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutorInfo } from '../../infra/emulator/executor.js';
import { errorReason, isNotFound, writeFileAtomicSync } from '../../lib/fs.js';
import { isRecord } from '../../lib/guards.js';
import type { SkippedFunction } from '../deploy/deploy.js';
import { ConfigError, RunDirError } from '../errors.js';
import { resolveSavedSweepOptions, type SweepOptions } from '../options.js';
import { appendRecord, INVOCATIONS_FILE, type InvocationRecord, parseInvocationsJsonl } from './record.js';

export const RUN_FILE = 'run.json';

export interface RunManifest {
  runId: string;
  createdAt: string;
  /** Every resolved option: `--resume` runs the sweep with exactly these. */
  options: SweepOptions;
  target: {
    kind: string;
    description: string;
    emulated: boolean;
    cpuEnforced: boolean;
    /** How the emulator gave INIT its CPU (boost or quota); null on AWS. Missing in runs made before it was recorded. */
    initCpu?: string | null;
    /**
     * What ran the functions on the emulator: executor, docker mode, base image and whether it is the stand-in; null
     * on AWS. Missing in runs made before it was recorded.
     */
    executor?: ExecutorInfo | null;
  };
  host: {
    hostname: string;
    platform: string;
    release: string;
    arch: string;
    cores: number;
    cpuModel: string;
    memoryGb: number;
  };
  versions: { harness: string; node: string; lambdaRuntime: string };
  /** The digest every cell must return (workloads/hash.ts digestOf), computed by the harness itself. */
  expectedDigest: string;
  resumedAt: string[];
  /** The plan's estimate, written when the run starts, for the actual cost to be read against. Absent in older runs. */
  estimate?: RunEstimate;
  /** Functions deploy skipped because the account refused their memory size (updated on every resume). */
  skipped?: SkippedFunction[];
  /** What the analyzer found: the actual cost and how many REPORT lines it had (rewritten by every `analyze`). */
  actual?: RunActuals;
}

export interface RunEstimate {
  usdAtMinReps: number;
  usdAtMaxReps: number;
  requestsAtMinReps: number;
  requestsAtMaxReps: number;
}

export type { SkippedFunction };

export interface RunActuals {
  analyzedAt: string;
  /** USD over every REPORT found (harness/analyze/completeness.ts); a lower bound while `complete` is false. */
  costUsd: number;
  gbSeconds: number;
  /** Invocations costed, fan-out children included. */
  invocations: number;
  childInvocations: number;
  complete: boolean;
  reportsExpected: number;
  reportsFound: number;
}

export function hostInfo(): RunManifest['host'] {
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  };
}

/**
 * A manifest read back from disk, checked: the fields the harness relies on are there with the right types, and the
 * saved options pass the same validation as the command line (so a hand-edited run.json cannot smuggle in a value
 * no flag would accept).
 */
export function parseManifest(text: string, source: string): RunManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RunDirError(`${source}: not valid JSON`);
  }
  const problem = (what: string) => new RunDirError(`${source}: ${what}`);
  if (!isRecord(value)) throw problem('not a JSON object');
  for (const field of ['runId', 'createdAt', 'expectedDigest'] as const) {
    if (typeof value[field] !== 'string') throw problem(`${field} must be a string`);
  }
  if (!isRecord(value.options)) throw problem('options must be an object');
  if (!isRecord(value.target)) throw problem('target must be an object');
  if (!Array.isArray(value.resumedAt)) throw problem('resumedAt must be an array');
  let options: SweepOptions;
  try {
    options = resolveSavedSweepOptions(value.options);
  } catch (error: unknown) {
    if (error instanceof ConfigError) throw problem(`saved options are invalid: ${error.message}`);
    throw error;
  }
  return { ...(value as unknown as RunManifest), options };
}

export class RunDir {
  constructor(readonly dir: string) {}

  static forRun(out: string, runId: string): RunDir {
    return new RunDir(path.join(out, runId));
  }

  get invocationsFile(): string {
    return path.join(this.dir, INVOCATIONS_FILE);
  }

  exists(): boolean {
    return existsSync(path.join(this.dir, RUN_FILE));
  }

  writeManifest(manifest: RunManifest): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomicSync(path.join(this.dir, RUN_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  readManifest(): RunManifest {
    const file = path.join(this.dir, RUN_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error: unknown) {
      throw new RunDirError(`${file}: cannot be read (${errorReason(error)})`, { cause: error });
    }
    return parseManifest(text, file);
  }

  append(record: InvocationRecord): void {
    appendRecord(this.invocationsFile, record);
  }

  /** The records already written; a last line cut off by a kill is skipped (and completed on the next append). */
  readRecords(): InvocationRecord[] {
    const file = this.invocationsFile;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error: unknown) {
      if (isNotFound(error)) return [];
      throw new RunDirError(`${file}: cannot be read (${errorReason(error)})`, { cause: error });
    }
    // A torn last line has no newline: start the next record on a line of its own.
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
    return parseInvocationsJsonl(text, file);
  }
}

/**
 * A run's directory: run.json (configuration, versions, host, target) written first, and invocations.jsonl appended
 * one line per invocation the moment it returns, so a crash or a SIGKILL loses at most the invocations in flight.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INVOCATIONS_FILE, parseInvocationsJsonl } from '../analyze/analyze.js';
import type { SweepOptions } from '../cli/options.js';
import { REPO_ROOT } from '../paths.js';
import type { InvocationRecord } from './record.js';

export const RUN_FILE = 'run.json';

export interface RunManifest {
  runId: string;
  createdAt: string;
  /** Every resolved option: `--resume` runs the sweep with exactly these. */
  options: SweepOptions;
  target: { kind: string; description: string; emulated: boolean; cpuEnforced: boolean };
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
  /** The digest every cell must return: sha256 over all hashes, computed by the harness itself. */
  expectedDigest: string;
  resumedAt: string[];
}

function packageVersion(): string {
  try {
    return (
      (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ??
      'unknown'
    );
  } catch {
    return 'unknown';
  }
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

export function harnessVersion(): string {
  return packageVersion();
}

export class RunDir {
  constructor(readonly dir: string) {}

  static forRun(out: string, runId: string): RunDir {
    return new RunDir(path.join(out, runId));
  }

  exists(): boolean {
    return existsSync(path.join(this.dir, RUN_FILE));
  }

  writeManifest(manifest: RunManifest): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(path.join(this.dir, RUN_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  readManifest(): RunManifest {
    return JSON.parse(readFileSync(path.join(this.dir, RUN_FILE), 'utf8')) as RunManifest;
  }

  append(record: InvocationRecord): void {
    // One write per line, synchronous: the line is on disk (in the page cache) before the next invocation starts.
    appendFileSync(path.join(this.dir, INVOCATIONS_FILE), `${JSON.stringify(record)}\n`);
  }

  /** The records already written; a last line cut off by a kill is skipped (and completed on the next append). */
  readRecords(): InvocationRecord[] {
    const file = path.join(this.dir, INVOCATIONS_FILE);
    if (!existsSync(file)) return [];
    const text = readFileSync(file, 'utf8');
    // A torn last line has no newline: start the next record on a line of its own.
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
    return parseInvocationsJsonl(text, file);
  }
}

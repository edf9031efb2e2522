/**
 * Test support: the harness's `--target aws` path pointed at a real emulator in this process (optionally made to
 * misbehave, infra/emulator/faults.ts), driven through the built CLI as a user would drive it against AWS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InvocationRecord } from '../../harness/run/record.js';
import type { FaultSpec } from '../../infra/emulator/faults.js';
import { NO_FAULTS } from '../../infra/emulator/faults.js';
import { type CliResult, runCli } from './cli.js';
import { startTestEmulator, stopTestEmulator, type TestTarget } from './emulator.js';

/**
 * Credentials the SDK signs with (the emulator checks none), and no instance-metadata lookup: nothing leaves the
 * machine even when a test forgets an endpoint.
 */
export const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIATEST',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};

export interface AwsTestTarget extends TestTarget {
  /** `--target aws --endpoint-url <emulator>`. */
  where: string[];
  out: string;
  cli(args: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

export async function startAwsEmulator(
  faults: Partial<FaultSpec> = {},
  options: { concurrency?: number } = {},
): Promise<AwsTestTarget> {
  const t = await startTestEmulator({ concurrency: options.concurrency ?? 20, faults: { ...NO_FAULTS, ...faults } });
  const out = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-aws-'));
  const where = ['--target', 'aws', '--endpoint-url', t.emulator.endpoint];
  return {
    ...t,
    where,
    out,
    cli: (args) => runCli(args, AWS_ENV),
    close: async () => {
      await stopTestEmulator(t);
      rmSync(out, { recursive: true, force: true });
    },
  };
}

/**
 * A small, quick sweep: bcrypt at cost 4, one item per invocation and one function at a time (unless `extra` says
 * otherwise), --out the target's directory.
 */
export function smallSweep(t: AwsTestTarget, extra: string[]): string[] {
  const unless = (flag: string, value: string) => (extra.includes(flag) ? [] : [flag, value]);
  return [
    ...t.where,
    ...['--algorithm', 'bcrypt', '--cost', '4'],
    ...unless('--items', '1'),
    ...unless('--concurrency', '1'),
    ...['--out', t.out],
    ...extra,
  ];
}

export function readRecords(t: AwsTestTarget, runId: string): InvocationRecord[] {
  const text = readFileSync(path.join(t.out, runId, 'invocations.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as InvocationRecord);
}

export function runFile(t: AwsTestTarget, runId: string, file: string): string {
  return readFileSync(path.join(t.out, runId, file), 'utf8');
}

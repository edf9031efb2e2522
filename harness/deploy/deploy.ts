/**
 * The deploy step: one function per (architecture, memory), created or brought up to date, tagged as ours and with
 * the run id, and waited on until Active / update Successful. Idempotent: an up-to-date function is left as it is
 * (its run tag aside). A memory size the account refuses (new accounts are capped; harness/lambda/README.md "Memory
 * and CPU") is skipped with AWS's own message, and the sweep runs the rest.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CreateFunctionCommand,
  type FunctionConfiguration,
  GetFunctionCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { sleep } from '../../lib/timers.js';
import { DeployError } from '../errors.js';
import { type Architecture, HANDLER, isRoleNotAssumable, memoryQuotaCapMb, RUNTIME } from '../lambda/platform.js';
import type { TargetSession } from '../target/target.js';
import { ensureBundle } from './bundle.js';

export const TAG_MANAGED = 'vcpu-bench:managed';
export const TAG_RUN = 'vcpu-bench:run';
/** The local emulator takes any role of the right shape; AWS needs a real one (infra/iam/README.md). */
export const LOCAL_ROLE = 'arn:aws:iam::000000000000:role/vcpu-bench-local';

export interface DeployFunction {
  name: string;
  arch: Architecture;
  memoryMb: number;
}

export interface DeployOptions {
  runId: string;
  timeoutS: number;
  role: string;
  /** Set as function environment variables. */
  environment?: Record<string, string>;
}

/** A function the account would not take at its memory size: AWS's message and the cap it names (run.json `skipped`). */
export interface SkippedFunction extends DeployFunction {
  reason: string;
  capMb: number;
}

export type DeployedFunction = DeployFunction &
  (
    | { action: 'created' | 'updated' | 'unchanged'; codeSha256: string }
    /** The account refused the memory size: `reason` is AWS's message, `capMb` the cap it names. */
    | { action: 'skipped'; reason: string; capMb: number }
  );

export function skippedOf(deployed: readonly DeployedFunction[]): SkippedFunction[] {
  return deployed.flatMap((f) =>
    f.action === 'skipped'
      ? [{ name: f.name, arch: f.arch, memoryMb: f.memoryMb, reason: f.reason, capMb: f.capMb }]
      : [],
  );
}

const WAIT = { maxWaitTime: 300, minDelay: 1, maxDelay: 5 };
/**
 * How long CreateFunction is retried while Lambda cannot assume the role yet: IAM changes take seconds to propagate
 * (harness/lambda/README.md "Roles"), so a role `setup` made a moment ago may still be refused.
 */
export const ROLE_PROPAGATION_WAIT_MS = 60_000;

/**
 * Calls `create` again while Lambda says it cannot assume the role, for up to `waitMs`; then the error stands.
 * Exported for `setup`, which waits the same way for the role it made.
 */
export async function retryWhileRoleNotAssumable<T>(create: () => Promise<T>, waitMs = ROLE_PROPAGATION_WAIT_MS) {
  const deadline = Date.now() + waitMs;
  for (let delayMs = 1000; ; delayMs = Math.min(delayMs * 2, 8000)) {
    try {
      return await create();
    } catch (error: unknown) {
      if (!(error instanceof Error && isRoleNotAssumable(error)) || Date.now() + delayMs > deadline) throw error;
      await sleep(delayMs);
    }
  }
}

/** The cap when `error` is the account refusing a memory size, else null. */
function refusedMemory(error: unknown): number | null {
  return error instanceof Error ? memoryQuotaCapMb(error) : null;
}

function configDiffers(c: FunctionConfiguration, fn: DeployFunction, o: DeployOptions): boolean {
  const env = c.Environment?.Variables ?? {};
  const wanted = o.environment ?? {};
  const envDiffers =
    Object.keys(env).length !== Object.keys(wanted).length || Object.entries(wanted).some(([k, v]) => env[k] !== v);
  return (
    c.MemorySize !== fn.memoryMb ||
    c.Timeout !== o.timeoutS ||
    c.Handler !== HANDLER ||
    c.Runtime !== RUNTIME ||
    envDiffers
  );
}

async function existingConfiguration(session: TargetSession, name: string): Promise<FunctionConfiguration | undefined> {
  try {
    return (await session.lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function tagsFor(o: DeployOptions): Record<string, string> {
  return { [TAG_MANAGED]: 'true', [TAG_RUN]: o.runId };
}

async function createFunction(session: TargetSession, fn: DeployFunction, zip: Buffer, o: DeployOptions) {
  const { lambda } = session;
  const create = () =>
    lambda.send(
      new CreateFunctionCommand({
        FunctionName: fn.name,
        Runtime: RUNTIME,
        Handler: HANDLER,
        Role: o.role,
        MemorySize: fn.memoryMb,
        Timeout: o.timeoutS,
        Architectures: [fn.arch],
        Code: { ZipFile: zip },
        Environment: { Variables: o.environment ?? {} },
        Tags: tagsFor(o),
        Description: 'lambda-vcpu-bench workload (password hashing in four modes)',
      }),
    );
  await retryWhileRoleNotAssumable(create);
  await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: fn.name });
}

/** Brings an existing function's code and configuration up to date; 'unchanged' when both already were. */
async function updateFunction(
  session: TargetSession,
  existing: FunctionConfiguration,
  fn: DeployFunction,
  zip: Buffer,
  sha: string,
  o: DeployOptions,
): Promise<'updated' | 'unchanged'> {
  const { lambda } = session;
  if (existing.Architectures?.[0] && existing.Architectures[0] !== fn.arch) {
    throw new DeployError(
      `${fn.name} exists with architecture ${existing.Architectures[0]}, not ${fn.arch}: delete it or use another --prefix`,
    );
  }
  let action: 'updated' | 'unchanged' = 'unchanged';
  await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: fn.name });
  if (existing.CodeSha256 !== sha) {
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fn.name, ZipFile: zip, Architectures: [fn.arch] }));
    await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: fn.name });
    action = 'updated';
  }
  if (configDiffers(existing, fn, o)) {
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: fn.name,
        MemorySize: fn.memoryMb,
        Timeout: o.timeoutS,
        Handler: HANDLER,
        Runtime: RUNTIME,
        Environment: { Variables: o.environment ?? {} },
      }),
    );
    await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: fn.name });
    action = 'updated';
  }
  if (existing.FunctionArn) {
    await lambda.send(new TagResourceCommand({ Resource: existing.FunctionArn, Tags: tagsFor(o) }));
  }
  return action;
}

async function deployOne(
  session: TargetSession,
  fn: DeployFunction,
  zip: Buffer,
  sha: string,
  o: DeployOptions,
): Promise<DeployedFunction> {
  const existing = await existingConfiguration(session, fn.name);
  try {
    if (!existing) {
      await createFunction(session, fn, zip, o);
      return { ...fn, action: 'created', codeSha256: sha };
    }
    return { ...fn, action: await updateFunction(session, existing, fn, zip, sha, o), codeSha256: sha };
  } catch (error: unknown) {
    const capMb = refusedMemory(error);
    if (capMb === null) throw error;
    const e = error as Error;
    return { ...fn, action: 'skipped', reason: `${e.name}: ${e.message}`, capMb };
  }
}

/** Builds the zip if stale, then deploys every function (a few at a time: AWS limits control-plane calls). */
export async function deploy(
  session: TargetSession,
  functions: DeployFunction[],
  o: DeployOptions,
): Promise<DeployedFunction[]> {
  const zip = readFileSync(await ensureBundle());
  // Lambda's CodeSha256 is the base64 SHA-256 of the zip.
  const sha = createHash('sha256').update(zip).digest('base64');
  const results: DeployedFunction[] = [];
  const queue = [...functions];
  const workers = Array.from({ length: Math.min(4, queue.length) }, async () => {
    for (let fn = queue.shift(); fn; fn = queue.shift()) results.push(await deployOne(session, fn, zip, sha, o));
  });
  await Promise.all(workers);
  return functions.map((f) => results.find((r) => r.name === f.name) as DeployedFunction);
}

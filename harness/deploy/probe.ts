/**
 * A probe function: created and deleted at once, never invoked (so it costs nothing), to ask Lambda what only
 * CreateFunction answers: whether it can assume the role (and whether the caller may pass it), whether the account
 * takes a memory size (GetAccountSettings does not show the cap of new accounts), and whether the region runs an
 * architecture. `setup` waits on it for a new role to propagate; `doctor` asks it its questions.
 */
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { zipSync } from 'fflate';
import { sleep } from '../../lib/timers.js';
import { type Architecture, HANDLER, isRoleNotAssumable, memoryQuotaCapMb, RUNTIME } from '../lambda/platform.js';
import type { TargetSession } from '../target/target.js';
import { retryWhileRoleNotAssumable, TAG_MANAGED, TAG_RUN } from './deploy.js';

/** Named within `<prefix>-*`, the functions the IAM policies of infra/iam/ let the harness manage. */
export function probeFunctionName(prefix: string): string {
  return `${prefix}-probe`;
}

export type ProbeOutcome =
  | { kind: 'accepted' }
  | { kind: 'memory-refused'; capMb: number; message: string }
  | { kind: 'role-not-assumable'; message: string }
  | { kind: 'refused'; name: string; message: string };

/** A handler that is never run: the probe only has to be a valid deployment package. */
const PROBE_ZIP = zipSync({ 'index.js': new TextEncoder().encode('exports.handler = async () => ({});\n') });

async function deleteProbe(session: TargetSession, name: string): Promise<void> {
  // A function still being created may refuse deletion for a moment (ResourceConflictException): try again briefly.
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      await session.lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
      return;
    } catch (error: unknown) {
      if (error instanceof ResourceNotFoundException) return;
      if (!(error instanceof ResourceConflictException)) throw error;
      await sleep(500 * (attempt + 1));
    }
  }
}

export interface ProbeInput {
  prefix: string;
  role: string;
  arch: Architecture;
  memoryMb: number;
  /** Keep asking while Lambda cannot assume the role yet, for this long (setup, after creating it). */
  roleWaitMs?: number;
}

/** Creates the probe function and deletes it again; what Lambda said, classified. */
export async function probe(session: TargetSession, input: ProbeInput): Promise<ProbeOutcome> {
  const name = probeFunctionName(input.prefix);
  // A probe left by an interrupted run would make CreateFunction answer "already exists".
  await deleteProbe(session, name);
  const create = () =>
    session.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: RUNTIME,
        Handler: HANDLER,
        Role: input.role,
        MemorySize: input.memoryMb,
        Architectures: [input.arch],
        Code: { ZipFile: PROBE_ZIP },
        Tags: { [TAG_MANAGED]: 'true', [TAG_RUN]: 'probe' },
        Description: 'lambda-vcpu-bench probe: created and deleted at once, never invoked',
      }),
    );
  try {
    await retryWhileRoleNotAssumable(create, input.roleWaitMs ?? 0);
  } catch (error: unknown) {
    if (!(error instanceof Error)) throw error;
    const capMb = memoryQuotaCapMb(error);
    if (capMb !== null) return { kind: 'memory-refused', capMb, message: `${error.name}: ${error.message}` };
    if (isRoleNotAssumable(error)) return { kind: 'role-not-assumable', message: `${error.name}: ${error.message}` };
    if ('$fault' in error) return { kind: 'refused', name: error.name, message: `${error.name}: ${error.message}` };
    throw error;
  }
  await deleteProbe(session, name);
  return { kind: 'accepted' };
}

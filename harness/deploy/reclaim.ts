/**
 * Reclaiming a function's execution environments between two invocations, as Lambda may reclaim an idle one: update
 * one environment variable of the function and wait for the update to complete. Later invocations then run in new
 * environments (harness/lambda/platform.ts ENVIRONMENT_RECLAIM_CALL). The same call works on AWS and on the local
 * emulator (which retires the function's idle environments on any configuration update), so one code path serves
 * both targets, and a user can do the same on their own functions.
 */
import { randomUUID } from 'node:crypto';
import {
  GetFunctionConfigurationCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import type { TargetSession } from '../target/target.js';

/** The variable changed to force new environments; `deploy` removes it again (it sets the variables it wants). */
export const RECLAIM_VARIABLE = 'VCPU_BENCH_RECLAIM';

const WAIT = { maxWaitTime: 300, minDelay: 1, maxDelay: 2 };

/** Retires the function's current environments; resolves once later invocations get new ones. */
export async function reclaimEnvironments(session: TargetSession, functionName: string): Promise<void> {
  const { lambda } = session;
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  // UpdateFunctionConfiguration replaces the whole variable map: keep the others.
  const variables = { ...(config.Environment?.Variables ?? {}), [RECLAIM_VARIABLE]: randomUUID() };
  await lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Environment: { Variables: variables } }),
  );
  await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: functionName });
}

/**
 * Cleanup: delete the functions vcpu-bench deployed, and their log groups, and nothing else. What is ours is decided
 * by the tags deploy puts on every function (`vcpu-bench:managed` = `true`, `vcpu-bench:run` = the run id), never by
 * the name alone: a function someone else named `vcpu-bench-...` is left alone.
 */
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteFunctionCommand,
  type FunctionConfiguration,
  ListFunctionsCommand,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import { TAG_MANAGED, TAG_RUN } from '../deploy/deploy.js';
import { logGroupOf } from '../lambda/platform.js';
import { isResourceNotFound, type TargetSession } from '../target/target.js';

export interface CleanupOptions {
  /** Only functions of this run (tag `vcpu-bench:run`); null for every function vcpu-bench manages. */
  runId: string | null;
  /** Only functions named `<prefix>-...` (deploy names them `<prefix>-<arch>-<memory>`). */
  prefix?: string;
  /** List what would be deleted; delete nothing. */
  dryRun: boolean;
}

export interface CleanupResult {
  /** Function names deleted (or, on a dry run, that would be), in listing order. */
  deleted: string[];
  /** Functions listed and left alone. */
  kept: number;
}

/** Every function of the account and region, all pages. */
async function listFunctions(session: TargetSession): Promise<FunctionConfiguration[]> {
  const functions: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await session.lambda.send(new ListFunctionsCommand({ Marker: marker }));
    functions.push(...(page.Functions ?? []));
    marker = page.NextMarker;
  } while (marker);
  return functions;
}

/** The function's tags; null when it was deleted between the listing and now. */
async function tagsOf(session: TargetSession, arn: string): Promise<Record<string, string> | null> {
  try {
    return (await session.lambda.send(new ListTagsCommand({ Resource: arn }))).Tags ?? {};
  } catch (error: unknown) {
    if (isResourceNotFound(error)) return null;
    throw error;
  }
}

/** True when the tags say vcpu-bench deployed the function (for this run, when one is named). */
export function isManagedBy(tags: Readonly<Record<string, string>>, runId: string | null): boolean {
  return tags[TAG_MANAGED] === 'true' && (runId === null || tags[TAG_RUN] === runId);
}

/** Delete a function and its log group; either being gone already is what we wanted. */
async function deleteFunctionAndLogs(session: TargetSession, name: string): Promise<void> {
  try {
    await session.lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  } catch (error: unknown) {
    if (!isResourceNotFound(error)) throw error;
  }
  try {
    await session.logs.send(new DeleteLogGroupCommand({ logGroupName: logGroupOf(name) }));
  } catch (error: unknown) {
    if (!isResourceNotFound(error)) throw error;
  }
}

export async function cleanup(session: TargetSession, opts: CleanupOptions): Promise<CleanupResult> {
  const functions = await listFunctions(session);
  const deleted: string[] = [];
  let kept = 0;
  // One function at a time: ListTags and DeleteFunction are throttled per account, and a sweep has tens of functions.
  for (const fn of functions) {
    const name = fn.FunctionName;
    const arn = fn.FunctionArn;
    if (name === undefined || arn === undefined || (opts.prefix !== undefined && !name.startsWith(`${opts.prefix}-`))) {
      kept += 1;
      continue;
    }
    const tags = await tagsOf(session, arn);
    if (tags === null) continue;
    if (!isManagedBy(tags, opts.runId)) {
      kept += 1;
      continue;
    }
    if (!opts.dryRun) await deleteFunctionAndLogs(session, name);
    deleted.push(name);
  }
  return { deleted, kept };
}

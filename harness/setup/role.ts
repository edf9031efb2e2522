/**
 * The functions' IAM role, as `setup` makes it and `cleanup --role` removes it: named `<prefix>-function`, tagged
 * `vcpu-bench:managed=true`, trusting Lambda (infra/iam/lambda-trust-policy.json) with one inline policy
 * (infra/iam/function-role-policy.json). The role itself is the only state: `--role` defaults to it by finding it by
 * that name and tag, so nothing is kept outside the account. Nothing else in the account is touched; a role of that
 * name that vcpu-bench did not make is left alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  type Role,
  UpdateAssumeRolePolicyCommand,
  waitUntilRoleExists,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { TAG_MANAGED } from '../deploy/deploy.js';
import { probe } from '../deploy/probe.js';
import { SetupError } from '../errors.js';
import { LAMBDA_SERVICE_PRINCIPAL, MEMORY_MB } from '../lambda/platform.js';
import { REPO_ROOT } from '../paths.js';
import type { TargetSession } from '../target/target.js';

export const IAM_DIR = path.join(REPO_ROOT, 'infra', 'iam');
/** The default --prefix the policy files are written for: their resources name `vcpu-bench-*`. */
const POLICY_PREFIX = 'vcpu-bench';

export function roleNameOf(prefix: string): string {
  return `${prefix}-function`;
}

/**
 * A policy file of infra/iam/, with its resources moved from `vcpu-bench-*` to `<prefix>-*`, so a sweep with another
 * --prefix gets a role for its own functions. Compact JSON: what IAM stores and returns (URL-encoded).
 */
export function policyDocument(file: string, prefix: string): string {
  const text = readFileSync(path.join(IAM_DIR, file), 'utf8');
  const document: unknown = JSON.parse(text);
  const moved = JSON.stringify(document, (key, value: unknown) =>
    key === 'Resource' && typeof value === 'string' ? value.replaceAll(`${POLICY_PREFIX}-`, `${prefix}-`) : value,
  );
  return moved;
}

export const TRUST_POLICY_FILE = 'lambda-trust-policy.json';
export const FUNCTION_POLICY_FILE = 'function-role-policy.json';

/** Two policy documents say the same thing: compared as parsed JSON, whatever the spacing or URL-encoding. */
export function samePolicy(stored: string | undefined, wanted: string): boolean {
  if (stored === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(decodeURIComponent(stored))) === JSON.stringify(JSON.parse(wanted));
  } catch {
    return false;
  }
}

/** True when a trust policy (as IAM returns it, URL-encoded) lets Lambda assume the role. */
export function trustsLambda(document: string | undefined): boolean {
  if (document === undefined) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(document));
  } catch {
    return false;
  }
  const statements = (parsed as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  return list.some((s: unknown) => {
    if (typeof s !== 'object' || s === null) return false;
    const { Effect, Action, Principal } = s as { Effect?: unknown; Action?: unknown; Principal?: unknown };
    const actions = Array.isArray(Action) ? Action : [Action];
    const service = (Principal as { Service?: unknown } | undefined)?.Service;
    const services = Array.isArray(service) ? service : [service];
    return Effect === 'Allow' && actions.includes('sts:AssumeRole') && services.includes(LAMBDA_SERVICE_PRINCIPAL);
  });
}

export function isManagedRole(role: Role): boolean {
  return (role.Tags ?? []).some((tag) => tag.Key === TAG_MANAGED && tag.Value === 'true');
}

/** The role of that name, or null when there is none. */
export async function getRole(session: TargetSession, roleName: string): Promise<Role | null> {
  try {
    return (await session.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role ?? null;
  } catch (error: unknown) {
    if (error instanceof NoSuchEntityException) return null;
    throw error;
  }
}

/** The role `setup` made for this prefix, found by name and tag; null when there is none (or it is not ours). */
export async function findSetupRole(session: TargetSession, prefix: string): Promise<string | null> {
  const role = await getRole(session, roleNameOf(prefix));
  return role?.Arn && isManagedRole(role) ? role.Arn : null;
}

export type Change = 'created' | 'updated' | 'unchanged';

export interface SetupResult {
  account: string;
  roleName: string;
  roleArn: string;
  role: Change;
  trustPolicy: Change;
  inlinePolicy: Change;
  /** What CreateFunction said of the role after setup (a probe function, created and deleted at once). */
  assumable: boolean;
  assumableDetail: string;
}

/** Creates the role, or brings ours up to date; refuses a role of that name that vcpu-bench did not make. */
async function ensureRole(session: TargetSession, roleName: string, trust: string) {
  const existing = await getRole(session, roleName);
  if (existing === null) {
    const created = await session.iam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: trust,
        Description: 'lambda-vcpu-bench benchmark functions: their own logs, and fan_out invoking itself',
        Tags: [{ Key: TAG_MANAGED, Value: 'true' }],
      }),
    );
    if (!created.Role?.Arn) throw new SetupError(`CreateRole ${roleName} answered without the role's ARN`);
    return { arn: created.Role.Arn, role: 'created' as Change, trustPolicy: 'created' as Change };
  }
  if (!isManagedRole(existing) || !existing.Arn) {
    throw new SetupError(
      `role ${roleName} exists but vcpu-bench did not create it (no tag ${TAG_MANAGED}=true): it is left alone; pass its ARN with --role, or use another --prefix`,
    );
  }
  if (samePolicy(existing.AssumeRolePolicyDocument, trust)) {
    return { arn: existing.Arn, role: 'unchanged' as Change, trustPolicy: 'unchanged' as Change };
  }
  await session.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trust }));
  return { arn: existing.Arn, role: 'updated' as Change, trustPolicy: 'updated' as Change };
}

async function ensureInlinePolicy(session: TargetSession, roleName: string, document: string): Promise<Change> {
  let stored: string | undefined;
  try {
    stored = (await session.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: roleName })))
      .PolicyDocument;
  } catch (error: unknown) {
    if (!(error instanceof NoSuchEntityException)) throw error;
  }
  if (samePolicy(stored, document)) return 'unchanged';
  await session.iam.send(
    new PutRolePolicyCommand({ RoleName: roleName, PolicyName: roleName, PolicyDocument: document }),
  );
  return stored === undefined ? 'created' : 'updated';
}

/** How long setup waits for a new role to become assumable by Lambda (IAM propagation; usually seconds). */
export const ROLE_ASSUMABLE_WAIT_MS = 120_000;

/**
 * `setup --target aws`: the function role, created or brought up to date, then waited on until Lambda can assume it
 * (a probe function is created and deleted; harness/deploy/probe.ts). Idempotent.
 */
export async function setupRole(
  session: TargetSession,
  prefix: string,
  waitMs = ROLE_ASSUMABLE_WAIT_MS,
): Promise<SetupResult> {
  const identity = await session.sts.send(new GetCallerIdentityCommand({}));
  const roleName = roleNameOf(prefix);
  const trust = policyDocument(TRUST_POLICY_FILE, prefix);
  const ensured = await ensureRole(session, roleName, trust);
  const inlinePolicy = await ensureInlinePolicy(session, roleName, policyDocument(FUNCTION_POLICY_FILE, prefix));
  await waitUntilRoleExists({ client: session.iam, maxWaitTime: 60, minDelay: 1, maxDelay: 5 }, { RoleName: roleName });
  const probed = await probe(session, {
    prefix,
    role: ensured.arn,
    arch: 'x86_64',
    memoryMb: MEMORY_MB.min,
    roleWaitMs: waitMs,
  });
  return {
    account: identity.Account ?? 'unknown',
    roleName,
    roleArn: ensured.arn,
    role: ensured.role,
    trustPolicy: ensured.trustPolicy,
    inlinePolicy,
    assumable: probed.kind === 'accepted',
    assumableDetail:
      probed.kind === 'accepted' ? 'Lambda accepted it (a probe function was created and deleted)' : probed.message,
  };
}

export interface RoleCleanupResult {
  roleName: string;
  /** deleted; absent: there was none; foreign: a role of that name vcpu-bench did not make, left alone. */
  outcome: 'deleted' | 'absent' | 'foreign';
  inlinePolicies: string[];
  detachedPolicies: string[];
}

/** `cleanup --role`: deletes the role `setup` made (its inline policies first, as IAM requires), nothing else. */
export async function deleteSetupRole(session: TargetSession, prefix: string): Promise<RoleCleanupResult> {
  const roleName = roleNameOf(prefix);
  const role = await getRole(session, roleName);
  const result: RoleCleanupResult = { roleName, outcome: 'absent', inlinePolicies: [], detachedPolicies: [] };
  if (role === null) return result;
  if (!isManagedRole(role)) return { ...result, outcome: 'foreign' };
  let marker: string | undefined;
  do {
    const page = await session.iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    for (const name of page.PolicyNames ?? []) {
      await session.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      result.inlinePolicies.push(name);
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  // Managed policies someone attached to our role would make DeleteRole fail: detached from it (they stay in the account).
  const attached = await session.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
  for (const policy of attached.AttachedPolicies ?? []) {
    if (!policy.PolicyArn) continue;
    await session.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policy.PolicyArn }));
    result.detachedPolicies.push(policy.PolicyArn);
  }
  await session.iam.send(new DeleteRoleCommand({ RoleName: roleName }));
  return { ...result, outcome: 'deleted' };
}

/**
 * `doctor`: what an AWS account must offer before a sweep can run there, checked with read-only calls (and, when
 * asked, probe functions that are created and deleted at once, never invoked): credentials, the region, the role,
 * account concurrency against the sweep's peak, the memory cap of new accounts, arm64 in the region, and reading
 * CloudWatch Logs. One check per line, each with its fix when it fails. Deploy, run and bench on AWS run the same
 * checks (without probes: deploy itself skips refused memory sizes and waits for a new role) and stop on a failed
 * check the sweep needs.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { type AccountLimit, GetAccountSettingsCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type ProbeOutcome, probe } from '../deploy/probe.js';
import { logGroupOf, MEMORY_MB, NEW_ACCOUNT_MEMORY_CAP_MB } from '../lambda/platform.js';
import { PRICED_REGION } from '../lambda/pricing.js';
import { functionName, type SweepOptions } from '../options.js';
import { trustsLambda } from '../setup/role.js';
import { isResourceNotFound, type TargetSession } from '../target/target.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a failed or warned check. */
  fix: string | null;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  /** True when no check failed: every failure is one the sweep cannot do without. */
  ok: boolean;
}

export interface DoctorInput {
  options: Pick<SweepOptions, 'region' | 'memoryMb' | 'arch' | 'modes' | 'workers' | 'concurrency' | 'prefix'>;
  /** The role the functions would run as; null when neither --role nor `setup` gave one. */
  role: string | null;
  /** Create and delete probe functions to check the role, the memory cap and arm64 (the `doctor` command). */
  probe: boolean;
  /** False for `deploy`, which invokes nothing: account concurrency is then not its concern. */
  invokes?: boolean;
}

const check = (name: string, status: CheckStatus, detail: string, fix: string | null = null): DoctorCheck => ({
  name,
  status,
  detail,
  fix,
});

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
}

const POLICY_FIX = 'attach infra/iam/harness-policy.json to the identity running vcpu-bench (infra/iam/README.md)';

function credentialsFix(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (/Expired/.test(name)) return 'the session expired: refresh it (aws sso login, or new temporary keys)';
  if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch') {
    return 'the access key is not valid for AWS: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the --profile';
  }
  return 'give the AWS SDK credentials: aws configure, AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
}

async function credentialsCheck(session: TargetSession): Promise<{ check: DoctorCheck; account: string | null }> {
  try {
    const id = await session.sts.send(new GetCallerIdentityCommand({}));
    return { check: check('credentials', 'ok', `${id.Arn} (account ${id.Account})`), account: id.Account ?? null };
  } catch (error: unknown) {
    return { check: check('credentials', 'fail', describe(error), credentialsFix(error)), account: null };
  }
}

async function regionCheck(
  session: TargetSession,
  region: string,
): Promise<{ check: DoctorCheck; limit: AccountLimit | null }> {
  try {
    const settings = await session.lambda.send(new GetAccountSettingsCommand({}));
    const priced = region === PRICED_REGION ? '' : `; USD figures use ${PRICED_REGION} prices, ${region} may differ`;
    return {
      check: check('region', region === PRICED_REGION ? 'ok' : 'warn', `Lambda answers in ${region}${priced}`),
      limit: settings.AccountLimit ?? null,
    };
  } catch (error: unknown) {
    const name = error instanceof Error ? error.name : '';
    const fix =
      name === 'UnrecognizedClientException'
        ? `${region} may be an opt-in region not enabled for this account: enable it, or pick another --region`
        : name === 'AccessDeniedException'
          ? POLICY_FIX
          : `check --region ${region}`;
    return { check: check('region', 'fail', `GetAccountSettings in ${region}: ${describe(error)}`, fix), limit: null };
  }
}

/** The role exists in the caller's account and trusts Lambda (IAM GetRole); Lambda's own word needs a probe. */
async function roleCheck(session: TargetSession, role: string | null, account: string | null): Promise<DoctorCheck> {
  if (role === null) {
    return check(
      'role',
      'fail',
      'no --role, and no role made by `vcpu-bench setup` for this --prefix',
      'vcpu-bench setup --target aws (or pass --role <arn>)',
    );
  }
  const [, roleAccount, roleName] = /^arn:[^:]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(role) ?? [];
  if (account !== null && roleAccount !== undefined && roleAccount !== account) {
    return check(
      'role',
      'fail',
      `${role} is in account ${roleAccount}, the credentials in ${account}`,
      'use a role of the account the functions are deployed to',
    );
  }
  try {
    const found = (await session.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
    if (!trustsLambda(found?.AssumeRolePolicyDocument)) {
      return check(
        'role',
        'fail',
        `${role} does not let lambda.amazonaws.com assume it`,
        'give it infra/iam/lambda-trust-policy.json (vcpu-bench setup does)',
      );
    }
    return check('role', 'ok', `${role} exists and trusts Lambda`);
  } catch (error: unknown) {
    if (error instanceof NoSuchEntityException) {
      return check('role', 'fail', `${role} does not exist`, 'vcpu-bench setup --target aws (or pass another --role)');
    }
    return check(
      'role',
      'warn',
      `cannot read ${role}: ${describe(error)}; deploy will find out`,
      'allow iam:GetRole on it (infra/iam/harness-policy.json)',
    );
  }
}

/** Environments a sweep can keep busy at once: --concurrency cells, each a fan_out parent with its widest fan-out. */
export function peakConcurrency(o: DoctorInput['options']): number {
  const widest = o.modes.includes('fan_out') ? Math.max(...o.workers) : 0;
  return o.concurrency * (1 + widest);
}

function concurrencyCheck(limit: AccountLimit | null, o: DoctorInput['options']): DoctorCheck {
  const available = limit?.UnreservedConcurrentExecutions ?? limit?.ConcurrentExecutions;
  if (available === undefined) return check('concurrency', 'skip', 'GetAccountSettings gave no concurrency limit');
  const peak = peakConcurrency(o);
  const widest = o.modes.includes('fan_out') ? Math.max(...o.workers) : 0;
  const how =
    widest > 0
      ? `--concurrency ${o.concurrency} x (1 parent + ${widest} fan-out children)`
      : `--concurrency ${o.concurrency}`;
  const detail = `${available} unreserved concurrent executions (of ${limit?.ConcurrentExecutions ?? '?'}); the sweep peaks at ${peak} = ${how}`;
  if (peak <= available) return check('concurrency', 'ok', detail);
  const fits = Math.floor(available / (1 + widest));
  const fix =
    fits >= 1
      ? `lower --concurrency to ${fits}, or ask AWS for a higher concurrency quota (new accounts start low)`
      : `lower --workers below ${available} for fan_out, or ask AWS for a higher concurrency quota`;
  return check('concurrency', 'fail', `${detail}: invocations beyond it are throttled`, fix);
}

/** Why a probe was not made: the preflight makes none, and doctor's need a role. */
function notProbed(input: DoctorInput): string {
  return input.probe ? 'the probe needs a role: see the role check' : 'vcpu-bench doctor probes it';
}

function probeProblem(outcome: ProbeOutcome): string {
  return outcome.kind === 'accepted' ? '' : outcome.message;
}

async function memoryCheck(session: TargetSession, input: DoctorInput): Promise<DoctorCheck> {
  const o = input.options;
  const above = o.memoryMb.filter((mb) => mb > NEW_ACCOUNT_MEMORY_CAP_MB);
  if (above.length === 0)
    return check('memory', 'ok', `no size above ${NEW_ACCOUNT_MEMORY_CAP_MB} MB, the cap of new accounts`);
  if (!input.probe || input.role === null) {
    return check(
      'memory',
      'skip',
      `${above.join(', ')} MB may be refused on a new account: deploy skips refused sizes and says why (${notProbed(input)})`,
    );
  }
  const largest = Math.max(...above);
  const outcome = await probe(session, {
    prefix: o.prefix,
    role: input.role,
    arch: o.arch[0] ?? 'x86_64',
    memoryMb: largest,
  });
  if (outcome.kind === 'accepted')
    return check('memory', 'ok', `the account takes ${largest} MB (a probe function was created and deleted)`);
  if (outcome.kind !== 'memory-refused')
    return check(
      'memory',
      'skip',
      `the probe at ${largest} MB was refused for another reason: ${probeProblem(outcome)}`,
    );
  const refused = o.memoryMb.filter((mb) => mb > outcome.capMb);
  const status = refused.length === o.memoryMb.length ? 'fail' : 'warn';
  return check(
    'memory',
    status,
    `the account is capped at ${outcome.capMb} MB: ${refused.join(', ')} MB will be skipped (${outcome.message})`,
    'ask AWS Support to raise the Lambda memory quota, or sweep sizes up to the cap',
  );
}

/** Per architecture: a probe at the smallest size says whether the region runs it and Lambda can assume the role. */
async function archAndRoleChecks(session: TargetSession, input: DoctorInput): Promise<DoctorCheck[]> {
  if (!input.probe || input.role === null) {
    const arm = input.options.arch.includes('arm64')
      ? [check('arm64', 'skip', `checked by deploy (${notProbed(input)})`)]
      : [];
    return [
      check('role assumable', 'skip', `checked by deploy, which waits for a new role (${notProbed(input)})`),
      ...arm,
    ];
  }
  const checks: DoctorCheck[] = [];
  for (const arch of input.options.arch) {
    const outcome = await probe(session, {
      prefix: input.options.prefix,
      role: input.role,
      arch,
      memoryMb: MEMORY_MB.min,
    });
    const name = arch === 'arm64' ? 'arm64' : 'role assumable';
    if (outcome.kind === 'accepted') {
      checks.push(check(name, 'ok', `Lambda created an ${arch} probe function with the role (deleted at once)`));
    } else if (outcome.kind === 'role-not-assumable') {
      checks.push(
        check(
          'role assumable',
          'fail',
          outcome.message,
          'wait a minute if the role is new, else give it infra/iam/lambda-trust-policy.json and allow iam:PassRole on it',
        ),
      );
    } else {
      const fix = arch === 'arm64' ? `drop arm64 from --arch, or pick a --region with arm64 Lambda` : POLICY_FIX;
      checks.push(check(name, 'fail', `${arch} probe refused: ${outcome.message}`, fix));
    }
  }
  return checks;
}

async function logsCheck(session: TargetSession, o: DoctorInput['options']): Promise<DoctorCheck> {
  const group = logGroupOf(functionName(o.prefix, o.arch[0] ?? 'x86_64', o.memoryMb[0] ?? MEMORY_MB.min));
  // Fan-out children's REPORT lines are only in CloudWatch Logs: without them fan_out has no cost.
  const needed = o.modes.includes('fan_out');
  try {
    await session.logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 1 }));
    return check('logs', 'ok', `can read ${group}`);
  } catch (error: unknown) {
    if (isResourceNotFound(error)) return check('logs', 'ok', `may read ${group} (it does not exist yet)`);
    const status = needed ? 'fail' : 'warn';
    const why = needed ? "fan_out children's REPORT lines are only there" : 'late REPORT lines cannot be fetched';
    return check('logs', status, `FilterLogEvents on ${group}: ${describe(error)}; ${why}`, POLICY_FIX);
  }
}

export async function doctor(session: TargetSession, input: DoctorInput): Promise<DoctorReport> {
  const credentials = await credentialsCheck(session);
  const checks = [credentials.check];
  if (credentials.check.status === 'fail') {
    checks.push(check('others', 'skip', 'every other check needs working credentials'));
    return { checks, ok: false };
  }
  const region = await regionCheck(session, input.options.region);
  checks.push(region.check, await roleCheck(session, input.role, credentials.account));
  checks.push(
    input.invokes === false
      ? check('concurrency', 'skip', 'deploy invokes nothing (run and bench check it)')
      : concurrencyCheck(region.limit, input.options),
  );
  checks.push(...(await archAndRoleChecks(session, input)));
  checks.push(await memoryCheck(session, input), await logsCheck(session, input.options));
  return { checks, ok: checks.every((c) => c.status !== 'fail') };
}

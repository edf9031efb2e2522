/**
 * `vcpu-bench cleanup`: delete the functions vcpu-bench deployed (tagged `vcpu-bench:managed` = `true`), optionally
 * only those of one run, with their log groups. Anything untagged is left alone, whatever its name.
 */
import type { Argv, CommandModule } from 'yargs';
import { EMULATOR_DEFAULTS } from '../../../infra/emulator/defaults.js';
import { cleanup } from '../../cleanup/cleanup.js';
import { FUNCTION_NAME_PATTERN, LOG_GROUP_PREFIX } from '../../lambda/platform.js';
import { defaultSweepOptions, matching, resolveTargetOptions, runIdValue } from '../../options.js';
import { deleteSetupRole, getRole, isManagedRole, roleNameOf } from '../../setup/role.js';
import { openTarget, type TargetSession } from '../../target/target.js';
import { counted } from '../../text/format.js';
import { withTargetOptions } from '../common-options.js';

const GROUP = 'Cleanup:';
const DEFAULT_PREFIX = defaultSweepOptions().prefix;

const builder = (y: Argv<object>) =>
  withTargetOptions(y)
    .option('run', {
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe: 'Delete only the functions of this run (tag vcpu-bench:run). Allowed: a run id, [A-Za-z0-9._-]+',
      defaultDescription: 'every function vcpu-bench manages, of any run',
    })
    .option('prefix', {
      type: 'string',
      requiresArg: true,
      group: GROUP,
      describe:
        'Delete only functions named <prefix>-... (deploy names them <prefix>-<arch>-<memory>); they must still carry the tag. Allowed: [A-Za-z0-9_-]+',
      defaultDescription: 'any name',
    })
    .option('role', {
      type: 'boolean',
      group: GROUP,
      describe:
        'Also delete the IAM role `vcpu-bench setup` made (<prefix>-function, tagged vcpu-bench:managed=true) and its inline policy; a role of that name vcpu-bench did not make is left alone',
      defaultDescription: 'false: the role is kept for the next run',
    })
    .option('dry-run', {
      type: 'boolean',
      group: GROUP,
      describe: 'List what would be deleted; delete nothing',
      defaultDescription: 'false',
    })
    .example('$0 cleanup --target aws --dry-run', 'what would be deleted on AWS')
    .example(
      '$0 cleanup --target aws --role',
      "everything vcpu-bench made: its functions, their logs, and setup's role",
    )
    .example('$0 cleanup --target aws --region eu-west-1 --run 20261125-131500-a1b2', 'one run on AWS')
    .example(
      `$0 cleanup --endpoint-url http://${EMULATOR_DEFAULTS.host}:${EMULATOR_DEFAULTS.port}`,
      'a running `vcpu-bench emulator`',
    )
    .epilogue(
      `Deletes only functions tagged vcpu-bench:managed=true (and vcpu-bench:run=<id> with --run), each with its log group ${LOG_GROUP_PREFIX}<name>. Untagged functions are never touched.`,
    );

type CleanupArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

/** `--role`: delete the role setup made for this prefix (or, on a dry run, say whether there is one). */
async function cleanupRole(session: TargetSession, prefix: string, dryRun: boolean): Promise<string> {
  const name = roleNameOf(prefix);
  if (dryRun) {
    const role = await getRole(session, name);
    if (role === null) return `No role ${name}.`;
    return isManagedRole(role)
      ? `Would delete role ${name} (${role.Arn}).`
      : `Role ${name} is not vcpu-bench's: it would be left alone.`;
  }
  const result = await deleteSetupRole(session, prefix);
  if (result.outcome === 'absent') return `No role ${name}: nothing to delete.`;
  if (result.outcome === 'foreign')
    return `Role ${name} exists but vcpu-bench did not create it (no tag vcpu-bench:managed=true): left alone.`;
  const detached = result.detachedPolicies.length > 0 ? `; detached ${result.detachedPolicies.join(', ')}` : '';
  return `Deleted role ${name} with its inline policy ${result.inlinePolicies.join(', ') || '(none)'}${detached}.`;
}

export const cleanupCommand: CommandModule<object, CleanupArgs> = {
  command: 'cleanup',
  describe: 'Delete the functions vcpu-bench deployed (by tag), with their log groups; --dry-run lists them',
  builder,
  handler: async (argv) => {
    const runId = argv.run === undefined ? null : runIdValue('--run', argv.run);
    const prefix =
      argv.prefix === undefined
        ? undefined
        : matching(FUNCTION_NAME_PATTERN, 'must match [A-Za-z0-9_-]+')('--prefix', argv.prefix);
    const dryRun = argv['dry-run'] === true;
    const options = resolveTargetOptions(argv);
    if (options.target === 'local' && options.endpointUrl === null) {
      process.stdout.write(
        'Nothing to clean on --target local without --endpoint-url: the embedded emulator and its functions live only while a command runs.\n',
      );
      return;
    }
    const session = await openTarget({
      target: options.target,
      region: options.region,
      profile: options.profile,
      endpointUrl: options.endpointUrl,
    });
    try {
      const result = await cleanup(session, { runId, dryRun, ...(prefix === undefined ? {} : { prefix }) });
      const which = `managed by vcpu-bench${runId === null ? '' : ` of run ${runId}`}${prefix === undefined ? '' : ` named ${prefix}-...`}`;
      const lines: string[] = [];
      if (result.deleted.length === 0) {
        lines.push(`No function ${which} on ${session.description}.`);
      } else {
        const verb = dryRun ? 'Would delete' : 'Deleted';
        const n = result.deleted.length;
        const logs = n === 1 ? 'its log group' : 'their log groups';
        lines.push(`${verb} ${counted(n, 'function')} ${which}, with ${logs}, on ${session.description}:`);
        lines.push(...result.deleted.map((name) => `  ${name}`));
      }
      lines.push(`Kept ${counted(result.kept, 'other function')}.`);
      if (argv.role === true) lines.push(await cleanupRole(session, prefix ?? DEFAULT_PREFIX, dryRun));
      if (dryRun && (result.deleted.length > 0 || argv.role === true)) lines.push('Dry run: nothing was deleted.');
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await session.close();
    }
  },
};

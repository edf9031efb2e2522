/** `vcpu-bench deploy`: create or update one function per (arch, memory) and wait until each is ready. */
import type { Argv, CommandModule } from 'yargs';
import { EMULATOR_DEFAULTS } from '../../../infra/emulator/defaults.js';
import { skippedOf } from '../../deploy/deploy.js';
import { DeployError } from '../../errors.js';
import { MB_PER_VCPU } from '../../lambda/platform.js';
import { resolveRunControlOptions, resolveSweepOptions } from '../../options.js';
import { deployStep, openSession, preflight, requireRole, resolveRole, skippedLines } from '../../pipeline.js';
import { withMeasureOptions } from '../common-options.js';

const builder = (y: Argv<object>) =>
  withMeasureOptions(y, 'role')
    .example(`$0 deploy --target aws --memory 1024,${MB_PER_VCPU}`, 'two functions on AWS, with the role `setup` made')
    .example(
      `$0 deploy --endpoint-url http://${EMULATOR_DEFAULTS.host}:${EMULATOR_DEFAULTS.port}`,
      'into a running local emulator (`vcpu-bench emulator`)',
    );

type DeployArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const deployCommand: CommandModule<object, DeployArgs> = {
  command: 'deploy',
  describe:
    'Create or update one function per (arch, memory), named <prefix>-<arch>-<memory>, tagged vcpu-bench:managed=true and vcpu-bench:run=<id>, and wait until ready. Idempotent; builds the zip if stale. On AWS, runs the preflight checks first; a memory size the account refuses is skipped, with its reason',
  builder,
  handler: async (argv) => {
    const options = resolveSweepOptions(argv);
    const flags = resolveRunControlOptions(argv);
    const session = await openSession(options);
    try {
      const role = await resolveRole(session, options, flags.role);
      const notice = (line: string) => process.stderr.write(`${line}\n`);
      if (session.kind === 'aws') await preflight(session, options, role, notice, false);
      const deployed = await deployStep(session, options, requireRole(role));
      for (const f of deployed) {
        if (f.action !== 'skipped')
          process.stdout.write(`${f.action.padEnd(9)} ${f.name} (${f.memoryMb} MB, ${f.arch})\n`);
      }
      const skipped = skippedOf(deployed);
      for (const line of skippedLines(skipped)) process.stdout.write(`${line}\n`);
      if (skipped.length === deployed.length) throw new DeployError('every memory size was refused (above)');
      if (session.emulator) {
        process.stdout.write(
          `note: ${session.description}; its functions live only as long as this command. Use --endpoint-url with \`vcpu-bench emulator\` to keep them.\n`,
        );
      }
    } finally {
      await session.close();
    }
  },
};

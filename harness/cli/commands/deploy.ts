/** `vcpu-bench deploy`: create or update one function per (arch, memory) and wait until each is ready. */
import type { Argv, CommandModule } from 'yargs';
import { EMULATOR_DEFAULTS } from '../../../infra/emulator/emulator.js';
import { MB_PER_VCPU } from '../../lambda/platform.js';
import { resolveRunControlOptions, resolveSweepOptions } from '../../options.js';
import { deployStep, openSession, roleFor } from '../../pipeline.js';
import { withMeasureOptions } from '../common-options.js';

const builder = (y: Argv<object>) =>
  withMeasureOptions(y, 'role')
    .example(
      `$0 deploy --target aws --role arn:aws:iam::123456789012:role/vcpu-bench --memory 1024,${MB_PER_VCPU}`,
      'two functions on AWS',
    )
    .example(
      `$0 deploy --endpoint-url http://${EMULATOR_DEFAULTS.host}:${EMULATOR_DEFAULTS.port}`,
      'into a running local emulator (`vcpu-bench emulator`)',
    );

type DeployArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const deployCommand: CommandModule<object, DeployArgs> = {
  command: 'deploy',
  describe:
    'Create or update one function per (arch, memory), named <prefix>-<arch>-<memory>, tagged vcpu-bench:managed=true and vcpu-bench:run=<id>, and wait until ready. Idempotent; builds the zip if stale',
  builder,
  handler: async (argv) => {
    const options = resolveSweepOptions(argv);
    const role = roleFor(options, resolveRunControlOptions(argv).role);
    const session = await openSession(options);
    try {
      const deployed = await deployStep(session, options, role);
      for (const f of deployed) process.stdout.write(`${f.action.padEnd(9)} ${f.name} (${f.memoryMb} MB, ${f.arch})\n`);
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

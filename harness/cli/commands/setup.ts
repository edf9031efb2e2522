/**
 * `vcpu-bench setup --target aws`: the functions' IAM role, created (or brought up to date) from infra/iam/, waited on
 * until Lambda can assume it, and its ARN printed. `--role` then defaults to it; `cleanup --role` removes it.
 */
import type { Argv, CommandModule } from 'yargs';
import { SetupError } from '../../errors.js';
import { resolveSetupOptions, SETUP_OPTION_TABLE } from '../../options.js';
import { FUNCTION_POLICY_FILE, setupRole, TRUST_POLICY_FILE } from '../../setup/role.js';
import { openTarget } from '../../target/target.js';
import { yargsOptions } from '../common-options.js';

const builder = (y: Argv<object>) =>
  y
    .options(yargsOptions(SETUP_OPTION_TABLE))
    .example('$0 setup --target aws', 'the role vcpu-bench-function in your account')
    .example('$0 setup --target aws --prefix mybench', 'a role for functions named mybench-*')
    .epilogue(
      `Creates the role <prefix>-function, tagged vcpu-bench:managed=true, trusting Lambda (infra/iam/${TRUST_POLICY_FILE}) with the inline policy infra/iam/${FUNCTION_POLICY_FILE} (resources moved to <prefix>-*). Idempotent. Touches nothing else; a role of that name vcpu-bench did not make is left alone. Needs the IAM permissions of infra/iam/setup-policy.json.`,
    );

type SetupArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const setupCommand: CommandModule<object, SetupArgs> = {
  command: 'setup',
  describe:
    "Create the functions' IAM role on --target aws (idempotent), wait until Lambda can assume it, print its ARN; --role then defaults to it",
  builder,
  handler: async (argv) => {
    const options = resolveSetupOptions(argv);
    if (options.target === 'local') {
      process.stdout.write('Nothing to set up on --target local: the emulator needs no account and no role.\n');
      return;
    }
    const session = await openTarget(options);
    try {
      const result = await setupRole(session, options.prefix);
      const lines = [
        `account ${result.account}, ${session.description}`,
        `role ${result.roleName}: ${result.role}; trust policy (${TRUST_POLICY_FILE}): ${result.trustPolicy}; inline policy (${FUNCTION_POLICY_FILE}): ${result.inlinePolicy}`,
        `assumable by Lambda: ${result.assumable ? 'yes' : 'NO'}, ${result.assumableDetail}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (!result.assumable) {
        throw new SetupError(
          `Lambda still cannot assume ${result.roleArn}: check its trust policy and that you may pass it (iam:PassRole), then run setup again`,
        );
      }
      process.stdout.write(
        `${result.roleArn}\n--role now defaults to it for --prefix ${options.prefix}; remove it with: vcpu-bench cleanup --target aws --role\n`,
      );
    } finally {
      await session.close();
    }
  },
};

/**
 * `vcpu-bench doctor`: is this AWS account ready for the sweep? One line per check, each with its fix when it fails;
 * exit 2 when a check the sweep needs fails. Probe functions (created and deleted at once, never invoked) answer what
 * only CreateFunction can: the role, the memory cap of new accounts, arm64 in the region.
 */
import type { Argv, CommandModule } from 'yargs';
import { doctor } from '../../doctor/doctor.js';
import { PreflightError } from '../../errors.js';
import { resolveRunControlOptions, resolveSweepOptions } from '../../options.js';
import { checkLine, openSession, resolveRole } from '../../pipeline.js';
import { withMeasureOptions } from '../common-options.js';

const builder = (y: Argv<object>) =>
  withMeasureOptions(y, 'role')
    .example('$0 doctor --target aws', 'the default sweep, on your account')
    .example('$0 doctor --target aws --memory 1769-10240:1769 --arch x86_64,arm64 --concurrency 20', 'a larger sweep')
    .epilogue(
      'Checks: credentials (STS GetCallerIdentity), the region (Lambda GetAccountSettings), the role (IAM GetRole: exists, trusts Lambda), account concurrency against --concurrency times the widest fan-out, a probe function per --arch (Lambda can assume the role; arm64 exists in the region), one at the largest --memory above 3008 MB (new accounts are capped), and reading CloudWatch Logs. deploy, run and bench run the same checks on AWS, without the probes.',
    );

type DoctorArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

export const doctorCommand: CommandModule<object, DoctorArgs> = {
  command: 'doctor',
  describe:
    'Check that an AWS account is ready for the sweep: credentials, region, role, concurrency, memory cap, arm64, CloudWatch Logs; one line per check with its fix; exit 2 when a needed check fails',
  builder,
  handler: async (argv) => {
    const options = resolveSweepOptions(argv);
    if (options.target === 'local') {
      process.stdout.write('Nothing to check on --target local: the emulator needs no account. Use --target aws.\n');
      return;
    }
    const session = await openSession(options);
    try {
      const role = await resolveRole(session, options, resolveRunControlOptions(argv).role);
      const report = await doctor(session, { options, role, probe: true });
      const lines = [`vcpu-bench doctor on ${session.description}:`, ...report.checks.map(checkLine)];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (!report.ok) {
        const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
        throw new PreflightError(`doctor: ${failed.length} check(s) failed (${failed.join(', ')}); fixes above`);
      }
      process.stdout.write('Ready: nothing the sweep needs is missing.\n');
    } finally {
      await session.close();
    }
  },
};

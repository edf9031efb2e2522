/**
 * `vcpu-bench emulator`: the local Lambda emulator as a long-running server, for runs that want to keep functions
 * and logs between commands (`--endpoint-url`) or for other tools speaking the Lambda API (`AWS_ENDPOINT_URL`).
 * Serves until SIGINT or SIGTERM, then kills its execution environments and removes their cgroups.
 */
import type { Argv, CommandModule } from 'yargs';
import { EMULATOR_DEFAULTS } from '../../../infra/emulator/defaults.js';
import { Emulator } from '../../../infra/emulator/emulator.js';
import { errnoCode } from '../../../lib/fs.js';
import { EmulatorError } from '../../errors.js';
import { MB_PER_VCPU } from '../../lambda/platform.js';
import { EMULATOR_OPTION_TABLE, resolveEmulatorOptions } from '../../options.js';
import { executorFor } from '../../target/executor.js';
import { yargsOptions } from '../common-options.js';

const builder = (y: Argv<object>) =>
  y
    .options(yargsOptions(EMULATOR_OPTION_TABLE))
    .example('$0 emulator', `serve on http://${EMULATOR_DEFAULTS.host}:${EMULATOR_DEFAULTS.port}`)
    .example(
      '$0 run --target local --endpoint-url http://127.0.0.1:9769',
      'in another terminal: a run whose functions and logs outlive it',
    )
    .example(
      'AWS_ENDPOINT_URL=http://127.0.0.1:9769 aws lambda list-functions',
      'any AWS SDK or CLI, with any credentials',
    )
    .epilogue(
      `Serves the Lambda and CloudWatch Logs APIs until Ctrl-C (SIGINT) or SIGTERM, then kills its execution environments and removes their cgroups. CPU is limited to memory/${MB_PER_VCPU} vCPUs per environment only where it can write cgroups (v1 or v2); otherwise it says so and runs unthrottled.`,
    );

type EmulatorArgs = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

/** Resolves with the first SIGINT or SIGTERM; later ones only say that shutdown is under way. */
function untilSignal(): { signal: Promise<NodeJS.Signals>; dispose: () => void } {
  let first: ((signal: NodeJS.Signals) => void) | null = null;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    first = resolve;
  });
  let received = false;
  const onSignal = (name: NodeJS.Signals) => {
    if (received) {
      process.stderr.write('still stopping: killing execution environments and removing cgroups\n');
      return;
    }
    received = true;
    first?.(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function listenProblem(error: unknown, host: string, port: number): string {
  const code = errnoCode(error) ?? '';
  if (code === 'EADDRINUSE')
    return `--port ${port}: already in use on ${host}; pick another, or --port 0 for any free one`;
  if (code === 'EACCES') return `--port ${port}: not allowed to listen on it here; pick one above 1023`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return `--host ${host}: not an address of this machine`;
  return `cannot listen on ${host}:${port} (${error instanceof Error ? error.message : String(error)})`;
}

export const emulatorCommand: CommandModule<object, EmulatorArgs> = {
  command: 'emulator',
  describe: 'Run the local Lambda emulator as a server (Lambda + CloudWatch Logs APIs) until Ctrl-C',
  builder,
  handler: async (argv) => {
    const options = resolveEmulatorOptions(argv);
    const { port, host, concurrency, keepAliveS, requireAuth, initCpu, faults } = options;
    const executor = await executorFor(options, (line) => process.stderr.write(`${line}\n`));
    const emulator = new Emulator({
      concurrency,
      keepAliveS,
      requireAuth,
      initCpu,
      faults,
      ...(executor ? { executor } : {}),
    });
    // Listening for signals before the server listens: a signal during start-up still closes it properly.
    const stop = untilSignal();
    try {
      try {
        await emulator.listen(port, host);
      } catch (error: unknown) {
        throw new EmulatorError(listenProblem(error, host, port), { cause: error });
      }
      const status = emulator.status();
      const lines = [`vcpu-bench emulator listening on ${emulator.endpoint}`];
      if (status.executorInfo.kind === 'docker') {
        lines.push(`executor: ${status.cgroupDetail}`);
      } else if (status.cpuEnforced) {
        lines.push(`cgroups: ${status.cgroupDetail}; CPU enforced: each environment gets memory/${MB_PER_VCPU} vCPUs`);
      } else {
        // The CPU share is what this project measures (harness/lambda/README.md "Memory and CPU"): without it, say so.
        lines.push(
          `cgroups: ${status.cgroupDetail}`,
          'WARNING: CPU is NOT enforced: functions run unthrottled whatever their memory size, so timings are not comparable with Lambda (results say cpu_enforced=false).',
        );
      }
      const key = emulator.accessKey;
      lines.push(
        key
          ? `Requests must be signed with this key (--require-auth): AWS_ACCESS_KEY_ID=${key.accessKeyId} AWS_SECRET_ACCESS_KEY=${key.secretAccessKey} AWS_ENDPOINT_URL=${emulator.endpoint}`
          : `Use it: AWS_ENDPOINT_URL=${emulator.endpoint} (any AWS SDK or CLI, any credentials), or vcpu-bench <command> --target local --endpoint-url ${emulator.endpoint} (with --target aws instead, the AWS path: setup, doctor, IAM and STS as this emulator plays them)`,
        `Concurrency ${concurrency}, idle environments kept ${keepAliveS} s. Ctrl-C or SIGTERM stops it.`,
        ...(emulator.faults.active ? [`FAULTS INJECTED on purpose: ${emulator.faults.describe()}`] : []),
      );
      process.stdout.write(`${lines.join('\n')}\n`);
      const signal = await stop.signal;
      process.stdout.write(`${signal}: stopping the emulator\n`);
    } finally {
      await emulator.close();
      stop.dispose();
    }
    process.stdout.write('emulator stopped\n');
  },
};

/**
 * `vcpu-bench emulator`: the local Lambda emulator as a long-running server, for runs that want to keep functions
 * and logs between commands (`--endpoint-url`) or for other tools speaking the Lambda API (`AWS_ENDPOINT_URL`).
 * Serves until SIGINT or SIGTERM, then kills its execution environments and removes their cgroups.
 */
import type { Argv, CommandModule } from 'yargs';
import { Emulator } from '../../../infra/emulator/emulator.js';
import { ConfigError } from '../errors.js';
import { type IntegerRule, parseInteger } from '../list-syntax.js';

export const EMULATOR_DEFAULTS = { port: 9769, host: '127.0.0.1', concurrency: 10, keepAliveS: 300 } as const;
const PORT_RULE: IntegerRule = { min: 0, max: 65_535 };
/** 1,000 is Lambda's default account concurrency. */
const CONCURRENCY_RULE: IntegerRule = { min: 1, max: 1000 };
const KEEP_ALIVE_RULE: IntegerRule = { min: 1, max: 86_400, unit: 's' };
const HOST_PATTERN = /^[A-Za-z0-9.:-]+$/;

const GROUP = 'Emulator:';

/** The emulator could not start (its port is taken, the host is not an address of this machine). */
export class EmulatorError extends Error {
  override name = 'EmulatorError';
}

/** A repeated flag reaches here as an array whatever yargs' types say, hence `unknown`. */
function integerFlag(flag: string, value: unknown, rule: IntegerRule, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') {
    throw new ConfigError(`--${flag} ${String(value)}: takes one value; it must be an integer`);
  }
  return parseInteger(`--${flag}`, value, rule);
}

function hostFlag(value: unknown): string {
  if (value === undefined) return EMULATOR_DEFAULTS.host;
  const rule = 'must be a host name or IP address of this machine, e.g. 127.0.0.1 or 0.0.0.0';
  if (typeof value !== 'string') throw new ConfigError(`--host ${String(value)}: takes one value; it ${rule}`);
  if (!HOST_PATTERN.test(value)) throw new ConfigError(`--host ${value}: ${rule}`);
  return value;
}

const valueFlag = (describe: string, defaultDescription: string) =>
  ({ type: 'string', requiresArg: true, group: GROUP, describe, defaultDescription }) as const;

const builder = (y: Argv<object>) =>
  y
    .options({
      port: valueFlag(
        `TCP port to listen on; 0 picks a free one. Allowed: an integer from ${PORT_RULE.min} to ${PORT_RULE.max}`,
        String(EMULATOR_DEFAULTS.port),
      ),
      host: valueFlag(
        'Address to listen on; 0.0.0.0 makes it reachable from other machines (it checks no credentials). Allowed: a host name or IP address',
        EMULATOR_DEFAULTS.host,
      ),
      concurrency: valueFlag(
        `Account concurrency: environments busy at once; beyond it Invoke answers 429 TooManyRequestsException, as Lambda does. Allowed: an integer from ${CONCURRENCY_RULE.min} to ${CONCURRENCY_RULE.max}`,
        String(EMULATOR_DEFAULTS.concurrency),
      ),
      'keep-alive': valueFlag(
        `Seconds an idle execution environment stays warm before it is reaped. Allowed: an integer from ${KEEP_ALIVE_RULE.min} to ${KEEP_ALIVE_RULE.max}`,
        String(EMULATOR_DEFAULTS.keepAliveS),
      ),
    })
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
      'Serves the Lambda and CloudWatch Logs APIs until Ctrl-C (SIGINT) or SIGTERM, then kills its execution environments and removes their cgroups. CPU is limited to memory/1769 vCPUs per environment only where it can write cgroups (v1 or v2); otherwise it says so and runs unthrottled.',
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
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
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
    const port = integerFlag('port', argv.port, PORT_RULE, EMULATOR_DEFAULTS.port);
    const host = hostFlag(argv.host);
    const concurrency = integerFlag('concurrency', argv.concurrency, CONCURRENCY_RULE, EMULATOR_DEFAULTS.concurrency);
    const keepAliveS = integerFlag('keep-alive', argv['keep-alive'], KEEP_ALIVE_RULE, EMULATOR_DEFAULTS.keepAliveS);

    const emulator = new Emulator({ concurrency, keepAliveS });
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
      if (status.cpuEnforced) {
        lines.push(`cgroups: ${status.cgroupDetail}; CPU enforced: each environment gets memory/1769 vCPUs`);
      } else {
        // LAMBDA_FACTS.md "Memory and CPU": the CPU share is what this project measures; without it, say so loudly.
        lines.push(
          `cgroups: ${status.cgroupDetail}`,
          'WARNING: CPU is NOT enforced: functions run unthrottled whatever their memory size, so timings are not comparable with Lambda (results say cpu_enforced=false).',
        );
      }
      lines.push(
        `Use it: AWS_ENDPOINT_URL=${emulator.endpoint} (any AWS SDK or CLI), or vcpu-bench <command> --target local --endpoint-url ${emulator.endpoint}`,
        `Concurrency ${concurrency}, idle environments kept ${keepAliveS} s. Ctrl-C or SIGTERM stops it.`,
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

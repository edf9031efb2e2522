/**
 * The stand-in RIE's configuration, read from its command line and environment the way the Runtime Interface
 * Emulator reads them (https://github.com/aws/aws-lambda-runtime-interface-emulator, README "How to configure", and
 * its command: `aws-lambda-rie [--runtime-interface-emulator-address host:port] [--runtime-api-address host:port]
 * [--log-level level] [bootstrap [args...] [handler]]`). Pure: the caller passes argv, env and a file test.
 */

export interface RieOptions {
  /** Where the invoke endpoint listens (RIE's default 0.0.0.0:8080: every interface of the container's own network). */
  listenHost: string;
  listenPort: number;
  /** Where the Runtime API for the runtime listens (RIE's default 127.0.0.1:9001: the container's loopback). */
  runtimeApiHost: string;
  runtimeApiPort: number;
  /** The runtime's command line. */
  bootstrap: string[];
  /** The runtime's working directory: the current one when a command is given, else /var/task (as RIE). */
  cwd: string;
  /** The handler passed to the runtime as _HANDLER; '' when none is known. */
  handler: string;
  /** AWS_LAMBDA_FUNCTION_TIMEOUT: whole seconds, default 300. */
  timeoutS: number;
  /** AWS_LAMBDA_FUNCTION_MEMORY_SIZE as given (default 3008): reported only, never enforced. */
  memorySize: string;
  /** AWS_LAMBDA_FUNCTION_NAME; null when unset (the runtime then sees RIE's default, test_function). */
  functionName: string | null;
  functionVersion: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class RieOptionsError extends Error {
  override name = 'RieOptionsError';
}

// RIE's bootstrap lookup when it is given no command, in this order.
const BOOTSTRAP_CANDIDATES = ['/var/task/bootstrap', '/opt/bootstrap', '/var/runtime/bootstrap'];
const VALUE_FLAGS = new Set(['--log-level', '--runtime-api-address', '--runtime-interface-emulator-address']);
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function hostPort(flag: string, value: string): { host: string; port: number } {
  const colon = value.lastIndexOf(':');
  const port = Number(value.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RieOptionsError(`${flag} ${value}: must be host:port`);
  }
  return { host: value.slice(0, colon) || '0.0.0.0', port };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function parseRieOptions(
  argv: string[],
  env: Record<string, string | undefined>,
  isFile: (file: string) => boolean,
  cwd: string,
): RieOptions {
  const flags = new Map<string, string>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (args.length > 0 || !arg.startsWith('--')) {
      // The first word that is not a flag starts the runtime's command; the rest belongs to it.
      args.push(arg);
      continue;
    }
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!VALUE_FLAGS.has(name)) continue; // RIE ignores flags it does not know (--enable-init-caching included)
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new RieOptionsError(`${name}: needs a value`);
    flags.set(name, value);
  }

  const listen = hostPort(
    '--runtime-interface-emulator-address',
    flags.get('--runtime-interface-emulator-address') ?? '0.0.0.0:8080',
  );
  const runtimeApi = hostPort('--runtime-api-address', flags.get('--runtime-api-address') ?? '127.0.0.1:9001');

  const timeoutText = nonEmpty(env.AWS_LAMBDA_FUNCTION_TIMEOUT) ?? '300';
  const timeoutS = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || timeoutS < 1) {
    throw new RieOptionsError(`AWS_LAMBDA_FUNCTION_TIMEOUT ${timeoutText}: must be a whole number of seconds`);
  }

  const level = (flags.get('--log-level') ?? nonEmpty(env.LOG_LEVEL) ?? 'info').toLowerCase();
  const logLevel = LEVELS.find((l) => l === level || (l === 'warn' && level === 'warning')) ?? 'info';

  let bootstrap: string[];
  let runtimeCwd = cwd;
  let handlerArg: string | undefined;
  if (args.length === 0) {
    bootstrap = [BOOTSTRAP_CANDIDATES.find(isFile) ?? (BOOTSTRAP_CANDIDATES[0] as string)];
    runtimeCwd = '/var/task';
  } else {
    bootstrap = args;
    // RIE takes the last word of a command of two or more words as the handler.
    if (args.length > 1) handlerArg = args[args.length - 1];
  }

  return {
    listenHost: listen.host,
    listenPort: listen.port,
    runtimeApiHost: runtimeApi.host,
    runtimeApiPort: runtimeApi.port,
    bootstrap,
    cwd: runtimeCwd,
    handler: handlerArg ?? nonEmpty(env.AWS_LAMBDA_FUNCTION_HANDLER) ?? env._HANDLER ?? '',
    timeoutS,
    memorySize: nonEmpty(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) ?? '3008',
    functionName: nonEmpty(env.AWS_LAMBDA_FUNCTION_NAME) ?? null,
    functionVersion: nonEmpty(env.AWS_LAMBDA_FUNCTION_VERSION) ?? '$LATEST',
    logLevel,
  };
}

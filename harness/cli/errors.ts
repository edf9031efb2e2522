/**
 * The CLI's error contract, in one place: how an error is printed (one line, `error: <message>`) and which exit code
 * it gets, decided by class (harness/errors.ts). Commands throw; only the CLI entry point prints and exits.
 */
import { ConfigError, oneLine, PreflightError, UserError } from '../errors.js';

/**
 * Exit codes: 2 = the command line or config is wrong, or a check the sweep needs failed before anything changed (fix
 * the input or the account), 1 = the work itself failed.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** A sweep stopped by SIGINT or SIGTERM, as a shell reports a process ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;

/**
 * AWS SDK v3 service errors (AccessDeniedException, ResourceNotFoundException, ...) carry `$fault`: they describe
 * the account or the request, not a bug here.
 */
function isServiceException(error: unknown): error is Error {
  return error instanceof Error && error.name.endsWith('Exception') && '$fault' in error;
}

/** True for errors whose message alone tells the user what to do: print it, not a stack trace. */
export function isUserError(error: unknown): boolean {
  return error instanceof UserError || isServiceException(error);
}

export function exitCodeFor(error: unknown): number {
  return error instanceof ConfigError || error instanceof PreflightError ? EXIT_USAGE : EXIT_FAILURE;
}

/**
 * What the CLI prints to stderr for an error. User errors: exactly one line. Anything else is a bug: the same first
 * line, then the stack so it can be reported.
 */
export function errorReport(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = isServiceException(error) ? `${error.name}: ` : '';
  const line = `error: ${prefix}${oneLine(message)}\n`;
  if (isUserError(error)) return line;
  const stack = error instanceof Error && error.stack ? error.stack : String(error);
  return `${line}(this looks like a bug in vcpu-bench; details follow)\n${stack}\n`;
}

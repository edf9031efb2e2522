/**
 * The CLI's error contract, in one place: which errors are the user's to fix, how they are printed (one line,
 * `error: <message>`) and which exit code each gets. Commands throw; only the CLI entry point prints and exits.
 */

/** Exit codes: 2 = the command line or config is wrong (fix the input), 1 = the work itself failed. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * A flag, a config file or a combination of them is invalid. Thrown before anything touches the disk or AWS, so
 * re-running with a corrected command line is always safe.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * JavaScript's own error classes signal a bug, not something the user can act on, so their stack is worth printing.
 * Every other class whose name ends in `Error` (DeployError, EmulatorError, ...) is a named error meant for the user.
 */
const BUILT_IN_ERROR_NAMES = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
  'AggregateError',
]);

function errorName(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  return typeof error.name === 'string' ? error.name : null;
}

/** True for errors whose message alone tells the user what to do: print it, not a stack trace. */
export function isUserError(error: unknown): boolean {
  const name = errorName(error);
  if (name === null) return false;
  if (name.endsWith('Error')) return !BUILT_IN_ERROR_NAMES.has(name);
  // AWS SDK v3 service errors (AccessDeniedException, ResourceNotFoundException, ...) carry `$fault`: they describe
  // the account or the request, not a bug here.
  return name.endsWith('Exception') && typeof error === 'object' && error !== null && '$fault' in error;
}

export function exitCodeFor(error: unknown): number {
  return error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE;
}

/** A message on one line: multi-line messages (JSON parse errors quote the input) would break `error: ` parsing. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * What the CLI prints to stderr for an error. User errors: exactly one line. Anything else is a bug: the same first
 * line, then the stack so it can be reported.
 */
export function errorReport(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = errorName(error)?.endsWith('Exception') ? `${errorName(error)}: ` : '';
  const line = `error: ${prefix}${oneLine(message)}\n`;
  if (isUserError(error)) return line;
  const stack = error instanceof Error && error.stack ? error.stack : String(error);
  return `${line}(this looks like a bug in vcpu-bench; details follow)\n${stack}\n`;
}

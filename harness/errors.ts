/**
 * The errors a user must act on, one class each, all under UserError: their message alone says what to do, on one
 * line. The CLI prints them without a stack and picks the exit code by class (ConfigError: the input is wrong, exit
 * 2; any other UserError: the work failed, exit 1). Anything else that reaches the CLI is a bug.
 */

export class UserError extends Error {
  override name = 'UserError';
}

/**
 * A flag, a config file or a combination of them is invalid. Thrown before anything touches the disk or AWS, so
 * re-running with a corrected command line is always safe.
 */
export class ConfigError extends UserError {
  override name = 'ConfigError';
}

/** A run directory is missing, unreadable or corrupt (run.json, invocations.jsonl, saved logs). */
export class RunDirError extends UserError {
  override name = 'RunDirError';
}

/** A function could not be deployed as asked. */
export class DeployError extends UserError {
  override name = 'DeployError';
}

/** The target (AWS, or an emulator at --endpoint-url) cannot be used as asked. */
export class TargetError extends UserError {
  override name = 'TargetError';
}

/** `setup` or `cleanup --role` cannot do what it was asked without touching something that is not vcpu-bench's. */
export class SetupError extends UserError {
  override name = 'SetupError';
}

/**
 * A check the sweep needs failed before anything was deployed (`doctor`, and its run at the start of deploy, run and
 * bench on AWS). Exit 2 like a ConfigError: nothing was changed, and the printed checklist says what to fix.
 */
export class PreflightError extends UserError {
  override name = 'PreflightError';
}

/** The local emulator could not start (its port is taken, the host is not an address of this machine). */
export class EmulatorError extends UserError {
  override name = 'EmulatorError';
}

/** A message on one line: multi-line messages (JSON parse errors quote the input) would break `error: ` parsing. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

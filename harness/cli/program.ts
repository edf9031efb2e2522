/**
 * The vcpu-bench program: yargs set up once for every command, and the error contract applied in one place.
 * main.ts only lists the commands and exits with the code runCli returns.
 */
import type { CommandModule } from 'yargs';
import { ConfigError, oneLine } from '../errors.js';
import { harnessVersion } from '../version.js';
import { yargs } from './cli-libraries.js';
import { EXIT_OK, errorReport, exitCodeFor } from './errors.js';

/**
 * A command as main.ts lists it. Each module types its own arguments; the list only needs what yargs needs, so a
 * command is stored with its argument type erased (see `command`).
 */
export type CliCommand = CommandModule<object, object>;

/**
 * Erase a command's argument type for the list in main.ts. Safe: yargs builds each command's arguments with that
 * command's own builder, so its handler gets the type it was written for; only the list's static type is lost.
 */
export function command<U>(module: CommandModule<object, U>): CliCommand {
  return module as unknown as CliCommand;
}

export function commandNameOf(module: CliCommand): string {
  const spec = Array.isArray(module.command) ? module.command[0] : module.command;
  return typeof spec === 'string' ? (spec.split(' ')[0] ?? spec) : '';
}

/**
 * yargs' own failures (unknown flag, flag without a value, no command) in the same one-line shape as every other
 * usage error, naming the flag and pointing at --help.
 */
export function usageMessage(message: string, args: readonly string[], commandNames: readonly string[]): string {
  const first = args.find((arg) => !arg.startsWith('-'));
  const current = first !== undefined && commandNames.includes(first) ? first : null;
  const help = `see vcpu-bench ${current ? `${current} ` : ''}--help`;
  const unknown = /^Unknown arguments?: (.+)$/.exec(message.trim());
  if (unknown) {
    const names = (unknown[1] ?? '').split(', ');
    // yargs names a flag without its dashes; it was a flag if the user wrote it with them.
    const isFlag = (name: string) =>
      args.some((arg) => arg.startsWith('-') && arg.replace(/^-+/, '').split('=')[0] === name);
    if (current === null && first !== undefined && names.includes(first)) {
      return `unknown command "${first}"; commands: ${commandNames.join(', ')}; ${help}`;
    }
    const named = names.map((name) => (isFlag(name) ? `--${name}` : `"${name}"`));
    return `${named.join(', ')}: unknown ${names.every(isFlag) ? 'option' : 'argument'}; ${help}`;
  }
  const noValue = /^Not enough arguments following: (.+)$/.exec(message.trim());
  if (noValue) return `--${noValue[1]}: needs a value; ${help}`;
  if (/^Not enough non-option arguments/.test(message.trim())) {
    return `no command given; commands: ${commandNames.join(', ')}; see vcpu-bench --help`;
  }
  return `${oneLine(message)}; ${help}`;
}

/**
 * Parse `args`, run the chosen command and return the exit code. Errors are printed here, never by commands:
 * ConfigError and yargs' own validation failures print `error: <message>` and give 2; other named errors print the
 * same one line and give 1; anything else (a bug) prints that line plus its stack and gives 1.
 */
export async function runCli(args: readonly string[], commands: readonly CliCommand[]): Promise<number> {
  const names = commands.map(commandNameOf);
  const cli = yargs([...args])
    .scriptName('vcpu-bench')
    .usage(
      '$0 <command> [options]\n\nDoes multithreading pay off in AWS Lambda, at which memory size, and at what cost? ' +
        'Plans, deploys and runs a sweep of a password-hashing function over memory sizes and threading modes, on AWS or on a local emulator.',
    )
    .command([...commands])
    .demandCommand(1)
    .strict()
    .help()
    .alias('help', 'h')
    // Given, not looked up: yargs finds a package.json from its own location, which the bundle moves (cli-libraries.ts).
    .version(harnessVersion())
    // Its own messages in English, as the rest of this CLI's, whatever the user's locale.
    .locale('en')
    .epilogue('Every command takes --help. Exit codes: 0 done, 1 the work failed, 2 invalid command line or config.')
    .fail((message: string | null, error: Error | undefined) => {
      // yargs calls this for its own validation (message, no error, or a YError) and for errors a command threw,
      // which must reach the catch below unchanged.
      if (error && error.name !== 'YError') throw error;
      throw new ConfigError(usageMessage(message ?? error?.message ?? 'invalid command line', args, names), {
        cause: error,
      });
    });
  // Piped help (no terminal width) still wraps, at a width most terminals show. yargs lays the help out after every
  // command starts, to have it ready for a failure, and wrapping it took 30-40 ms of each command's start; this CLI
  // shows help only for --help (a failure is one line), so only then is it wrapped.
  const helpAsked = args.some((arg) => arg === '--help' || arg === '-h');
  cli.wrap(helpAsked ? Math.min(120, process.stdout.columns ?? 100) : null);
  try {
    await cli.parseAsync();
    return EXIT_OK;
  } catch (error: unknown) {
    process.stderr.write(errorReport(error));
    return exitCodeFor(error);
  }
}

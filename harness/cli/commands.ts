/**
 * Every command of the `vcpu-bench` bin, in --help order, each with the name it is typed as and a loader for its
 * module. main.ts loads only the command named on the command line (all of them for --help or a name it does not
 * know): each module brings its own dependencies (the AWS SDK, the emulator, vega), and loading every one cost each
 * command about half a second before it started.
 */
import { type CliCommand, command } from './program.js';

export const COMMANDS: ReadonlyArray<{ name: string; load: () => Promise<CliCommand> }> = [
  { name: 'setup', load: async () => command((await import('./commands/setup.js')).setupCommand) },
  { name: 'doctor', load: async () => command((await import('./commands/doctor.js')).doctorCommand) },
  { name: 'plan', load: async () => command((await import('./commands/plan.js')).planCommand) },
  { name: 'deploy', load: async () => command((await import('./commands/deploy.js')).deployCommand) },
  { name: 'run', load: async () => command((await import('./commands/run.js')).runCommand) },
  { name: 'bench', load: async () => command((await import('./commands/bench.js')).benchCommand) },
  { name: 'analyze', load: async () => command((await import('./commands/analyze.js')).analyzeCommand) },
  { name: 'recommend', load: async () => command((await import('./commands/recommend.js')).recommendCommand) },
  { name: 'cleanup', load: async () => command((await import('./commands/cleanup.js')).cleanupCommand) },
  { name: 'emulator', load: async () => command((await import('./commands/emulator.js')).emulatorCommand) },
  { name: 'experiment', load: async () => command((await import('./commands/experiment.js')).experimentCommand) },
];

/** The commands `args` needs: the one its first word names, or every one (help, a misspelt name, none). */
export async function commandsFor(args: readonly string[]): Promise<CliCommand[]> {
  const first = args.find((arg) => !arg.startsWith('-'));
  const named = COMMANDS.filter((c) => c.name === first);
  return Promise.all((named.length > 0 ? named : COMMANDS).map((c) => c.load()));
}

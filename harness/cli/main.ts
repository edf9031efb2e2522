#!/usr/bin/env node
/** The `vcpu-bench` bin: the list of commands, and the exit code. Everything else is in program.ts. */
import { hideBin } from 'yargs/helpers';
import { EXIT_OK } from './errors.js';
import { type CliCommand, command, runCli } from './program.js';

/**
 * Every command, in --help order. Adding one is one line: each module in ./commands/ exports a yargs CommandModule.
 * The imports are type-checked like static ones.
 */
const COMMANDS: readonly CliCommand[] = [
  command((await import('./commands/setup.js')).setupCommand),
  command((await import('./commands/doctor.js')).doctorCommand),
  command((await import('./commands/plan.js')).planCommand),
  command((await import('./commands/deploy.js')).deployCommand),
  command((await import('./commands/run.js')).runCommand),
  command((await import('./commands/bench.js')).benchCommand),
  command((await import('./commands/analyze.js')).analyzeCommand),
  command((await import('./commands/recommend.js')).recommendCommand),
  command((await import('./commands/cleanup.js')).cleanupCommand),
  command((await import('./commands/emulator.js')).emulatorCommand),
  command((await import('./commands/experiment.js')).experimentCommand),
];

const code = await runCli(hideBin(process.argv), COMMANDS);
// Exit at once on failure: a failed command may leave a pool or a socket open. stderr is synchronous for files and
// pipes on Linux, so the message is out. On success, let Node exit by itself so a large stdout is fully flushed.
if (code !== EXIT_OK) process.exit(code);

#!/usr/bin/env node
/** The `vcpu-bench` bin: the commands it needs (commands.ts), and the exit code. Everything else is in program.ts. */
import { hideBin } from './cli-libraries.js';
import { commandsFor } from './commands.js';
import { EXIT_OK } from './errors.js';
import { runCli } from './program.js';

const args = hideBin(process.argv);
const code = await runCli(args, await commandsFor(args));
// Exit at once on failure: a failed command may leave a pool or a socket open. stderr is synchronous for files and
// pipes on Linux, so the message is out. On success, let Node exit by itself so a large stdout is fully flushed.
if (code !== EXIT_OK) process.exit(code);

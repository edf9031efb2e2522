/** The bin loads the command named on its command line, and every command when none is named or the name is unknown. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS, commandsFor } from '../../../harness/cli/commands.js';
import { commandNameOf } from '../../../harness/cli/program.js';

test('each entry loads the command of its name, in --help order', async () => {
  for (const entry of COMMANDS) assert.equal(commandNameOf(await entry.load()), entry.name);
  assert.equal(new Set(COMMANDS.map((c) => c.name)).size, COMMANDS.length);
});

test('a named command alone; every command for --help, no command or an unknown one', async () => {
  const names = async (args: string[]) => (await commandsFor(args)).map(commandNameOf);
  assert.deepEqual(await names(['analyze', 'results/x', '--logs', 'a.log']), ['analyze']);
  assert.deepEqual(await names(['experiment', 'background', '--help']), ['experiment']);
  const all = COMMANDS.map((c) => c.name);
  for (const args of [[], ['--help'], ['--version'], ['deploi', '--memory', '128']]) {
    assert.deepEqual(await names(args), all, args.join(' '));
  }
});

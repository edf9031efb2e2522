/**
 * README.md "Running on AWS" shows the recipe (setup, doctor, plan, bench, cleanup) with the output each command
 * printed against the emulator. This runs the same commands, against an emulator started with the README's own
 * `emulator` flags, and checks that every line the README shows is printed, numbers, paths and ids aside: the README
 * cannot drift from what the tool does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../harness/paths.js';
import { parseFaults } from '../infra/emulator/faults.js';
import { AWS_ENV, startAwsEmulator } from './support/aws.js';
import { runCli } from './support/cli.js';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Running on AWS'), readme.indexOf('## The local emulator'));

/** The README's `emulator` command: its --concurrency and --fault flags. */
function emulatorFlags(): { concurrency: number; faults: string[] } {
  const command = /`npm run cli -- emulator ([^`]+)`/.exec(section)?.[1];
  assert.ok(command, 'the section names the emulator command it ran against');
  const words = command.split(/\s+/);
  const faults = words.flatMap((word, i) => (word === '--fault' ? [words[i + 1] ?? ''] : []));
  const concurrency = Number(words[words.indexOf('--concurrency') + 1]);
  return { concurrency, faults };
}

interface Shown {
  args: string[];
  lines: string[];
}

/** Each ```text block that starts with `$ npm run cli -- ...`: the command's arguments and the lines shown. */
function shownCommands(): Shown[] {
  return [...section.matchAll(/```text\n([\s\S]*?)```/g)].flatMap((m) => {
    const [first, ...lines] = (m[1] ?? '').split('\n');
    if (!first?.startsWith('$ npm run cli -- ')) return [];
    return [{ args: first.slice('$ npm run cli -- '.length).split(' '), lines }];
  });
}

/** A line with what differs from run to run masked: endpoints, cgroup details, run and request ids, paths, numbers. */
function normalize(line: string): string {
  return line
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, '<endpoint>')
    .replace(/a vcpu-bench emulator \(.*\)(:?)$/, 'a vcpu-bench emulator (<cgroups>)$1')
    .replace(/\b\d{8}-\d{6}-[0-9a-f]{4}\b/g, '<run-id>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<request-id>')
    .replace(/(^|[\s(])\/[^\s,]+/g, '$1<path>')
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/-{2,}/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

test('README "Running on AWS": every line shown is what the recipe prints against the emulator', async () => {
  const { concurrency, faults } = emulatorFlags();
  const t = await startAwsEmulator(parseFaults(faults), { concurrency });
  try {
    const commands = shownCommands();
    assert.deepEqual(
      commands.map((c) => c.args[0]),
      ['setup', 'doctor', 'plan', 'bench', 'cleanup'],
    );
    for (const { args, lines } of commands) {
      const run = args.map((arg) => (arg === 'http://127.0.0.1:9769' ? t.emulator.endpoint : arg));
      // Results go to a temporary directory, not the repository's results/.
      if (run[0] === 'bench' || run[0] === 'plan') run.push('--out', t.out);
      const result = await runCli(run, AWS_ENV);
      assert.equal(result.code, 0, `${args.join(' ')}\n${result.stderr}`);
      const printed = `${result.stderr}\n${result.stdout}`.split('\n').map(normalize);
      for (const line of lines) {
        if (line.trim() === '' || line.trim() === '...') continue;
        const shown = line.endsWith(', ...') ? normalize(line.slice(0, -', ...'.length)) : normalize(line);
        const found = line.endsWith(', ...') ? printed.some((p) => p.startsWith(shown)) : printed.includes(shown);
        assert.ok(found, `${args[0]}: the README shows\n  ${line}\nbut the command printed\n${printed.join('\n')}`);
      }
    }
  } finally {
    await t.close();
  }
});

test('the recipe runs the default emulator port and dummy credentials the README tells the reader to use', () => {
  assert.ok(section.includes('export AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator'));
  for (const { args } of shownCommands()) {
    assert.deepEqual(args.slice(1, 5), ['--target', 'aws', '--endpoint-url', 'http://127.0.0.1:9769']);
  }
  assert.equal(AWS_ENV.AWS_EC2_METADATA_DISABLED, 'true');
});

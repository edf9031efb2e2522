/** Which errors print one line, which print a stack, and which exit code each gets (harness/cli/errors.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT_FAILURE, EXIT_USAGE, errorReport, exitCodeFor, isUserError } from '../../../harness/cli/errors.js';
import { command, runCli, usageMessage } from '../../../harness/cli/program.js';
import { ConfigError, DeployError, RunDirError, UserError } from '../../../harness/errors.js';

/** An AWS SDK v3 service error as the SDK builds it: a name ending in Exception and a `$fault`. */
class AccessDeniedException extends Error {
  override name = 'AccessDeniedException';
  readonly $fault = 'client';
}

test('a ConfigError is one line and exit 2', () => {
  const error = new ConfigError('--memory 64: must be an integer from 128 to 10240 (MB)');
  assert.equal(error.name, 'ConfigError');
  assert.equal(errorReport(error), 'error: --memory 64: must be an integer from 128 to 10240 (MB)\n');
  assert.equal(exitCodeFor(error), EXIT_USAGE);
});

test('another named error is for the user: one line, exit 1', () => {
  const error = new DeployError('function vcpu-bench-x86_64-512 is not deployed; run vcpu-bench deploy');
  assert.ok(isUserError(error));
  assert.equal(errorReport(error), 'error: function vcpu-bench-x86_64-512 is not deployed; run vcpu-bench deploy\n');
  assert.equal(exitCodeFor(error), EXIT_FAILURE);
});

test('an AWS service error is for the user too, with its name', () => {
  const error = new AccessDeniedException('User is not authorized to perform: lambda:CreateFunction');
  assert.equal(
    errorReport(error),
    'error: AccessDeniedException: User is not authorized to perform: lambda:CreateFunction\n',
  );
  assert.equal(exitCodeFor(error), EXIT_FAILURE);
});

test('the class decides, not the name: a UserError subclass is for the user, an Error merely named like one is a bug', () => {
  assert.ok(new RunDirError('x') instanceof UserError);
  assert.equal(exitCodeFor(new RunDirError('x')), EXIT_FAILURE);
  class LookalikeError extends Error {
    override name = 'LookalikeError';
  }
  const lookalike = new LookalikeError('not a UserError');
  assert.equal(isUserError(lookalike), false);
  assert.match(errorReport(lookalike), /bug/);
  // A ConfigError cause does not make the wrapper a usage error, nor the reverse.
  assert.equal(exitCodeFor(new DeployError('x', { cause: new ConfigError('y') })), EXIT_FAILURE);
});

test('a multi-line message is printed on one line', () => {
  assert.equal(errorReport(new DeployError('first\n  second\nthird')), 'error: first second third\n');
});

test('a built-in error is a bug: the same first line, then the stack, exit 1', () => {
  const error = new TypeError('cannot read properties of undefined');
  assert.equal(isUserError(error), false);
  const report = errorReport(error);
  assert.ok(report.startsWith('error: cannot read properties of undefined\n'));
  assert.match(report, /bug/);
  assert.match(report, /at /, 'includes the stack');
  assert.equal(exitCodeFor(error), EXIT_FAILURE);
  assert.equal(exitCodeFor('a thrown string'), EXIT_FAILURE);
});

/** Run the CLI in-process with extra commands, capturing what it writes to stderr. */
async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const commands = [
    command({ command: 'deploy', describe: 'fails', handler: () => Promise.reject(new DeployError('no role')) }),
    command({
      command: 'config',
      describe: 'refuses',
      handler: () => {
        throw new ConfigError('--x 1: bad');
      },
    }),
    command({
      command: 'bug',
      describe: 'has a bug',
      handler: () => {
        throw new RangeError('oops');
      },
    }),
    command({ command: 'ok', describe: 'works', handler: () => undefined }),
  ];
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await runCli(args, commands);
    return { code, stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('runCli maps what a command throws to the exit code', async () => {
  assert.deepEqual(await run(['ok']), { code: 0, stderr: '' });
  assert.deepEqual(await run(['deploy']), { code: 1, stderr: 'error: no role\n' });
  assert.deepEqual(await run(['config']), { code: 2, stderr: 'error: --x 1: bad\n' });
  const bug = await run(['bug']);
  assert.equal(bug.code, 1);
  assert.ok(bug.stderr.startsWith('error: oops\n'));
});

test("runCli turns yargs' own validation failures into one-line usage errors, exit 2", async () => {
  assert.deepEqual(await run(['ok', '--nope']), {
    code: 2,
    stderr: 'error: --nope: unknown option; see vcpu-bench ok --help\n',
  });
  assert.deepEqual(await run([]), {
    code: 2,
    stderr: 'error: no command given; commands: deploy, config, bug, ok; see vcpu-bench --help\n',
  });
});

test('usageMessage rewrites the yargs messages it knows and keeps the rest on one line', () => {
  const names = ['plan', 'run'];
  assert.equal(
    usageMessage('Unknown argument: memroy', ['plan', '--memroy', '5'], names),
    '--memroy: unknown option; see vcpu-bench plan --help',
  );
  assert.equal(
    usageMessage('Unknown arguments: a, b', ['plan', '--a', '--b=1'], names),
    '--a, --b: unknown option; see vcpu-bench plan --help',
  );
  assert.equal(
    usageMessage('Unknown argument: plna', ['plna'], names),
    'unknown command "plna"; commands: plan, run; see vcpu-bench --help',
  );
  assert.equal(
    usageMessage('Not enough arguments following: memory', ['run', '--memory'], names),
    '--memory: needs a value; see vcpu-bench run --help',
  );
  assert.equal(
    usageMessage('Missing required argument: x\nand more', ['run'], names),
    'Missing required argument: x and more; see vcpu-bench run --help',
  );
});

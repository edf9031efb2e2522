import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ConfigError } from '../../harness/errors.js';
import { defaultSweepOptions, newRunId, resolveSweepOptions, SWEEP_FLAGS } from '../../harness/options.js';
import { DEFAULT_RESULTS_DIR } from '../../harness/paths.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

function refused(argv: Record<string, unknown>, message: string | RegExp): void {
  assert.throws(
    () => resolveSweepOptions(argv),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    },
  );
}

test('with no flags every option takes its documented default', () => {
  const { runId, shuffleSeed, ...rest } = resolveSweepOptions({});
  assert.match(runId, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  assert.ok(Number.isInteger(shuffleSeed) && shuffleSeed >= 0 && shuffleSeed < 2 ** 31, 'a fresh seed per run');
  assert.deepEqual(rest, {
    target: 'local',
    region: 'us-east-1',
    profile: null,
    endpointUrl: null,
    memoryMb: [512, 1024, 1769, 2654, 3538],
    arch: ['x86_64'],
    modes: ['sequential', 'worker_threads', 'child_process', 'fan_out'],
    workers: [1, 2],
    algorithm: 'bcrypt',
    items: 4,
    cost: 9,
    seed: 'vcpu-bench',
    out: DEFAULT_RESULTS_DIR,
    prefix: 'vcpu-bench',
    minReps: 5,
    maxReps: 30,
    ciPct: 2,
    warmup: 1,
    concurrency: 1,
    maxRetries: 8,
    timeoutS: 300,
    initCpu: 'boost',
    executor: 'process',
    dockerMode: 'runtime-api',
    image: null,
    maxCostUsd: 1,
    yes: false,
  });
});

test('defaults that depend on another option follow it: cost on --algorithm, concurrency on --target', () => {
  assert.equal(resolveSweepOptions({ algorithm: 'pbkdf2' }).cost, 100_000);
  assert.equal(resolveSweepOptions({ algorithm: 'pbkdf2', cost: '5' }).cost, 5);
  assert.equal(resolveSweepOptions({ target: 'aws' }).concurrency, 10);
  assert.equal(resolveSweepOptions({ target: 'aws', concurrency: '3' }).concurrency, 3);
});

test('the defaults object is not shared with the options it produces', () => {
  const options = resolveSweepOptions({});
  options.memoryMb.push(9999);
  assert.deepEqual(defaultSweepOptions().memoryMb, [512, 1024, 1769, 2654, 3538]);
});

test('a run id is UTC time to the second plus a random suffix', () => {
  const id = newRunId(new Date('2026-11-25T13:15:00.999Z'));
  assert.match(id, /^20261125-131500-[0-9a-f]{4}$/);
});

test('flags are read by their name or their camelCase form, as yargs provides both', () => {
  const options = resolveSweepOptions({ maxReps: '9', 'min-reps': '3', endpointUrl: 'http://localhost:4566' });
  assert.equal(options.maxReps, 9);
  assert.equal(options.minReps, 3);
  assert.equal(options.endpointUrl, 'http://localhost:4566');
});

test('a list flag given several times is one list; a one-value flag given twice is refused', () => {
  assert.deepEqual(resolveSweepOptions({ memory: ['1024', '256,512'] }).memoryMb, [256, 512, 1024]);
  refused({ items: ['2', '3'] }, '--items 2,3: takes one value; it must be an integer from 1 to 100000');
});

test('--out is resolved to an absolute path', () => {
  assert.equal(resolveSweepOptions({ out: 'some/where' }).out, path.resolve('some/where'));
});

test('a config file gives values as JSON numbers, arrays, booleans or flag strings', () => {
  const file = configFile(
    'values.json',
    JSON.stringify({
      target: 'aws',
      memory: [512, '1024-2048:512'],
      arch: ['arm64', 'x86_64'],
      modes: 'sequential,fan_out',
      workers: '1-3',
      'max-reps': 12,
      'min-reps': '4',
      ci: 0.5,
      yes: true,
      profile: null,
      'run-id': 'from-config',
    }),
  );
  const o = resolveSweepOptions({ config: file });
  assert.equal(o.target, 'aws');
  assert.deepEqual(o.memoryMb, [512, 1024, 1536, 2048]);
  assert.deepEqual(o.arch, ['x86_64', 'arm64']);
  assert.deepEqual(o.modes, ['sequential', 'fan_out']);
  assert.deepEqual(o.workers, [1, 2, 3]);
  assert.equal(o.maxReps, 12);
  assert.equal(o.minReps, 4);
  assert.equal(o.ciPct, 0.5);
  assert.equal(o.yes, true);
  assert.equal(o.profile, null);
  assert.equal(o.runId, 'from-config');
  assert.equal(o.concurrency, 10, 'the target from the config picks the concurrency default');
});

test('flags on the command line win over the config, key by key', () => {
  const file = configFile('base.json', JSON.stringify({ memory: [512], 'max-reps': 12, items: 8 }));
  const o = resolveSweepOptions({ config: file, 'max-reps': '7', maxReps: '7' });
  assert.equal(o.maxReps, 7);
  assert.deepEqual(o.memoryMb, [512]);
  assert.equal(o.items, 8);
});

test('every sweep flag is a config key, and a config can set every option', () => {
  // The local target without --endpoint-url: the one place every flag applies (--executor docker is the embedded
  // emulator's).
  const everything = {
    target: 'local',
    region: 'eu-west-1',
    profile: 'bench',
    'endpoint-url': null,
    memory: [512],
    arch: ['arm64'],
    modes: ['fan_out'],
    workers: [2],
    algorithm: 'pbkdf2',
    items: 3,
    cost: 1000,
    seed: 's',
    out: path.join(dir, 'out'),
    'run-id': 'r',
    prefix: 'p',
    'min-reps': 1,
    'max-reps': 2,
    ci: 5,
    warmup: 0,
    concurrency: 4,
    'max-retries': 3,
    timeout: 60,
    'init-cpu': 'quota',
    executor: 'docker',
    'docker-mode': 'rie',
    image: 'public.ecr.aws/lambda/nodejs:22',
    'shuffle-seed': 7,
    'max-cost-usd': 0.5,
    yes: true,
  };
  assert.deepEqual(Object.keys(everything).sort(), [...SWEEP_FLAGS].sort());
  assert.deepEqual(resolveSweepOptions({ config: configFile('all.json', JSON.stringify(everything)) }), {
    target: 'local',
    region: 'eu-west-1',
    profile: 'bench',
    endpointUrl: null,
    memoryMb: [512],
    arch: ['arm64'],
    modes: ['fan_out'],
    workers: [2],
    algorithm: 'pbkdf2',
    items: 3,
    cost: 1000,
    seed: 's',
    out: path.join(dir, 'out'),
    runId: 'r',
    prefix: 'p',
    minReps: 1,
    maxReps: 2,
    ciPct: 5,
    warmup: 0,
    concurrency: 4,
    maxRetries: 3,
    timeoutS: 60,
    initCpu: 'quota',
    executor: 'docker',
    dockerMode: 'rie',
    image: 'public.ecr.aws/lambda/nodejs:22',
    shuffleSeed: 7,
    maxCostUsd: 0.5,
    yes: true,
  });
});

test('a config that cannot be used is refused, naming the file and the reason', () => {
  const unknown = configFile('unknown.json', '{"foo": 1}');
  refused({ config: unknown }, new RegExp(`^--config ${unknown}: unknown key "foo"; allowed keys: target, region, `));
  const camel = configFile('camel.json', '{"maxReps": 1}');
  refused({ config: camel }, /unknown key "maxReps" \(did you mean "max-reps"\?\); allowed keys: /);
  const nested = configFile('nested.json', '{"config": "other.json"}');
  refused({ config: nested }, /unknown key "config"/);
  const missing = path.join(dir, 'nope.json');
  refused({ config: missing }, `--config ${missing}: cannot read it (ENOENT)`);
  refused({ config: dir }, `--config ${dir}: cannot read it (EISDIR)`);
  const invalid = configFile('invalid.json', '{"memory": \n}');
  refused({ config: invalid }, new RegExp(`^--config ${invalid}: not valid JSON \\([^\\n]+\\)$`));
  const list = configFile('list.json', '[512]');
  refused({ config: list }, /must be a JSON object of flag names to values/);
});

test('a bad value from a config names the flag and says where it came from', () => {
  const file = configFile('bad-memory.json', '{"memory": [256, 64]}');
  refused({ config: file }, `--memory 64: must be an integer from 128 to 10240 (MB) (from --config ${file})`);
  const nested = configFile('bad-type.json', '{"items": {"n": 1}}');
  refused({ config: nested }, `--items {"n":1}: must be an integer from 1 to 100000 (from --config ${nested})`);
});

test('every invalid flag value is one ConfigError naming the flag and what it allows', () => {
  const cases: Array<[Record<string, unknown>, string | RegExp]> = [
    [{ target: 'gcp' }, '--target gcp: must be one of local, aws'],
    [{ region: 'mars' }, '--region mars: must be a region name like us-east-1'],
    [{ profile: '' }, '--profile : must be a profile name from ~/.aws/config'],
    [
      { 'endpoint-url': 'ftp://x' },
      '--endpoint-url ftp://x: must be an http:// or https:// URL, e.g. http://localhost:4566',
    ],
    [{ memory: '64' }, '--memory 64: must be an integer from 128 to 10240 (MB)'],
    [{ memory: '' }, '--memory : the list is empty'],
    [{ arch: 'x86' }, '--arch x86: must be one of x86_64, arm64'],
    [{ modes: 'threads' }, '--modes threads: must be one of sequential, worker_threads, child_process, fan_out'],
    [{ workers: '0' }, '--workers 0: must be an integer from 1 to 64'],
    [{ algorithm: 'md5' }, '--algorithm md5: must be one of bcrypt, pbkdf2'],
    [{ items: '0' }, '--items 0: must be an integer from 1 to 100000'],
    [{ cost: '3' }, '--cost 3: must be an integer from 4 to 16 (bcrypt rounds)'],
    [{ algorithm: 'pbkdf2', cost: '0' }, '--cost 0: must be an integer from 1 to 10000000 (pbkdf2 iterations)'],
    [{ seed: '' }, '--seed : must be a non-empty string'],
    [{ out: '' }, '--out : must be a directory path'],
    [{ 'run-id': '../x' }, '--run-id ../x: must match [A-Za-z0-9._-]+'],
    [{ 'run-id': '..' }, '--run-id ..: must not be . or ..'],
    [{ prefix: 'a'.repeat(52) }, /^--prefix a{52}: must match \[A-Za-z0-9_-\]\+, at most 51 characters/],
    [{ 'min-reps': '0' }, '--min-reps 0: must be an integer from 1 to 1000'],
    [{ 'min-reps': '10', 'max-reps': '5' }, '--min-reps 10 is above --max-reps 5'],
    [{ 'max-reps': '3' }, '--min-reps 5 (default) is above --max-reps 3'],
    [{ ci: '0' }, '--ci 0: must be a number from 0.1 to 100 (%)'],
    [{ ci: '1e1' }, '--ci 1e1: must be a number from 0.1 to 100 (%)'],
    [{ warmup: '-1' }, '--warmup -1: must be an integer from 0 to 100'],
    [{ concurrency: '0' }, '--concurrency 0: must be an integer from 1 to 1000'],
    [{ 'max-retries': '21' }, '--max-retries 21: must be an integer from 0 to 20'],
    [{ timeout: '901' }, '--timeout 901: must be an integer from 1 to 900 (s)'],
    [{ 'max-cost-usd': 'lots' }, '--max-cost-usd lots: must be a number of at least 0 (USD)'],
    [{ yes: 'maybe' }, '--yes maybe: must be true or false'],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => resolveSweepOptions(argv),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, JSON.stringify(argv));
        if (typeof message === 'string') assert.equal(error.message, message);
        else assert.match(error.message, message);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      },
      JSON.stringify(argv),
    );
  }
});

test("keys that are not sweep flags (a command's own, yargs' own) are ignored", () => {
  assert.doesNotThrow(() => resolveSweepOptions({ _: ['plan'], $0: 'vcpu-bench', json: true, 'item-ms': '3' }));
});

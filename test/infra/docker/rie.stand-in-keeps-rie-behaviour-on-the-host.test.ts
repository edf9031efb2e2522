/**
 * The RIE stand-in's behaviour, run in this process with the project's runtime client as its runtime (no docker
 * needed): what the Runtime Interface Emulator does (harness/lambda/README.md "The Runtime Interface Emulator").
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RieLog, RuntimeInterfaceEmulator } from '../../../infra/docker/rie/emulator.js';
import { parseRieOptions } from '../../../infra/docker/rie/options.js';
import { codeDir } from '../../support/docker.js';

// Compiled, this file is dist/test/infra/docker/…; the runtime client is dist/infra/emulator/runtime/bootstrap.js.
const RUNTIME_CLIENT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../infra/emulator/runtime/bootstrap.js',
);

const HANDLER = `
exports.handler = async (event) => {
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.fail) throw new TypeError('bad input');
  if (event.exit) process.exit(3);
  return { echo: event, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, handler: process.env._HANDLER };
};`;

const platform: string[] = [];
const diag: string[] = [];
let rie: RuntimeInterfaceEmulator;
let url: string;
const dir = codeDir(HANDLER);

before(async () => {
  const env = { AWS_LAMBDA_FUNCTION_TIMEOUT: '1', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024', LAMBDA_TASK_ROOT: dir };
  const options = parseRieOptions(
    [
      '--runtime-interface-emulator-address',
      '127.0.0.1:0',
      '--runtime-api-address',
      '127.0.0.1:0',
      process.execPath,
      RUNTIME_CLIENT,
      'index.handler',
    ],
    env,
    () => false,
    dir,
  );
  const log: RieLog = { platform: (l) => platform.push(l), diag: (level, m) => diag.push(`${level} ${m}`) };
  rie = new RuntimeInterfaceEmulator(options, log, { ...process.env, ...env });
  const address = await rie.listen();
  url = `http://127.0.0.1:${address.port}/2015-03-31/functions/function/invocations`;
});

after(async () => {
  await rie.close();
  rmSync(dir, { recursive: true, force: true });
});

async function invoke(event: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(event) });
  return { status: res.status, text: await res.text() };
}

function reportsSince(start: number): string[] {
  return platform.slice(start).filter((l) => l.startsWith('REPORT '));
}

test('first invocation starts the runtime lazily: REPORT has Init Duration before Duration, Max Memory Used = Memory Size', async () => {
  const mark = platform.length;
  const first = await invoke({ n: 1 });
  assert.equal(first.status, 200);
  assert.deepEqual(JSON.parse(first.text), { echo: { n: 1 }, memory: '1024', handler: 'index.handler' });
  const lines = platform.slice(mark);
  assert.match(lines[0] ?? '', /^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/);
  const [report] = reportsSince(mark);
  assert.match(
    report ?? '',
    /^REPORT RequestId: [0-9a-f-]{36}\tInit Duration: \d+\.\d\d ms\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 1024 MB\tMax Memory Used: 1024 MB\t$/,
  );
  // Init only starts the process; the runtime's own start-up is inside the first Duration.
  const initMs = Number(/Init Duration: ([\d.]+)/.exec(report ?? '')?.[1]);
  const durationMs = Number(/\tDuration: ([\d.]+)/.exec(report ?? '')?.[1]);
  assert.ok(initMs < durationMs, `Init ${initMs} ms should be below Duration ${durationMs} ms`);
  assert.ok(lines.indexOf(`END RequestId: ${/RequestId: (\S+)/.exec(report ?? '')?.[1]}`) >= 0);

  const mark2 = platform.length;
  assert.equal((await invoke({ n: 2 })).status, 200);
  assert.doesNotMatch(reportsSince(mark2)[0] ?? '', /Init Duration/);
});

test('one invocation at a time: a concurrent one is refused with HTTP 400', async () => {
  const slow = invoke({ sleepMs: 400 });
  await new Promise((r) => setTimeout(r, 100));
  const second = await invoke({ n: 3 });
  assert.equal(second.status, 400);
  assert.equal((await slow).status, 200);
  assert.ok(diag.some((l) => /AlreadyReserved/.test(l)));
});

test("a handler's error answers HTTP 200 with the error document", async () => {
  const res = await invoke({ fail: true });
  assert.equal(res.status, 200);
  const body = JSON.parse(res.text) as { errorType: string; errorMessage: string };
  assert.equal(body.errorType, 'TypeError');
  assert.equal(body.errorMessage, 'bad input');
});

test('a timeout answers HTTP 200 "Task timed out after 1.00 seconds"; the next invocation gets a new runtime', async () => {
  const mark = platform.length;
  const res = await invoke({ sleepMs: 3000 });
  assert.equal(res.status, 200);
  assert.equal(res.text, 'Task timed out after 1.00 seconds');
  assert.match(reportsSince(mark)[0] ?? '', /\tDuration: 1000\.00 ms\tBilled Duration: 1000 ms\t/);
  const mark2 = platform.length;
  const next = await invoke({ n: 4 });
  assert.equal(next.status, 200);
  // Init Duration is reported once per emulator, not per runtime start.
  assert.doesNotMatch(reportsSince(mark2)[0] ?? '', /Init Duration/);
});

test('a runtime that exits during the invocation answers HTTP 502 Runtime.ExitError, without END or REPORT', async () => {
  const mark = platform.length;
  const res = await invoke({ exit: true });
  assert.equal(res.status, 502);
  const body = JSON.parse(res.text) as { errorType: string; errorMessage: string };
  assert.equal(body.errorType, 'Runtime.ExitError');
  assert.match(body.errorMessage, /Runtime exited with error: exit status 3/);
  assert.deepEqual(reportsSince(mark), []);
  assert.equal((await invoke({ n: 5 })).status, 200);
});

test('request bodies are bounded (6 MB): a larger event is refused with 413; unknown paths answer 404', async () => {
  const res = await fetch(url, { method: 'POST', body: 'x'.repeat(6 * 1024 * 1024 + 1) });
  assert.equal(res.status, 413);
  assert.match(await res.text(), /RequestEntityTooLarge/);
  const other = await fetch(url.replace('/function/', '/other/'), { method: 'POST', body: '{}' });
  assert.equal(other.status, 404);
  await other.text();
});

/**
 * The docker executor in Runtime API mode: each environment is a container of the function's image whose runtime
 * polls the emulator's Runtime API. Inside it the function sees Lambda's variables and limits (memory cgroup, cpuset,
 * a /tmp of EphemeralStorage.Size, a read-only root, an unprivileged user); over its memory it is killed and reported as
 * Lambda reports it; between invocations it is frozen.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { vcpuShare } from '../../../harness/lambda/platform.js';
import { dockerTarget } from '../../support/docker-emulator.js';
import { decodeTail, deploy, payloadOf, zipOf } from '../../support/emulator.js';

// Reports what the environment looks like from inside: its variables, its cgroup limits (the container's own cgroups
// are mounted at /sys/fs/cgroup, v1 or v2), /tmp, whether / is writable, who it runs as.
const INSPECT = `
const fs = require('node:fs'); const os = require('node:os');
const read = (...files) => { for (const f of files) { try { return fs.readFileSync(f, 'utf8').trim(); } catch {} } return null; };
exports.handler = async () => {
  let rootWritable = true; try { fs.writeFileSync('/var/task/x', 'x'); } catch { rootWritable = false; }
  fs.writeFileSync('/tmp/probe', 'ok');
  const tmp = fs.statfsSync('/tmp');
  return {
    env: Object.fromEntries(['AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_LOG_GROUP_NAME',
      'AWS_REGION', 'LAMBDA_TASK_ROOT', 'AWS_LAMBDA_RUNTIME_API', 'TZ', '_HANDLER'].map((k) => [k, process.env[k]])),
    memoryLimit: read('/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/memory.max'),
    swapLimit: read('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes', '/sys/fs/cgroup/memory.swap.max'),
    cpus: read('/sys/fs/cgroup/cpuset/cpuset.cpus', '/sys/fs/cgroup/cpuset.cpus.effective'),
    tmpMb: Math.round((tmp.blocks * tmp.bsize) / 1048576),
    tmpReadBack: fs.readFileSync('/tmp/probe', 'utf8'),
    rootWritable, uid: process.getuid(), cwd: process.cwd(), node: process.version,
  };
};`;

test("inside the container: Lambda's variables, the memory limit without swap, the cores, /tmp, a read-only root", async (ctx) => {
  const t = await dockerTarget(ctx, 'runtime-api');
  if (!t) return;
  await deploy(t, 'inspect', zipOf(INSPECT), { MemorySize: 885, EphemeralStorage: { Size: 600 } });
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'inspect', Payload: '{}' }));
  assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
  const seen = payloadOf(out.Payload) as {
    env: Record<string, string>;
    memoryLimit: string;
    swapLimit: string | null;
    cpus: string;
    tmpMb: number;
    tmpReadBack: string;
    rootWritable: boolean;
    uid: number;
    cwd: string;
    node: string;
  };
  assert.equal(seen.env.AWS_LAMBDA_FUNCTION_NAME, 'inspect');
  assert.equal(seen.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '885');
  assert.equal(seen.env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/inspect');
  assert.equal(seen.env.AWS_REGION, 'us-east-1');
  assert.equal(seen.env.LAMBDA_TASK_ROOT, '/var/task');
  assert.equal(seen.env.TZ, ':UTC');
  assert.equal(seen.env._HANDLER, 'index.handler');
  assert.equal(seen.env.AWS_LAMBDA_RUNTIME_API?.split(':')[0], t.executor.network.hostAddress);
  assert.equal(seen.cwd, '/var/task');
  assert.match(seen.node, /^v22\./, "the image's Node 22, not the host's");
  assert.equal(Number(seen.memoryLimit), 885 * 1024 * 1024, 'memory limit = the function memory');
  // v1: memory + swap equals memory (no swap); v2: swap.max 0.
  if (seen.swapLimit !== null) assert.ok(['0', String(885 * 1024 * 1024)].includes(seen.swapLimit), seen.swapLimit);
  const [env] = t.emulator.status().environments.filter((e) => e.functionName === 'inspect');
  assert.equal(seen.cpus, env?.cores, "the container's cpuset is the environment's cores");
  assert.ok(Math.abs(seen.tmpMb - 600) <= 1, `/tmp is ${seen.tmpMb} MB, EphemeralStorage.Size 600`);
  assert.equal(seen.tmpReadBack, 'ok');
  assert.equal(seen.rootWritable, false, 'the root file system is read-only');
  assert.notEqual(seen.uid, 0, 'the function does not run as root');
  assert.equal(env?.cpuQuota, vcpuShare(885), "after INIT the handler runs at the memory's share");
});

test('exceeding the memory size kills the container: Runtime.OutOfMemory, Status: error in the REPORT', async (ctx) => {
  const t = await dockerTarget(ctx, 'runtime-api');
  if (!t) return;
  const hog = zipOf(
    'const held = []; exports.handler = async () => { for (let i = 0; i < 64; i++) held.push(Buffer.alloc(16 * 1024 * 1024, 1)); return held.length; };',
  );
  await deploy(t, 'hog', hog, { MemorySize: 256, Timeout: 30 });
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'hog', LogType: 'Tail', Payload: '{}' }));
  assert.equal(out.FunctionError, 'Unhandled');
  assert.equal((payloadOf(out.Payload) as { errorType: string }).errorType, 'Runtime.OutOfMemory');
  const tail = decodeTail(out.LogResult);
  assert.match(
    tail,
    /Memory Size: 256 MB\tMax Memory Used: (\d+) MB\t(Init Duration: [\d.]+ ms\t)?Status: error\tError Type: Runtime\.OutOfMemory\t/,
  );
  const used = Number(/Max Memory Used: (\d+) MB/.exec(tail)?.[1]);
  assert.ok(used >= 200, `Max Memory Used ${used} MB: the container reached its limit before it was killed`);
});

// A fire-and-forget timer started by the handler: it ticks every 10 ms for as long as the container runs.
const TICKER = `
let ticks = 0;
let timer = null;
exports.handler = async (e) => {
  timer ??= setInterval(() => { ticks++; }, 10);
  const before = ticks;
  await new Promise((r) => setTimeout(r, e.waitMs));
  return { before, after: ticks };
};`;

test('a background timer makes no progress while the container is frozen between invocations', async (ctx) => {
  const t = await dockerTarget(ctx, 'runtime-api');
  if (!t) return;
  await deploy(t, 'ticker', zipOf(TICKER), { MemorySize: 1769 });
  const call = async (waitMs: number) =>
    payloadOf(
      (await t.lambda.send(new InvokeCommand({ FunctionName: 'ticker', Payload: JSON.stringify({ waitMs }) }))).Payload,
    ) as { before: number; after: number };
  const first = await call(100);
  assert.ok(first.after >= 5, `ticks during the first invocation: ${first.after}`);
  await new Promise((r) => setTimeout(r, 1500));
  const second = await call(300);
  const whileFrozen = second.before - first.after;
  assert.ok(whileFrozen <= 10, `ticks between invocations: ${whileFrozen} (frozen: ~0, running: ~150)`);
  assert.ok(second.after - second.before >= 15, `ticks during the second invocation: ${second.after - second.before}`);
  const env = t.emulator.status().environments.find((e) => e.functionName === 'ticker');
  assert.ok(env?.pid, 'the container runs');
});

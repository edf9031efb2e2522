/**
 * `npm run bench:executors`: the docker executor measured side by side with the process executor, in one run, on one
 * host (three emulators at once: process, docker Runtime API mode, docker RIE mode; their measurements interleaved
 * so the host's drifting load falls on each alike). Goals (issue 11):
 *  (a) CPU granted within 5% of the model at every memory size both executors measure: threads spinning on every
 *      core the function sees get CPU time over wall time = min(memory / 1769, cores seen);
 *  (b) warm invoke round trip p50 within 5 ms of the process executor's (no-op function through the SDK);
 *  (c) container cold start: Init Duration p50 under 1.5 s (Runtime API mode; RIE mode reports an Init of about 0 and
 *      folds init into the first Duration, so its first round trip is shown instead);
 *  (d) the default sweep (`bench` with no flags) on `--executor docker` under 8 minutes (skip: BENCH_SKIP_SWEEP=1).
 * Run it when the host is quiet (`uptime`): every figure here is this host's.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { zipSync } from 'fflate';
import { HANDLER, MB_PER_VCPU, memoryForVcpus, RUNTIME, vcpuShare } from '../harness/lambda/platform.js';
import { extractReportLines, type ReportFields } from '../harness/lambda/report-line.js';
import { median, quantile } from '../harness/statistics/statistics.js';
import { renderTable } from '../harness/text/table.js';
import { createDockerExecutor } from '../infra/docker/executor.js';
import { type Emulator, startEmulator } from '../infra/emulator/emulator.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROLE = 'arn:aws:iam::000000000000:role/vcpu-bench';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM_CALLS = Number(process.env.BENCH_WARM_CALLS ?? 200);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 8);

interface Side {
  label: string;
  emulator: Emulator;
  lambda: LambdaClient;
}

function side(label: string, emulator: Emulator): Side {
  const lambda = new LambdaClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  return { label, emulator, lambda };
}

async function create(s: Side, name: string, source: string, memoryMb: number): Promise<void> {
  await s.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: RUNTIME,
      Handler: HANDLER,
      Role: ROLE,
      MemorySize: memoryMb,
      Timeout: 120,
      Code: { ZipFile: zipSync({ 'index.js': new TextEncoder().encode(source) }) },
    }),
  );
  await waitUntilFunctionActiveV2(
    { client: s.lambda, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
    { FunctionName: name },
  );
}

async function invoke(
  s: Side,
  name: string,
  payload: unknown,
): Promise<{ clientMs: number; report: ReportFields | null; body: Record<string, number> }> {
  const started = performance.now();
  const out = await s.lambda.send(
    new InvokeCommand({ FunctionName: name, LogType: 'Tail', Payload: JSON.stringify(payload) }),
  );
  const clientMs = performance.now() - started;
  const text = Buffer.from(out.Payload ?? []).toString();
  if (out.FunctionError) throw new Error(`${s.label} ${name}: ${text}`);
  const report = extractReportLines(Buffer.from(out.LogResult ?? '', 'base64').toString('utf8'))[0] ?? null;
  return { clientMs, report, body: JSON.parse(text || '{}') };
}

/** Markdown, numbers right-aligned: every column but the first. */
const MARKDOWN = { style: 'markdown', rightAligned: (column: number) => column > 0 } as const;

const fixed = (x: number | null | undefined, digits: number) =>
  x === null || x === undefined ? '-' : x.toFixed(digits);

// ---------- (a) CPU granted ----------

// One spinning thread per core the function sees, for `spinMs`; CPU time of all threads over wall time.
const SPINNER = `
const os = require('node:os'); const { Worker } = require('node:worker_threads');
exports.handler = async (e) => {
  const threads = os.availableParallelism(); const cpu0 = process.cpuUsage(); const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: threads }, () => new Promise((resolve, reject) => {
    const w = new Worker('const end = process.hrtime.bigint() + ' + e.spinMs + '000000n; while (process.hrtime.bigint() < end) {}', { eval: true });
    w.on('exit', resolve); w.on('error', reject);
  })));
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6; const cpu = process.cpuUsage(cpu0);
  return { threads, cpus: (cpu.user + cpu.system) / 1000 / wallMs };
};`;
const MEMORIES_MB = [0.25, 0.5, 1, 1.5, 2].map(memoryForVcpus);

async function cpuGranted(sides: Side[]): Promise<number> {
  for (const s of sides) for (const m of MEMORIES_MB) await create(s, `spin-${m}`, SPINNER, m);
  for (const s of sides) for (const m of MEMORIES_MB) await invoke(s, `spin-${m}`, { spinMs: 10 });
  const got = new Map<string, number[]>();
  const threads = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const m of MEMORIES_MB) {
      for (const s of sides) {
        const { body } = await invoke(s, `spin-${m}`, { spinMs: 2000 });
        const key = `${s.label}/${m}`;
        got.set(key, [...(got.get(key) ?? []), body.cpus ?? Number.NaN]);
        threads.set(key, body.threads ?? 0);
      }
    }
  }
  let worst = 0;
  const rows = MEMORIES_MB.map((m) => {
    const cells = sides.map((s) => {
      const key = `${s.label}/${m}`;
      const model = Math.min(vcpuShare(m), threads.get(key) ?? 0);
      const cpus = median(got.get(key) ?? []) ?? Number.NaN;
      const error = cpus / model - 1;
      worst = Math.max(worst, Math.abs(error));
      return `${cpus.toFixed(3)} / ${model.toFixed(3)} (${(error * 100).toFixed(1)}%)`;
    });
    return [String(m), vcpuShare(m).toFixed(3), ...cells];
  });
  console.log(`(a) CPU granted: threads spinning 2 s on every core seen; median of ${ROUNDS} interleaved rounds`);
  console.log(renderTable(['memory MB', 'vCPU share', ...sides.map((s) => `${s.label}: got / model`)], rows, MARKDOWN));
  console.log(`worst |error| ${(worst * 100).toFixed(1)}% (goal <= 5%)\n`);
  return worst;
}

// ---------- (b) warm round trip, (c) cold start ----------

const NOOP = 'exports.handler = async () => null;';

async function warmRoundTrip(sides: Side[]): Promise<Map<string, number>> {
  for (const s of sides) {
    await create(s, 'noop', NOOP, MB_PER_VCPU);
    for (let i = 0; i < 20; i++) await invoke(s, 'noop', {});
  }
  const client = new Map<string, number[]>(sides.map((s) => [s.label, []]));
  const duration = new Map<string, number[]>(sides.map((s) => [s.label, []]));
  // Blocks of 10 per executor, in turn: the host's drift falls on each alike.
  for (let block = 0; block < WARM_CALLS / 10; block++) {
    for (const s of sides) {
      for (let i = 0; i < 10; i++) {
        const r = await invoke(s, 'noop', {});
        client.get(s.label)?.push(r.clientMs);
        if (r.report) duration.get(s.label)?.push(r.report.durationMs);
      }
    }
  }
  const p50 = new Map<string, number>();
  const rows = sides.map((s) => {
    const c = client.get(s.label) ?? [];
    p50.set(s.label, quantile(c, 0.5) ?? Number.NaN);
    const d = duration.get(s.label) ?? [];
    return [
      s.label,
      fixed(quantile(c, 0.5), 2),
      fixed(quantile(c, 0.9), 2),
      fixed(quantile(c, 0.99), 2),
      fixed(quantile(d, 0.5), 2),
    ];
  });
  console.log(`(b) warm invoke round trip: no-op at ${MB_PER_VCPU} MB, ${WARM_CALLS} calls each through the SDK`);
  console.log(renderTable(['executor', 'p50 ms', 'p90 ms', 'p99 ms', 'REPORT Duration p50 ms'], rows, MARKDOWN));
  return p50;
}

async function coldStarts(sides: Side[]): Promise<Map<string, number>> {
  const init = new Map<string, number[]>(sides.map((s) => [s.label, []]));
  const first = new Map<string, number[]>(sides.map((s) => [s.label, []]));
  for (let i = 0; i < COLD_STARTS; i++) {
    for (const s of sides) {
      await create(s, `cold-${i}`, NOOP, MB_PER_VCPU);
      const r = await invoke(s, `cold-${i}`, {});
      init.get(s.label)?.push(r.report?.initDurationMs ?? Number.NaN);
      first.get(s.label)?.push(r.clientMs);
    }
  }
  const p50 = new Map<string, number>();
  const rows = sides.map((s) => {
    const inits = init.get(s.label) ?? [];
    p50.set(s.label, quantile(inits, 0.5) ?? Number.NaN);
    const f = first.get(s.label) ?? [];
    return [s.label, fixed(quantile(inits, 0.5), 1), fixed(Math.max(...inits), 1), fixed(quantile(f, 0.5), 1)];
  });
  console.log(`(c) cold starts: a new no-op function at ${MB_PER_VCPU} MB, ${COLD_STARTS} each`);
  console.log(renderTable(['executor', 'Init Duration p50 ms', 'max ms', 'first round trip p50 ms'], rows, MARKDOWN));
  return p50;
}

// ---------- (d) the default sweep on --executor docker ----------

function defaultSweepSeconds(): Promise<{ seconds: number; code: number | null }> {
  const started = performance.now();
  const cli = new URL('../harness/cli/main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, 'bench', '--executor', 'docker', '--out', os.tmpdir()], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ seconds: (performance.now() - started) / 1000, code })),
  );
}

// ---------- run ----------

const load = os.loadavg()[0] ?? 0;
console.log(`host: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load.toFixed(2)}`);
const sides = [
  side('process', await startEmulator({ concurrency: 20 })),
  side(
    'docker runtime-api',
    await startEmulator({ concurrency: 20, executor: await createDockerExecutor({ mode: 'runtime-api' }) }),
  ),
  side('docker rie', await startEmulator({ concurrency: 20, executor: await createDockerExecutor({ mode: 'rie' }) })),
];
for (const s of sides) console.log(`${s.label}: ${s.emulator.executor.detail}`);
console.log('');
try {
  const worstCpu = await cpuGranted(sides);
  const warm = await warmRoundTrip(sides);
  const cold = await coldStarts(sides);
  const gap = (label: string) => (warm.get(label) ?? Number.NaN) - (warm.get('process') ?? Number.NaN);
  console.log('\nGoals:');
  console.log(`- CPU granted within 5% of the model everywhere: worst ${(worstCpu * 100).toFixed(1)}%`);
  for (const label of ['docker runtime-api', 'docker rie']) {
    console.log(`- warm round trip p50, ${label} minus process: ${gap(label).toFixed(2)} ms (goal <= 5 ms)`);
  }
  console.log(
    `- container cold start, Init Duration p50 (runtime-api): ${fixed(cold.get('docker runtime-api'), 0)} ms (goal < 1500 ms)`,
  );
} finally {
  for (const s of sides) {
    s.lambda.destroy();
    await s.emulator.close();
  }
}
if (process.env.BENCH_SKIP_SWEEP !== '1') {
  const sweep = await defaultSweepSeconds();
  console.log(
    `- the default sweep on --executor docker: ${sweep.seconds.toFixed(0)} s (${(sweep.seconds / 60).toFixed(1)} min, exit ${sweep.code}; goal < 8 min)`,
  );
}

/**
 * `npm run bench:docker`: what the docker executor's design rests on, measured on this machine in one run, with the
 * stand-in base image (figures for AWS's own image would differ; see infra/docker/README.md).
 *
 * - freezing a container: `docker pause`/`unpause` (CLI and daemon round trip) against writing its freezer cgroup;
 * - container cold start: `docker run` to the first answer, in RIE mode and in Runtime API mode;
 * - warm invoke round trip in both modes;
 * - which network paths reach a server on the host: host networking to 127.0.0.1, the bridge to its gateway.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MB_PER_VCPU } from '../../harness/lambda/platform.js';
import { quantile } from '../../harness/statistics/statistics.js';
import {
  bridgeGateway,
  buildFunctionImage,
  containerCgroups,
  DockerError,
  docker,
  removeContainer,
  removeImage,
  requireDocker,
  runDocker,
  startContainer,
  waitRunning,
} from '../../infra/docker/docker.js';
import { ensureStandinImage } from '../../infra/docker/standin-image.js';

const LABEL = 'vcpu-bench.measure';
const HANDLER = 'exports.handler = async (event) => ({ ok: true, event });';
const ROUNDS_FREEZE = 20;
const ROUNDS_COLD = 5;
const ROUNDS_WARM = 50;

interface Row {
  what: string;
  n: number;
  p50: number | null;
  p90: number | null;
  note: string;
}
const rows: Row[] = [];
const notes: string[] = [];

function record(what: string, samples: number[], note = ''): void {
  rows.push({ what, n: samples.length, p50: quantile(samples, 0.5), p90: quantile(samples, 0.9), note });
  process.stderr.write(`  ${what}: p50 ${quantile(samples, 0.5)?.toFixed(2)} ms\n`);
}

let counter = 0;
function name(prefix: string): string {
  counter += 1;
  return `vcpu-bench-measure-${prefix}-${process.pid}-${counter}`;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function postUntilAnswered(url: string, body: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { method: 'POST', body });
      await res.text();
      return res.status;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(5);
    }
  }
}

/** A Runtime API on the host's loopback that hands out events on demand and reports each response's arrival. */
async function runtimeApi(): Promise<{
  server: http.Server;
  port: number;
  nextArrived: () => Promise<void>;
  invoke: () => Promise<number>;
}> {
  let held: http.ServerResponse | null = null;
  const waitingNext: Array<() => void> = [];
  let waitingResponse: ((t: number) => void) | null = null;
  let seq = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/2018-06-01/runtime/invocation/next') {
        held = res;
        for (const w of waitingNext.splice(0)) w();
        return;
      }
      res.writeHead(202);
      res.end();
      waitingResponse?.(performance.now());
    });
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const nextArrived = () =>
    held ? Promise.resolve() : new Promise<void>((resolve) => waitingNext.push(() => resolve()));
  const invoke = async () => {
    await nextArrived();
    const res = held as http.ServerResponse;
    held = null;
    seq += 1;
    const started = performance.now();
    const done = new Promise<number>((resolve) => {
      waitingResponse = resolve;
    });
    res.writeHead(200, {
      'lambda-runtime-aws-request-id': `req-${seq}`,
      'lambda-runtime-deadline-ms': String(Date.now() + 30_000),
      'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:000000000000:function:measure',
    });
    res.end('{}');
    return (await done) - started;
  };
  return { server, port: (server.address() as AddressInfo).port, nextArrived, invoke };
}

async function measureFreeze(image: string): Promise<void> {
  const n = name('freeze');
  const handle = startContainer({
    name: n,
    image,
    entrypoint: '/var/lang/bin/node',
    command: ['-e', 'setInterval(() => {}, 10)'],
    labels: { [LABEL]: 'true' },
  });
  try {
    await waitRunning(n);
    const pause: number[] = [];
    const unpause: number[] = [];
    for (let i = 0; i < ROUNDS_FREEZE; i++) {
      let t = performance.now();
      await docker(['pause', n]);
      pause.push(performance.now() - t);
      t = performance.now();
      await docker(['unpause', n]);
      unpause.push(performance.now() - t);
    }
    const groups = await containerCgroups(n);
    const freeze: number[] = [];
    const thaw: number[] = [];
    for (let i = 0; i < ROUNDS_FREEZE; i++) {
      let t = performance.now();
      groups.freeze();
      freeze.push(performance.now() - t);
      t = performance.now();
      groups.thaw();
      thaw.push(performance.now() - t);
      await sleep(5);
    }
    record('docker pause', pause);
    record('docker unpause', unpause);
    record(`freezer cgroup (${groups.version}) freeze, until FROZEN`, freeze);
    record(`freezer cgroup (${groups.version}) thaw`, thaw);
  } finally {
    await removeContainer(n);
    await handle.exited;
  }
}

async function measureRie(image: string, bridge: boolean): Promise<void> {
  if (!bridge) {
    notes.push('RIE mode not measured: no bridge network (RIE listens on 8080 inside the container)');
    return;
  }
  const cold: number[] = [];
  const running: number[] = [];
  const firstDuration: number[] = [];
  let warm: number[] = [];
  for (let i = 0; i < ROUNDS_COLD; i++) {
    const n = name('rie');
    const started = performance.now();
    const handle = startContainer({ name: n, image, cpus: 1, memoryMb: MB_PER_VCPU, labels: { [LABEL]: 'true' } });
    let out = '';
    handle.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    try {
      const info = await waitRunning(n);
      running.push(performance.now() - started);
      const url = `http://${info.ipAddress}:8080/2015-03-31/functions/function/invocations`;
      await postUntilAnswered(url, '{}');
      cold.push(performance.now() - started);
      if (i === 0) {
        for (let j = 0; j < ROUNDS_WARM; j++) {
          const t = performance.now();
          await postUntilAnswered(url, '{}');
          warm.push(performance.now() - t);
        }
      }
      for (let k = 0; k < 100 && !/Init Duration/.test(out); k++) await sleep(20);
      const d = /Init Duration: [\d.]+ ms\tDuration: ([\d.]+) ms/.exec(out)?.[1];
      if (d) firstDuration.push(Number(d));
    } finally {
      await removeContainer(n);
      await handle.exited;
    }
  }
  record('RIE mode: docker run -> container running', running, `cpus 1, ${MB_PER_VCPU} MB, bridge`);
  record('RIE mode: docker run -> first invocation answered', cold, 'cold start as a caller sees it');
  record('RIE mode: first REPORT Duration (runtime init folded in)', firstDuration, 'Init Duration about 0');
  warm = warm.slice(5);
  record('RIE mode: warm invoke round trip', warm, 'HTTP to the container IP');
}

async function measureRuntimeApi(image: string): Promise<void> {
  const cold: number[] = [];
  let warm: number[] = [];
  for (let i = 0; i < ROUNDS_COLD; i++) {
    const api = await runtimeApi();
    const n = name('rapi');
    const started = performance.now();
    const handle = startContainer({
      name: n,
      image,
      cpus: 1,
      memoryMb: MB_PER_VCPU,
      network: 'host',
      env: { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${api.port}` },
      labels: { [LABEL]: 'true' },
    });
    try {
      await api.nextArrived();
      cold.push(performance.now() - started);
      if (i === 0) for (let j = 0; j < ROUNDS_WARM; j++) warm.push(await api.invoke());
    } finally {
      await removeContainer(n);
      await handle.exited;
      api.server.closeAllConnections();
      api.server.close();
    }
  }
  record('Runtime API mode: docker run -> first GET next (Init)', cold, `cpus 1, ${MB_PER_VCPU} MB, host network`);
  warm = warm.slice(5);
  record('Runtime API mode: event handed out -> response posted', warm, 'what the emulator times as Duration');
}

async function reach(network: string, url: string, image: string): Promise<string> {
  const script = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) }).then((r) => r.text()).then(
    (t) => console.log('yes'), (e) => console.log('no (' + (e.cause?.code ?? e.name) + ')'))`;
  // A child process, so the servers in this process keep answering meanwhile.
  // biome-ignore format: a command line
  const result = await runDocker([
    'run', '--rm', '--name', name('reach'), '--label', `${LABEL}=true`, '--network', network,
    '--entrypoint', '/var/lang/bin/node', image, '-e', script,
  ]);
  return result.stdout.trim() || result.stderr.trim();
}

async function measureReach(image: string, bridge: boolean): Promise<string[]> {
  const serve = (host: string) =>
    new Promise<http.Server>((resolve) => {
      const s = http.createServer((_q, r) => r.end('hi'));
      s.listen(0, host, () => resolve(s));
    });
  const lines: string[] = [];
  const lo = await serve('127.0.0.1');
  const loPort = (lo.address() as AddressInfo).port;
  try {
    lines.push(`--network host -> host 127.0.0.1: ${await reach('host', `http://127.0.0.1:${loPort}/`, image)}`);
    if (bridge) {
      const gateway = (await bridgeGateway()) ?? '172.17.0.1';
      const br = await serve(gateway);
      try {
        const brPort = (br.address() as AddressInfo).port;
        lines.push(
          `--network bridge -> host ${gateway} (server bound there): ${await reach('bridge', `http://${gateway}:${brPort}/`, image)}`,
        );
        lines.push(
          `--network bridge -> host 127.0.0.1 server via ${gateway}: ${await reach('bridge', `http://${gateway}:${loPort}/`, image)}`,
        );
      } finally {
        br.close();
      }
    }
    lines.push(`--network none -> host 127.0.0.1: ${await reach('none', `http://127.0.0.1:${loPort}/`, image)}`);
  } finally {
    lo.close();
  }
  return lines;
}

function fmt(v: number | null): string {
  return v === null ? '-' : v.toFixed(v < 10 ? 2 : 0);
}

async function main(): Promise<void> {
  const status = await requireDocker();
  process.stderr.write(`docker ${status.serverVersion}, ${status.storageDriver}, cgroup v${status.cgroupVersion}\n`);
  const base = await ensureStandinImage({ log: (l) => process.stderr.write(`  ${l}\n`) });
  const code = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-measure-'));
  writeFileSync(path.join(code, 'index.js'), HANDLER);
  const tag = `vcpu-bench-measure:${process.pid}`;
  try {
    await buildFunctionImage({ codeDir: code, handler: 'index.handler', baseImage: base.tag, tag });
    await measureFreeze(base.tag);
    await measureRie(tag, status.bridge);
    await measureRuntimeApi(tag);
    const reachLines = await measureReach(base.tag, status.bridge);
    console.log(
      `docker ${status.serverVersion} (${status.storageDriver}, cgroup v${status.cgroupVersion}), ` +
        `stand-in ${base.tag} (Node ${base.nodeVersion}), ${os.cpus().length} cores\n`,
    );
    console.log('| what | n | p50 ms | p90 ms | note |');
    console.log('| --- | ---: | ---: | ---: | --- |');
    for (const r of rows) console.log(`| ${r.what} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p90)} | ${r.note} |`);
    console.log('\nReachability of a server on the host:');
    for (const line of reachLines) console.log(`- ${line}`);
    for (const note of notes) console.log(`\nNote: ${note}`);
  } finally {
    const left = await runDocker(['ps', '-aq', '--filter', `label=${LABEL}`]);
    const ids = left.stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await runDocker(['rm', '-f', ...ids]);
    await removeImage(tag);
    rmSync(code, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  if (error instanceof DockerError) {
    console.log(`error: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  throw error;
});

/**
 * Runtime API mode: with AWS_LAMBDA_RUNTIME_API set, the image's entrypoint runs the runtime directly (no RIE), and
 * the runtime fetches its event from a Runtime API on the host. The container uses the host's network, so the
 * server listens on 127.0.0.1 only (infra/docker/README.md: why host networking).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { buildFunctionImage } from '../../../infra/docker/docker.js';
import {
  codeDir,
  collect,
  DockerCleanup,
  eventually,
  requireDockerOrSkip,
  standinImage,
  TEST_LABEL,
  uniqueName,
} from '../../support/docker.js';

const HANDLER = `exports.handler = async (event, context) => {
  console.log('handling', event.n);
  return { echo: event, node: process.version, requestId: context.awsRequestId, memory: context.memoryLimitInMB };
};`;
const REQUEST_ID = '6f0c1c2e-8d1c-4c52-9a59-3d3f2f0b7a11';
const MAX_BODY = 1024 * 1024;

interface Posted {
  path: string;
  body: string;
}

/** A Runtime API that hands out one event, then holds `next`; bodies bounded, loopback only. */
async function startRuntimeApi(): Promise<{ server: http.Server; port: number; posted: Promise<Posted> }> {
  let handedOut = false;
  let resolvePosted: (p: Posted) => void = () => {};
  const posted = new Promise<Posted>((resolve) => {
    resolvePosted = resolve;
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/2018-06-01/runtime/invocation/next') {
        if (handedOut) return; // held until the test ends, as Lambda holds it while the sandbox is frozen
        handedOut = true;
        const event = JSON.stringify({ n: 7 });
        res.writeHead(200, {
          'content-type': 'application/json',
          'lambda-runtime-aws-request-id': REQUEST_ID,
          'lambda-runtime-deadline-ms': String(Date.now() + 30_000),
          'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:000000000000:function:fn',
        });
        res.end(event);
        return;
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"status":"OK"}');
      resolvePosted({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
    });
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, posted };
}

test('Runtime API mode: the container runtime takes its event from a Runtime API on the host loopback and posts the response', async (t) => {
  if (!(await requireDockerOrSkip(t))) return;
  const cleanup = new DockerCleanup();
  const api = await startRuntimeApi();
  t.after(async () => {
    await cleanup.run();
    api.server.closeAllConnections();
    await new Promise((r) => api.server.close(r));
  });
  const base = await standinImage();
  const image = await buildFunctionImage({
    codeDir: cleanup.dir(codeDir(HANDLER)),
    handler: 'index.handler',
    baseImage: base.tag,
    tag: cleanup.image(`${uniqueName('rapi')}:1`),
    labels: { [TEST_LABEL]: String(process.pid) },
  });
  const container = cleanup.start({
    name: uniqueName('rapi'),
    image: image.tag,
    network: 'host',
    cpus: 1,
    memoryMb: 256,
    env: { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${api.port}`, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256' },
  });
  const stdout = collect(container.stdout);
  const exitedEarly = container.exited.then((exit) => {
    throw new Error(`container exited before responding: ${JSON.stringify(exit)}`);
  });
  exitedEarly.catch(() => {}); // it exits at cleanup, after the race
  const posted = await Promise.race([api.posted, exitedEarly]);
  assert.equal(posted.path, `/2018-06-01/runtime/invocation/${REQUEST_ID}/response`);
  const body = JSON.parse(posted.body) as { echo: unknown; node: string; requestId: string; memory: string };
  assert.deepEqual(body.echo, { n: 7 });
  assert.match(body.node, /^v22\./);
  assert.equal(body.requestId, REQUEST_ID);
  assert.equal(body.memory, '256');
  // The runtime ran directly: its log line arrives (through docker's log stream, after the response), and no RIE
  // printed START.
  const logLine = new RegExp(`\\t${REQUEST_ID}\\tINFO\\thandling 7`);
  await eventually('the handler log line', 10_000, () => (logLine.test(stdout.text()) ? true : undefined));
  assert.doesNotMatch(stdout.text(), /START RequestId/);
});

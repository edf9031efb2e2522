/**
 * What a container reaches stays as private as for processes (infra/docker/README.md "Privacy"): its Runtime API
 * answers only that container (by its address on the emulator's network), so neither another local process nor
 * another container, the emulator's own included, can take its invocations or answer for it; containers of the
 * network cannot reach each other (RIE's invoke port included); the Lambda API's listener on the network admits only
 * the network's addresses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { containerInfo, listLabelled } from '../../../infra/docker/docker.js';
import { collect, DockerCleanup, standinImage, uniqueName } from '../../support/docker.js';
import { dockerTarget } from '../../support/docker-emulator.js';
import { deploy, payloadOf, zipOf } from '../../support/emulator.js';

const VICTIM = 'exports.handler = async (event) => ({ got: event });';

// Run in a container of its own: tries to take the next event of a Runtime API, to answer for a request id, and to
// invoke through an RIE port; says what each attempt got (an HTTP status, or the connection error).
const INTRUDER = `
const attempt = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(3000) })
  .then((r) => r.status, (e) => e.cause?.code ?? e.name);
exports.handler = async (e) => ({
  next: e.runtimeApi ? await attempt('http://' + e.runtimeApi + '/2018-06-01/runtime/invocation/next') : null,
  response: e.runtimeApi ? await attempt('http://' + e.runtimeApi + '/2018-06-01/runtime/invocation/forged/response', { method: 'POST', body: '"forged"' }) : null,
  rie: e.rie ? await attempt('http://' + e.rie + '/2015-03-31/functions/function/invocations', { method: 'POST', body: '{}' }) : null,
});`;

/** A host process's attempt at the same (this test process is one). */
async function attempt(url: string, init: RequestInit = {}): Promise<number | string> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(3000) })).status;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
  }
}

/** The address of an environment's container on the emulator's network. */
async function containerAddress(envId: string): Promise<string> {
  const [container] = await listLabelled('container', 'vcpu-bench.environment', envId);
  const info = container ? await containerInfo(container.id) : null;
  assert.ok(info?.ipAddress, `the container of ${envId} has an address`);
  return info.ipAddress;
}

test("Runtime API mode: neither a local process nor another container can take a container's events", async (ctx) => {
  const t = await dockerTarget(ctx, 'runtime-api');
  if (!t) return;
  await deploy(t, 'victim', zipOf(VICTIM));
  await deploy(t, 'intruder', zipOf(INTRUDER));
  const first = await t.lambda.send(new InvokeCommand({ FunctionName: 'victim', Payload: '{"n":1}' }));
  assert.deepEqual(payloadOf(first.Payload), { got: { n: 1 } });
  const victim = t.emulator.status().environments.find((e) => e.functionName === 'victim');
  assert.ok(victim?.runtimeApi);
  const base = `http://${victim.runtimeApi}/2018-06-01/runtime/invocation`;

  // A local process: it reaches the address (it is this host's), but is not the container.
  assert.equal(await attempt(`${base}/next`), 403);
  assert.equal(await attempt(`${base}/forged/response`, { method: 'POST', body: '"forged"' }), 403);

  // Another function's container on the same network, while an invocation of the victim is on its way.
  const pending = t.lambda.send(new InvokeCommand({ FunctionName: 'victim', Payload: '{"n":2}' }));
  const intruded = await t.lambda.send(
    new InvokeCommand({ FunctionName: 'intruder', Payload: JSON.stringify({ runtimeApi: victim.runtimeApi }) }),
  );
  assert.deepEqual(payloadOf(intruded.Payload), { next: 403, response: 403, rie: null });
  assert.deepEqual(payloadOf((await pending).Payload), { got: { n: 2 } }, "the victim's own runtime answered");
});

test("RIE mode: another container cannot reach a container's RIE port; the Lambda API admits only the network", async (ctx) => {
  const t = await dockerTarget(ctx, 'rie');
  if (!t) return;
  await deploy(t, 'victim', zipOf(VICTIM));
  await deploy(t, 'intruder', zipOf(INTRUDER));
  await t.lambda.send(new InvokeCommand({ FunctionName: 'victim', Payload: '{}' }));
  const victim = t.emulator.status().environments.find((e) => e.functionName === 'victim');
  assert.ok(victim);
  const rie = `${await containerAddress(victim.id)}:8080`;
  const intruded = await t.lambda.send(
    new InvokeCommand({ FunctionName: 'intruder', Payload: JSON.stringify({ rie }) }),
  );
  const got = payloadOf(intruded.Payload) as { rie: number | string };
  assert.equal(typeof got.rie, 'string', `another container reached the RIE port: HTTP ${got.rie}`);

  // A container outside the emulator's network (docker's default bridge) reaches this host's address on the network,
  // but the Lambda API's listener there closes the connection.
  const cleanup = new DockerCleanup();
  ctx.after(() => cleanup.run());
  const image = await standinImage();
  const url = `${t.emulator.environmentEndpoint}/2015-03-31/functions/`;
  const outsider = cleanup.start({
    name: uniqueName('outsider'),
    image: image.tag,
    entrypoint: '/var/lang/bin/node',
    command: [
      '-e',
      `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) }).then((r) => console.log('HTTP', r.status), (e) => console.log(e.cause?.code ?? e.name))`,
    ],
  });
  const said = collect(outsider.stdout);
  await outsider.exited;
  assert.doesNotMatch(said.text(), /HTTP/, `a container off the network used the Lambda API: ${said.text()}`);
  // The emulator's own network admits this host.
  assert.equal(await attempt(url), 200);
});

/**
 * No container outlives its emulator: a docker-executor emulator killed with SIGKILL (in a child process, with a
 * frozen container and a running one) leaves no container, network or function image behind once its watchdog has
 * run; and an emulator that starts removes what a dead one left when nothing else did (here: a container labelled as
 * a dead emulator's, while a live emulator's container is left alone).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { containerCgroups, listLabelled } from '../../../infra/docker/docker.js';
import { createDockerExecutor } from '../../../infra/docker/executor.js';
import { LABEL_EMULATOR, newOwner } from '../../../infra/docker/owner.js';
import { DockerCleanup, eventually, requireDockerOrSkip, standinImage, uniqueName } from '../../support/docker.js';

const module = (relative: string) => pathToFileURL(new URL(relative, import.meta.url).pathname).href;
const EMULATOR_MODULE = module('../../../infra/emulator/emulator.js');
const EXECUTOR_MODULE = module('../../../infra/docker/executor.js');

/**
 * An emulator with the docker executor in a child process: deploys a function that sleeps, invokes it twice at once
 * (two containers, frozen when done), then once more without waiting (one of them runs again), prints the executor's
 * id, and waits to be killed.
 */
function emulatorChild(image: string): { child: ReturnType<typeof spawn>; id: Promise<string> } {
  const zip = Buffer.from(
    zipSync({
      'index.js': new TextEncoder().encode(
        'exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms)); return 1; };',
      ),
    }),
  ).toString('base64');
  const script = `
    const { startEmulator } = await import(${JSON.stringify(EMULATOR_MODULE)});
    const { createDockerExecutor } = await import(${JSON.stringify(EXECUTOR_MODULE)});
    const executor = await createDockerExecutor({ mode: 'runtime-api', image: ${JSON.stringify(image)} });
    const emulator = await startEmulator({ executor });
    const api = emulator.endpoint + '/2015-03-31/functions';
    const json = { 'content-type': 'application/json' };
    await fetch(api, { method: 'POST', headers: json, body: JSON.stringify({ FunctionName: 'orphan', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/orphan', MemorySize: 256, Timeout: 60, Code: { ZipFile: ${JSON.stringify(zip)} } }) });
    await new Promise((r) => setTimeout(r, 400));
    const invoke = (ms) => fetch(api + '/orphan/invocations', { method: 'POST', headers: json, body: JSON.stringify({ ms }) });
    await Promise.all([invoke(300), invoke(300)]);
    void invoke(60000);
    await new Promise((r) => setTimeout(r, 3000));
    console.log(executor.id);
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const id = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`the emulator child exited (${code}) before it was ready`)));
  });
  return { child, id };
}

test('SIGKILL of an emulator: its watchdog removes its containers, network and images', async (t) => {
  if (!(await requireDockerOrSkip(t))) return;
  const image = await standinImage();
  const { child, id: idPromise } = emulatorChild(image.tag);
  // Should an assertion fail before the kill, the child must not outlive the test (nor keep its process running).
  t.after(() => child.kill('SIGKILL'));
  const id = await idPromise;
  const before = await listLabelled('container', LABEL_EMULATOR, id);
  assert.equal(before.length, 2, 'two containers');
  const frozen = await Promise.all(before.map(async (c) => (await containerCgroups(c.id)).frozen()));
  assert.deepEqual(frozen.sort(), [false, true], 'one frozen between invocations, one running an invocation');
  assert.equal((await listLabelled('network', LABEL_EMULATOR, id)).length, 1);
  child.kill('SIGKILL');
  const left = await eventually('the emulator to leave nothing', 30_000, async () => {
    const all = [
      ...(await listLabelled('container', LABEL_EMULATOR, id)),
      ...(await listLabelled('network', LABEL_EMULATOR, id)),
      ...(await listLabelled('image', LABEL_EMULATOR, id)),
    ];
    return all.length === 0 ? all : undefined;
  });
  assert.deepEqual(left, []);
});

test("an emulator that starts removes a dead emulator's containers, and leaves a live one's", async (t) => {
  if (!(await requireDockerOrSkip(t))) return;
  const image = await standinImage();
  const cleanup = new DockerCleanup();
  t.after(() => cleanup.run());
  const live = newOwner();
  // pid 2^22 + 1 is above Linux's pid_max: no such process can be running.
  const dead = { ...live.labels, [LABEL_EMULATOR]: `dead-${live.id}`, 'vcpu-bench.emulator.pid': String(2 ** 22 + 1) };
  const sleep = { image: image.tag, entrypoint: '/bin/sleep', command: ['60'] };
  cleanup.start({ ...sleep, name: uniqueName('dead-owner'), labels: dead });
  cleanup.start({ ...sleep, name: uniqueName('live-owner'), labels: live.labels });
  await eventually('both containers', 10_000, async () =>
    (await listLabelled('container', LABEL_EMULATOR)).filter((c) => c.labels[LABEL_EMULATOR]?.endsWith(live.id))
      .length === 2
      ? true
      : undefined,
  );
  const executor = await createDockerExecutor({ mode: 'runtime-api', image: image.tag });
  t.after(() => executor.dispose());
  assert.equal((await listLabelled('container', LABEL_EMULATOR, `dead-${live.id}`)).length, 0, 'the dead one went');
  assert.equal((await listLabelled('container', LABEL_EMULATOR, live.id)).length, 1, 'the live one stayed');
});

/**
 * An image whose runtime client is not the project's, as in AWS's base image: it knows nothing of the emulator's
 * token and marks nothing in its output, only AWS_LAMBDA_RUNTIME_API. The Runtime API still serves it, knowing it by
 * its container's address, and the image is not reported as the stand-in. The image here is built on the stand-in
 * with a minimal runtime client of its own (no registry is reachable for AWS's), labelled as not the stand-in.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { docker } from '../../../infra/docker/docker.js';
import { createDockerExecutor } from '../../../infra/docker/executor.js';
import { DockerCleanup, requireDockerOrSkip, standinImage, uniqueName } from '../../support/docker.js';
import { decodeTail, deploy, payloadOf, startTestEmulator, stopTestEmulator, zipOf } from '../../support/emulator.js';

// The Runtime API as any client speaks it: next, then response; no token header, no output marks.
const FOREIGN_RUNTIME = `#!/var/lang/bin/node
const http = require('node:http');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const call = (method, path, body) => new Promise((resolve, reject) => {
  const req = http.request({ host, port, path, method }, (res) => {
    let data = ''; res.on('data', (c) => (data += c)); res.on('end', () => resolve({ headers: res.headers, status: res.statusCode, body: data }));
  });
  req.on('error', reject); req.end(body);
});
const [file, name] = process.env._HANDLER.split('.');
const handler = require('/var/task/' + file)[name];
(async () => {
  for (;;) {
    const next = await call('GET', '/2018-06-01/runtime/invocation/next');
    if (next.status !== 200) { console.error('next answered', next.status); process.exit(1); }
    const id = next.headers['lambda-runtime-aws-request-id'];
    const result = await handler(JSON.parse(next.body));
    await call('POST', '/2018-06-01/runtime/invocation/' + id + '/response', JSON.stringify(result));
  }
})();
`;

test('a runtime client without the token is served by its container address, its image not called the stand-in', async (ctx) => {
  if (!(await requireDockerOrSkip(ctx))) return;
  const cleanup = new DockerCleanup();
  let target: Awaited<ReturnType<typeof startTestEmulator>> | null = null;
  // The emulator (its containers, and the function images built on this image) goes first, then the image.
  ctx.after(async () => {
    if (target) await stopTestEmulator(target);
    await cleanup.run();
  });
  const standin = await standinImage();
  const context = cleanup.dir(mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-test-foreign-')));
  writeFileSync(path.join(context, 'bootstrap'), FOREIGN_RUNTIME, { mode: 0o755 });
  writeFileSync(
    path.join(context, 'Dockerfile'),
    `FROM ${standin.tag}\nCOPY bootstrap /var/runtime/bootstrap\nLABEL vcpu-bench.standin=false\n`,
  );
  const tag = cleanup.image(`${uniqueName('foreign')}:1`);
  await docker(['build', '--quiet', '--tag', tag, context]);

  const executor = await createDockerExecutor({ mode: 'runtime-api', image: tag });
  const t = await startTestEmulator({ executor });
  target = t;
  assert.deepEqual(t.emulator.status().executorInfo, {
    kind: 'docker',
    dockerMode: 'runtime-api',
    image: tag,
    imageStandin: false,
  });
  await deploy(t, 'foreign', zipOf('exports.handler = async (e) => ({ doubled: e.n * 2 });'));
  for (const n of [1, 2]) {
    const out = await t.lambda.send(
      new InvokeCommand({ FunctionName: 'foreign', LogType: 'Tail', Payload: JSON.stringify({ n }) }),
    );
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    assert.deepEqual(payloadOf(out.Payload), { doubled: n * 2 });
    assert.match(decodeTail(out.LogResult), /REPORT RequestId: \S+\tDuration: /);
  }
});

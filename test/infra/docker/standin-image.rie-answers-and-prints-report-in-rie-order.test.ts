import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFunctionImage, requireDocker, waitRunning } from '../../../infra/docker/docker.js';
import { LABEL_STANDIN } from '../../../infra/docker/standin-image.js';
import {
  codeDir,
  collect,
  DockerCleanup,
  eventually,
  postWhenListening,
  requireDockerOrSkip,
  standinImage,
  TEST_LABEL,
  uniqueName,
} from '../../support/docker.js';

const HANDLER = `exports.handler = async (event) => ({ echo: event, node: process.version, root: process.env.LAMBDA_TASK_ROOT });`;
const REPORT_RIE_ORDER =
  /^REPORT RequestId: ([0-9a-f-]{36})\tInit Duration: \d+\.\d\d ms\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 512 MB\tMax Memory Used: 512 MB\t$/m;

test('a function container in RIE mode answers an invocation and prints START/END/REPORT in RIE order', async (t) => {
  if (!(await requireDockerOrSkip(t))) return;
  const status = await requireDocker();
  if (!status.bridge) {
    t.skip('dockerd runs without a bridge network: RIE mode listens on 8080 inside the container, unreachable here');
    return;
  }
  const cleanup = new DockerCleanup();
  t.after(() => cleanup.run());
  const base = await standinImage();
  const image = await buildFunctionImage({
    codeDir: cleanup.dir(codeDir(HANDLER)),
    handler: 'index.handler',
    baseImage: base.tag,
    tag: cleanup.image(`${uniqueName('rie')}:1`),
    labels: { [TEST_LABEL]: String(process.pid) },
  });
  const container = cleanup.start({
    name: uniqueName('rie'),
    image: image.tag,
    cpus: 1,
    memoryMb: 512,
    env: { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' },
  });
  const stdout = collect(container.stdout);
  const info = await waitRunning(container.name);
  assert.equal(info.labels[LABEL_STANDIN], 'true', 'the function image says it is built on the stand-in');
  const url = `http://${info.ipAddress}:8080/2015-03-31/functions/function/invocations`;

  const first = await postWhenListening(url, '{"n":1}');
  assert.equal(first.status, 200);
  const body = JSON.parse(first.text) as { echo: unknown; node: string; root: string };
  assert.deepEqual(body.echo, { n: 1 });
  assert.match(body.node, /^v22\./, 'the handler runs on the image Node 22, not the host Node');
  assert.equal(body.root, '/var/task');

  const report = await eventually('the REPORT line', 10_000, () => REPORT_RIE_ORDER.exec(stdout.text()) ?? undefined);
  const requestId = report[1] as string;
  const text = stdout.text();
  assert.ok(text.indexOf(`START RequestId: ${requestId} Version: $LATEST`) >= 0);
  assert.ok(text.indexOf(`END RequestId: ${requestId}`) < text.indexOf(`REPORT RequestId: ${requestId}`));

  const second = await postWhenListening(url, '{"n":2}');
  assert.equal(second.status, 200);
  const secondReport = await eventually('the second REPORT line', 10_000, () =>
    stdout
      .text()
      .split('\n')
      .filter((l) => l.startsWith('REPORT '))
      .at(1),
  );
  assert.doesNotMatch(secondReport, /Init Duration/, 'RIE reports Init Duration on the first invocation only');
  assert.match(secondReport, /\tMax Memory Used: 512 MB\t$/);
});

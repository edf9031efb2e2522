import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  decodeTail,
  deploy,
  startTestEmulator,
  stopTestEmulator,
  type TestTarget,
  zipOf,
} from '../../support/emulator.js';

let t: TestTarget;
const source = `
exports.handler = async (event) => {
  console.log('hello', { from: 'handler' });
  console.error('multi\\nline');
  const until = Date.now() + (event.busyMs ?? 0);
  while (Date.now() < until) {}
  return { ok: true };
};`;

before(async () => {
  t = await startTestEmulator();
  await deploy(t, 'report-text', zipOf(source), { MemorySize: 1024 });
  await deploy(t, 'report-json', zipOf(source), { MemorySize: 512, LoggingConfig: { LogFormat: 'JSON' } });
});
after(() => stopTestEmulator(t));

// harness/lambda/README.md "The REPORT line": tab separated, ending with a tab.
const REPORT =
  /^REPORT RequestId: ([0-9a-f-]{36})\tDuration: (\d+\.\d{2}) ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB\tMax Memory Used: (\d+) MB\t(?:Init Duration: (\d+\.\d{2}) ms\t)?$/;

async function invoke(name: string, payload: unknown) {
  const started = performance.now();
  const out = await t.lambda.send(
    new InvokeCommand({ FunctionName: name, LogType: 'Tail', Payload: JSON.stringify(payload) }),
  );
  return {
    out,
    clientMs: performance.now() - started,
    lines: decodeTail(out.LogResult).replace(/\n$/, '').split('\n'),
  };
}

test('text format: START, the function output as the Node.js runtime formats it, END, and an exact REPORT line', async () => {
  const { out, clientMs, lines } = await invoke('report-text', { busyMs: 50 });
  const id = out.$metadata.requestId;
  assert.equal(lines[0], `START RequestId: ${id} Version: $LATEST`);
  assert.match(
    lines[1] ?? '',
    new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${id}\\tINFO\\thello { from: 'handler' }$`),
  );
  // One record whose newline survives inside it (the runtime writes it as \r, the log shows it as a newline).
  assert.match(lines[2] ?? '', new RegExp(`\\t${id}\\tERROR\\tmulti$`));
  assert.equal(lines[3], 'line');
  assert.equal(lines.at(-2), `END RequestId: ${id}`);
  const m = REPORT.exec(lines.at(-1) ?? '');
  assert.ok(m, lines.at(-1));
  const [, requestId, duration, billed, memory, maxUsed, init] = m;
  assert.equal(requestId, id);
  assert.ok(
    Number(duration) >= 50 && Number(duration) <= clientMs,
    `Duration ${duration} within [busy 50, client ${clientMs.toFixed(1)}]`,
  );
  assert.ok(init !== undefined, 'a cold start reports Init Duration');
  // Since 2025-08-01 a cold start bills Duration + Init Duration (harness/lambda/README.md "Pricing").
  assert.equal(Number(billed), Math.ceil(Number(duration) + Number(init)));
  assert.equal(Number(memory), 1024);
  assert.ok(Number(maxUsed) > 10 && Number(maxUsed) <= 1024, `Max Memory Used ${maxUsed}`);

  const warm = await invoke('report-text', { busyMs: 5 });
  const w = REPORT.exec(warm.lines.at(-1) ?? '');
  assert.ok(w, warm.lines.at(-1));
  assert.equal(w[6], undefined, 'a warm invocation has no Init Duration');
  assert.equal(Number(w[3]), Math.ceil(Number(w[2])));
});

test('JSON format: platform.start and platform.report records, function logs as JSON', async () => {
  const { out, lines } = await invoke('report-json', {});
  const records = lines.map(
    (l) => JSON.parse(l) as { type?: string; level?: string; requestId?: string; record?: Record<string, unknown> },
  );
  assert.equal(records[0]?.type, 'platform.start');
  const log = records.find((r) => r.level === 'INFO');
  assert.equal(log?.requestId, out.$metadata.requestId);
  const report = records.at(-1);
  assert.equal(report?.type, 'platform.report');
  const record = report?.record as { requestId: string; status: string; metrics: Record<string, number> };
  assert.equal(record.requestId, out.$metadata.requestId);
  assert.equal(record.status, 'success');
  assert.equal(record.metrics.memorySizeMB, 512);
  assert.ok((record.metrics.durationMs ?? -1) >= 0);
  assert.ok((record.metrics.initDurationMs ?? 0) > 0);
  assert.equal(
    record.metrics.billedDurationMs,
    Math.ceil((record.metrics.durationMs ?? 0) + (record.metrics.initDurationMs ?? 0)),
  );
});

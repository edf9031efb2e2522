/**
 * fetchReportLines and `analyze --cloudwatch` against a real emulator: the REPORT lines of the invocations made on
 * it come back through FilterLogEvents (text and JSON log formats, every page), and analyze saves and uses them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { fetchReportLines, runLogScope, WINDOW_MARGIN_MS } from '../../../harness/analyze/cloudwatch.js';
import { parseReportLine } from '../../../harness/lambda/report-line.js';
import type { InvocationRecord } from '../../../harness/run/record.js';
import { CLI } from '../../support/cli.js';
import { deploy, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../support/emulator.js';
import { jsonl, okRecord, readCsvObjects } from '../../support/report-fixtures.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-cloudwatch-'));
// A workload printing the word REPORT matches the filter pattern; it is not a REPORT line.
const handler = zipOf(`exports.handler = async (e) => { console.log('REPORT card for', e.i); return e.i; };`);

let t: TestTarget;
let windowMs = { startMs: 0, endMs: 0 };
const invoked: Array<{ functionName: string; requestId: string; startedAt: string; clientMs: number }> = [];

async function invoke(functionName: string, i: number): Promise<void> {
  const started = Date.now();
  const out = await t.lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify({ i }) }));
  invoked.push({
    functionName,
    requestId: out.$metadata.requestId ?? '',
    startedAt: new Date(started).toISOString(),
    clientMs: Date.now() - started,
  });
}

before(async () => {
  t = await startTestEmulator();
  await deploy(t, 'text-logs', handler, { MemorySize: 512 });
  await deploy(t, 'json-logs', handler, { MemorySize: 1024, LoggingConfig: { LogFormat: 'JSON' } });
  const start = Date.now();
  for (let i = 0; i < 3; i++) await invoke('text-logs', i);
  await invoke('json-logs', 0);
  windowMs = { startMs: start - 1000, endMs: Date.now() + 1000 };
});

after(async () => {
  await stopTestEmulator(t);
  rmSync(root, { recursive: true, force: true });
});

test('fetchReportLines returns one REPORT line per invocation, text and JSON format, and nothing else', async () => {
  const lines = await fetchReportLines(t.logs, ['text-logs', 'json-logs', 'never-deployed'], windowMs);
  assert.equal(lines.length, 4);
  const ids = lines.map((line) => parseReportLine(line)?.requestId);
  assert.deepEqual(
    ids,
    invoked.map((i) => i.requestId),
  );
  assert.ok(lines.slice(0, 3).every((line) => line.startsWith('REPORT RequestId: ') && !line.includes('\n')));
  assert.match(lines[3] ?? '', /"type":"platform\.report"/);
});

test('fetchReportLines keeps to the window', async () => {
  const before = { startMs: windowMs.startMs - 120_000, endMs: windowMs.startMs - 60_000 };
  assert.deepEqual(await fetchReportLines(t.logs, ['text-logs'], before), []);
});

test('runLogScope: the distinct functions, and first start to last end widened by a minute', () => {
  const scope = runLogScope([
    { functionName: 'b', startedAt: '2026-01-02T03:04:05.000Z', clientMs: 100 },
    { functionName: 'a', startedAt: '2026-01-02T03:04:00.000Z', clientMs: 9000 },
    { functionName: 'b', startedAt: '2026-01-02T03:04:06.000Z', clientMs: 2000 },
  ]);
  assert.deepEqual(scope, {
    functionNames: ['a', 'b'],
    window: {
      startMs: Date.parse('2026-01-02T03:04:00.000Z') - WINDOW_MARGIN_MS,
      endMs: Date.parse('2026-01-02T03:04:09.000Z') + WINDOW_MARGIN_MS,
    },
  });
  assert.equal(runLogScope([]), null);
});

test('analyze --cloudwatch fetches the run window REPORTs, saves them, and a later plain analyze agrees', async () => {
  const dir = path.join(root, 'run');
  mkdirSync(dir);
  const records: InvocationRecord[] = invoked.map((inv, rep) =>
    okRecord({
      mode: 'sequential',
      workers: 1,
      memoryMb: inv.functionName === 'text-logs' ? 512 : 1024,
      rep,
      target: 'local',
      emulated: true,
      functionName: inv.functionName,
      requestId: inv.requestId,
      startedAt: inv.startedAt,
      clientMs: inv.clientMs,
    }),
  );
  writeFileSync(path.join(dir, 'invocations.jsonl'), jsonl(records));
  // Asynchronously: the emulator answering the child lives in this process.
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, [CLI, 'analyze', dir, ...args], { encoding: 'utf8' });

  const fetched = await run(['--cloudwatch', '--target', 'local', '--endpoint-url', t.emulator.endpoint]);
  assert.equal(fetched.stderr, '');
  assert.match(
    fetched.stdout,
    /^CloudWatch Logs: 4 of 4 REPORT lines after 1 fetch, saved to .+cloudwatch-reports\.log\n/,
  );
  const saved = readFileSync(path.join(dir, 'cloudwatch-reports.log'), 'utf8');
  assert.equal(saved.trimEnd().split('\n').length, 4);
  const rows = readCsvObjects(readFileSync(path.join(dir, 'invocations.csv'), 'utf8'));
  assert.deepEqual(
    rows.map((row) => row.request_id),
    invoked.map((i) => i.requestId),
  );
  assert.ok(
    rows.every((row) => row.duration_ms !== '' && Number(row.billed_ms) >= 1),
    'every row has its REPORT',
  );
  const first = readFileSync(path.join(dir, 'invocations.csv'), 'utf8');

  const again = await run([]);
  assert.match(again.stdout, /^Including REPORT lines saved by an earlier --cloudwatch/);
  assert.equal(readFileSync(path.join(dir, 'invocations.csv'), 'utf8'), first);

  // Fetching again does not duplicate what was saved.
  await run(['--cloudwatch', '--target', 'local', '--endpoint-url', t.emulator.endpoint]);
  assert.equal(readFileSync(path.join(dir, 'cloudwatch-reports.log'), 'utf8'), saved);
});

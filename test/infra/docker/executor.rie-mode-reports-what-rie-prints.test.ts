/**
 * The docker executor in RIE mode: the container's entrypoint runs the image's Runtime Interface Emulator, the
 * emulator invokes it over HTTP and takes the START, END and REPORT lines RIE prints from the container's output, as
 * they are (harness/lambda/README.md "The Runtime Interface Emulator"): Init Duration before Duration on the first
 * invocation only, Max Memory Used = Memory Size, the request id RIE drew. The Lambda API still answers as Lambda
 * does: a function error is FunctionError Unhandled, a timeout Sandbox.Timedout.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { parseReportLine } from '../../../harness/lambda/report-line.js';
import { dockerTarget } from '../../support/docker-emulator.js';
import { decodeTail, deploy, payloadOf, zipOf } from '../../support/emulator.js';

const SOURCE = `
exports.handler = async (e) => {
  console.log('handling', JSON.stringify(e));
  if (e.fail) throw new TypeError('asked to fail');
  if (e.sleepMs) await new Promise((r) => setTimeout(r, e.sleepMs));
  return { echoed: e };
};`;

test("RIE's REPORT lines come from the container's output in RIE's shape, with RIE's request ids", async (ctx) => {
  const t = await dockerTarget(ctx, 'rie');
  if (!t) return;
  await deploy(t, 'rie-echo', zipOf(SOURCE), { MemorySize: 512 });
  const invoke = async (event: unknown) =>
    t.lambda.send(new InvokeCommand({ FunctionName: 'rie-echo', LogType: 'Tail', Payload: JSON.stringify(event) }));

  const first = await invoke({ n: 1 });
  assert.equal(first.FunctionError, undefined);
  assert.deepEqual(payloadOf(first.Payload), { echoed: { n: 1 } });
  const tail = decodeTail(first.LogResult);
  const requestId = first.$metadata.requestId ?? '';
  assert.match(tail, new RegExp(`START RequestId: ${requestId} Version: \\$LATEST`), tail);
  assert.match(tail, /handling \{"n":1\}/);
  const reportLine = tail.split('\n').find((l) => l.startsWith('REPORT'));
  assert.ok(reportLine, tail);
  // RIE's order: Init Duration before Duration, and Max Memory Used repeating Memory Size.
  assert.match(
    reportLine,
    new RegExp(
      `^REPORT RequestId: ${requestId}\\tInit Duration: [\\d.]+ ms\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 512 MB\\tMax Memory Used: 512 MB\\t$`,
    ),
  );
  const report = parseReportLine(reportLine);
  assert.ok(report?.initDurationMs !== null && (report?.initDurationMs ?? 99) < 50, 'Init Duration about 0');

  const second = await invoke({ n: 2 });
  const secondReport = decodeTail(second.LogResult)
    .split('\n')
    .find((l) => l.startsWith('REPORT'));
  assert.ok(secondReport && !/Init Duration/.test(secondReport), 'no Init Duration after the first invocation');
  assert.notEqual(second.$metadata.requestId, requestId);

  // The same lines are in the function's log stream, as CloudWatch Logs shows them.
  const logs = await t.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/rie-echo' }));
  const messages = (logs.events ?? []).map((e) => e.message ?? '');
  assert.ok(messages.includes(reportLine), 'the REPORT line is in the log stream');
  const env = t.emulator.status().environments.find((e) => e.functionName === 'rie-echo');
  assert.equal(env?.runtimeApi, null, 'the emulator serves no Runtime API in RIE mode');
  assert.equal(t.emulator.status().executorInfo.dockerMode, 'rie');
});

test('through RIE a function error is FunctionError Unhandled and a timeout is Sandbox.Timedout', async (ctx) => {
  const t = await dockerTarget(ctx, 'rie');
  if (!t) return;
  await deploy(t, 'rie-fail', zipOf(SOURCE), { MemorySize: 512, Timeout: 1 });
  const failed = await t.lambda.send(new InvokeCommand({ FunctionName: 'rie-fail', Payload: '{"fail":true}' }));
  assert.equal(failed.FunctionError, 'Unhandled');
  assert.equal((payloadOf(failed.Payload) as { errorType: string }).errorType, 'TypeError');
  const late = await t.lambda.send(
    new InvokeCommand({ FunctionName: 'rie-fail', LogType: 'Tail', Payload: '{"sleepMs":3000}' }),
  );
  assert.equal(late.FunctionError, 'Unhandled');
  assert.equal((payloadOf(late.Payload) as { errorType: string }).errorType, 'Sandbox.Timedout');
  assert.match(decodeTail(late.LogResult), /REPORT RequestId: \S+\tDuration: 1000\.00 ms/);
  // RIE resets the runtime after a timeout; the next invocation runs.
  const after = await t.lambda.send(new InvokeCommand({ FunctionName: 'rie-fail', Payload: '{"n":3}' }));
  assert.deepEqual(payloadOf(after.Payload), { echoed: { n: 3 } });
});

/**
 * `fan_out` mode: split the items into `workers` slices and invoke this same function once per slice,
 * synchronously and concurrently. The SDK reads its endpoint from the standard environment
 * (AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL; harness/lambda/README.md "Invoke API"), so this runs on AWS and on
 * the emulator. Each child returns its slice's digest and timings, not its hashes, so the answer stays far below
 * Lambda's response limit whatever the number of items.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SDK_DEFAULT_MAX_SOCKETS } from '../harness/lambda/platform.js';
import { isRecord, numberField } from '../lib/guards.js';
import type { WorkloadEvent } from './event.js';
import { DIGEST_PATTERN, slices } from './hash.js';

export interface FanOutChild {
  requestId: string | null;
  start: number;
  end: number;
  /** The digest of the child's items (workloads/hash.ts digestOf), combined by the parent. */
  digest: string;
  workloadMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  coldStart: boolean;
}

export class FanOutError extends Error {
  override name = 'FanOutError';
}

let client: { lambda: LambdaClient; sockets: number } | null = null;

/**
 * The client, with at least as many sockets as the fan-out is wide: the SDK's default agent opens 50 per client
 * (harness/lambda/README.md "Invoke API"), and a wider fan-out would queue its children behind them.
 */
function clientFor(width: number): LambdaClient {
  if (client && client.sockets >= width) return client.lambda;
  client?.lambda.destroy();
  const sockets = Math.max(SDK_DEFAULT_MAX_SOCKETS, width);
  const lambda = new LambdaClient({
    requestHandler: { httpAgent: { maxSockets: sockets }, httpsAgent: { maxSockets: sockets } },
  });
  client = { lambda, sockets };
  return lambda;
}

function functionName(): string {
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
  if (!name) throw new FanOutError('fan_out needs AWS_LAMBDA_FUNCTION_NAME: it invokes the function it runs in');
  return name;
}

/** A child's response, checked: the parent combines what it returns, so a malformed answer is an error. */
function childBody(text: string, start: number, end: number): Omit<FanOutChild, 'requestId' | 'start' | 'end'> {
  const fail = (why: string) => new FanOutError(`fan_out child for items [${start}, ${end}) answered ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail(`with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (!isRecord(value)) throw fail('with something other than a JSON object');
  const { digest, coldStart } = value;
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) throw fail('without a digest');
  if (value.offset !== start || value.items !== end - start) throw fail(`for other items than [${start}, ${end})`);
  const workloadMs = numberField(value, 'workloadMs');
  const cpuUserMs = numberField(value, 'cpuUserMs');
  const cpuSystemMs = numberField(value, 'cpuSystemMs');
  if (workloadMs === null || cpuUserMs === null || cpuSystemMs === null || typeof coldStart !== 'boolean') {
    throw fail('without workloadMs, cpuUserMs, cpuSystemMs and coldStart');
  }
  return { digest, workloadMs, cpuUserMs, cpuSystemMs, coldStart };
}

async function invokeSlice(
  lambda: LambdaClient,
  name: string,
  event: WorkloadEvent,
  start: number,
  end: number,
): Promise<FanOutChild> {
  const payload = {
    mode: 'sequential',
    workers: 1,
    items: end - start,
    offset: start,
    algorithm: event.algorithm,
    cost: event.cost,
    seed: event.seed,
  };
  const out = await lambda.send(
    new InvokeCommand({ FunctionName: name, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }),
  );
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  if (out.FunctionError) {
    throw new FanOutError(
      `fan_out child for items [${start}, ${end}) failed (${out.FunctionError}): ${text.slice(0, 500)}`,
    );
  }
  return { requestId: out.$metadata.requestId ?? null, start, end, ...childBody(text, start, end) };
}

export async function fanOut(event: WorkloadEvent): Promise<FanOutChild[]> {
  const name = functionName();
  const parts = slices(event.offset, event.items, event.workers).filter((s) => s.end > s.start);
  const lambda = clientFor(parts.length);
  return Promise.all(parts.map((s) => invokeSlice(lambda, name, event, s.start, s.end)));
}

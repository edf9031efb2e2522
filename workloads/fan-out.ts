/**
 * `fan_out` mode: split the items into `workers` slices and invoke this same function once per slice,
 * synchronously and concurrently. The SDK reads its endpoint from the standard environment
 * (AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL; harness/lambda/README.md "Invoke API"), so this runs on AWS and on the emulator.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { isRecord, numberField } from '../lib/guards.js';
import type { WorkloadEvent } from './event.js';
import { slices } from './hash.js';

let client: LambdaClient | null = null;

export interface FanOutChild {
  requestId: string | null;
  start: number;
  end: number;
  hashes: string[];
  workloadMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  coldStart: boolean;
}

export class FanOutError extends Error {
  override name = 'FanOutError';
}

function functionName(): string {
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
  if (!name) throw new FanOutError('fan_out needs AWS_LAMBDA_FUNCTION_NAME: it invokes the function it runs in');
  return name;
}

/** A child's response, checked: the parent digests what it returns, so a malformed answer is an error, not a hash. */
function childBody(text: string, start: number, end: number): Omit<FanOutChild, 'requestId' | 'start' | 'end'> {
  const fail = (why: string) => new FanOutError(`fan_out child for items [${start}, ${end}) answered ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail(`with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  if (!isRecord(value)) throw fail('with something other than a JSON object');
  const { hashes, coldStart } = value;
  if (!Array.isArray(hashes) || hashes.length !== end - start || !hashes.every((h) => typeof h === 'string')) {
    throw fail(`without its ${end - start} hashes`);
  }
  const workloadMs = numberField(value, 'workloadMs');
  const cpuUserMs = numberField(value, 'cpuUserMs');
  const cpuSystemMs = numberField(value, 'cpuSystemMs');
  if (workloadMs === null || cpuUserMs === null || cpuSystemMs === null || typeof coldStart !== 'boolean') {
    throw fail('without workloadMs, cpuUserMs, cpuSystemMs and coldStart');
  }
  return { hashes, workloadMs, cpuUserMs, cpuSystemMs, coldStart };
}

async function invokeSlice(name: string, event: WorkloadEvent, start: number, end: number): Promise<FanOutChild> {
  client ??= new LambdaClient({});
  const payload = {
    mode: 'sequential',
    workers: 1,
    items: end - start,
    offset: start,
    algorithm: event.algorithm,
    cost: event.cost,
    seed: event.seed,
    returnHashes: true,
  };
  const out = await client.send(
    new InvokeCommand({ FunctionName: name, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }),
  );
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  if (out.FunctionError) {
    throw new FanOutError(
      `fan_out child for items [${start}, ${end}) failed (${out.FunctionError}): ${text.slice(0, 500)}`,
    );
  }
  const body = childBody(text, start, end);
  return { requestId: out.$metadata.requestId ?? null, start, end, ...body };
}

export async function fanOut(event: WorkloadEvent): Promise<FanOutChild[]> {
  const name = functionName();
  const parts = slices(event.offset, event.items, event.workers).filter((s) => s.end > s.start);
  return Promise.all(parts.map((s) => invokeSlice(name, event, s.start, s.end)));
}

/** Test support: a real emulator on a free port, real SDK clients pointed at it, and zips made from inline code. */
import { readFileSync } from 'node:fs';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { zipSync } from 'fflate';
import { FUNCTION_ZIP } from '../../harness/paths.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../infra/emulator/emulator.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const ROLE = 'arn:aws:iam::000000000000:role/vcpu-bench-test';

export interface TestTarget {
  emulator: Emulator;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestTarget> {
  const emulator = await startEmulator({ keepAliveS: 60, ...options });
  const config = {
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    // Any credentials will do, unless the emulator requires its own key.
    credentials: emulator.accessKey ?? { accessKeyId: 'test', secretAccessKey: 'test' },
    // Tests look at throttling themselves: no silent retries.
    maxAttempts: 1,
  };
  return { emulator, lambda: new LambdaClient(config), logs: new CloudWatchLogsClient(config) };
}

export async function stopTestEmulator(t: TestTarget): Promise<void> {
  t.lambda.destroy();
  t.logs.destroy();
  await t.emulator.close();
}

/** A zip holding `index.js` (CommonJS, as a plain .js file in a Lambda zip is). */
export function zipOf(source: string): Uint8Array {
  return zipSync({ 'index.js': new TextEncoder().encode(source) });
}

export function workloadZip(): Uint8Array {
  return readFileSync(FUNCTION_ZIP);
}

export async function deploy(
  t: TestTarget,
  name: string,
  zip: Uint8Array,
  extra: Partial<CreateFunctionCommandInput> = {},
): Promise<void> {
  await t.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: ROLE,
      MemorySize: 1769,
      Timeout: 30,
      Code: { ZipFile: zip },
      ...extra,
    }),
  );
  await waitUntilFunctionActiveV2(
    { client: t.lambda, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
    { FunctionName: name },
  );
}

export function decodeTail(logResult: string | undefined): string {
  return Buffer.from(logResult ?? '', 'base64').toString('utf8');
}

export function payloadOf(payload: Uint8Array | undefined): unknown {
  return JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8') || 'null');
}

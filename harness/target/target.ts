/**
 * Where a sweep runs: real AWS, or the local emulator (embedded in this process by default, or one already running
 * at --endpoint-url). Either way the harness talks to it through the same AWS SDK v3 clients; only the endpoint,
 * the credentials and what is known of CPU enforcement differ.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { DOCKER_MODES } from '../../infra/docker/modes.js';
import { type Emulator, startEmulator } from '../../infra/emulator/emulator.js';
import { EXECUTOR_KINDS, type ExecutorInfo } from '../../infra/emulator/executor.js';
import { isOneOf, isRecord } from '../../lib/guards.js';
import { TargetError } from '../errors.js';
import { INIT_CPU_MODES, type InitCpuMode } from '../lambda/platform.js';
import type { ExecutorOptions, Target, TargetOptions } from '../options.js';
import { executorFor } from './executor.js';

// The emulator's environments run on the host's Node; the SDK's warning about it is noise in a benchmark's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface SessionOptions extends TargetOptions {
  /** Highest worker count of the sweep: fan_out needs that many environments beside its parent. */
  maxWorkers?: number;
  /** INIT's CPU on an embedded emulator (an emulator at --endpoint-url uses its own). */
  initCpu?: InitCpuMode;
  /** How an embedded emulator runs environments (an emulator at --endpoint-url uses its own); process by default. */
  executor?: ExecutorOptions;
}

export interface TargetSession {
  readonly kind: Target;
  readonly region: string;
  /** The control plane (deploy, cleanup, doctor), with the SDK's own retries for throttled API calls. */
  readonly lambda: LambdaClient;
  /**
   * Measured invocations only: the SDK retries nothing, so each throttle reaches the runner, which backs off and
   * counts it (harness/run/retry.ts).
   */
  readonly invoker: LambdaClient;
  readonly logs: CloudWatchLogsClient;
  /** `setup`, `cleanup --role`, `doctor` and finding the default role. */
  readonly iam: IAMClient;
  /** Who the credentials belong to (`doctor`, `setup`). */
  readonly sts: STSClient;
  /** True on the local emulator. */
  readonly emulated: boolean;
  /** False when the emulator could not apply the CPU quota (no writable cgroups). Always true on AWS. */
  readonly cpuEnforced: boolean;
  /** How the emulator gives INIT its CPU (harness/lambda/README.md "INIT"); null on AWS or when unknown. */
  readonly initCpu: InitCpuMode | null;
  /** What runs the functions on the emulator (executor, docker mode, image); null on AWS or when unknown. */
  readonly executor: ExecutorInfo | null;
  /** The embedded emulator, when this session started one. */
  readonly emulator: Emulator | null;
  /** One line: what this target is, for run.json and the terminal. */
  readonly description: string;
  close(): Promise<void>;
}

/** The resource (function, log group) is gone. By name: Lambda and CloudWatch Logs each have their own class of it. */
export function isResourceNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

// Local credentials are never checked; the SDK only needs something to sign with.
const LOCAL_CREDENTIALS = { accessKeyId: 'AKIAVCPUBENCHLOCAL00', secretAccessKey: 'vcpu-bench-local-emulator-secret' };
// Control-plane calls: throttling (429) and transient errors are retried by the SDK's adaptive retry mode, with backoff.
const MAX_ATTEMPTS = 8;

interface ClientConfig {
  region: string;
  maxAttempts: number;
  retryMode: string;
  endpoint?: string;
  profile?: string;
  credentials?: typeof LOCAL_CREDENTIALS;
}

/** Every client of a session from one configuration; the invoke client with the SDK's retries off. */
function clientsOf(config: ClientConfig) {
  return {
    lambda: new LambdaClient(config),
    invoker: new LambdaClient({ ...config, maxAttempts: 1 }),
    logs: new CloudWatchLogsClient(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
  };
}

function destroyClients(clients: ReturnType<typeof clientsOf>): void {
  for (const client of Object.values(clients)) client.destroy();
}

interface RemoteStatus {
  cpuEnforced: boolean;
  cgroupDetail: string;
  initCpu: InitCpuMode | null;
  executor: ExecutorInfo | null;
}

/** An emulator's `executorInfo`, checked field by field; null when it says none or something else. */
function executorInfoOf(value: unknown): ExecutorInfo | null {
  if (!isRecord(value) || !isOneOf(EXECUTOR_KINDS, value.kind)) return null;
  const orNull = <T>(v: unknown, ok: (v: unknown) => v is T): T | null => (ok(v) ? v : null);
  return {
    kind: value.kind,
    dockerMode: orNull(value.dockerMode, (v): v is ExecutorInfo['dockerMode'] => isOneOf(DOCKER_MODES, v)),
    image: orNull(value.image, (v): v is string => typeof v === 'string'),
    imageStandin: orNull(value.imageStandin, (v): v is boolean => typeof v === 'boolean'),
  };
}

/** What a vcpu-bench emulator at `endpoint` says of itself, checked; null when none answers there. */
async function remoteEmulatorStatus(endpoint: string): Promise<RemoteStatus | null> {
  let body: unknown;
  try {
    const res = await fetch(new URL('/vcpu-bench/status', endpoint));
    if (!res.ok) return null;
    body = await res.json();
  } catch {
    return null;
  }
  if (!isRecord(body)) return null;
  return {
    cpuEnforced: body.cpuEnforced === true,
    cgroupDetail: typeof body.cgroupDetail === 'string' ? body.cgroupDetail : '',
    initCpu: isOneOf(INIT_CPU_MODES, body.initCpu) ? body.initCpu : null,
    executor: executorInfoOf(body.executorInfo),
  };
}

/** What the emulator adds to an Invoke response (its `x-vcpu-bench-*` headers), read by invokeOnce. */
export interface EmulatorInvokeHeaders {
  cpuEnforced: boolean | null;
  oversubscription: number | null;
}

export const EMULATOR_HEADERS = Symbol('vcpu-bench emulator headers');

/** The SDK's output has no place for unknown headers: a middleware copies the emulator's onto the output. */
function captureEmulatorHeaders(client: LambdaClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers ?? {};
      const over = headers['x-vcpu-bench-oversubscription'];
      const enforced = headers['x-vcpu-bench-cpu-enforced'];
      const extra: EmulatorInvokeHeaders = {
        oversubscription: over === undefined ? null : Number(over),
        cpuEnforced: enforced === undefined ? null : enforced === 'true',
      };
      if (result.output && typeof result.output === 'object') {
        Object.defineProperty(result.output, EMULATOR_HEADERS, { value: extra, enumerable: false });
      }
      return result;
    },
    // At initialize, outside the deserializer: the output exists by the time the call returns through here.
    { step: 'initialize', name: 'vcpuBenchEmulatorHeaders' },
  );
}

/** Real AWS, or the AWS API at another endpoint (LocalStack, this project's emulator), labelled emulated. */
async function openAws(o: SessionOptions): Promise<TargetSession> {
  const config: ClientConfig = {
    region: o.region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'adaptive',
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
  };
  // An endpoint that is not AWS's own measures an emulation: label it so.
  const foreign = o.endpointUrl !== null && !/\.amazonaws\.com(\.cn)?$/.test(new URL(o.endpointUrl).hostname);
  const status = foreign && o.endpointUrl ? await remoteEmulatorStatus(o.endpointUrl) : null;
  const clients = clientsOf(config);
  if (status) captureEmulatorHeaders(clients.invoker);
  const description = foreign
    ? `the AWS API at ${o.endpointUrl}, not AWS itself: ${status ? `a vcpu-bench emulator (${status.cgroupDetail})` : 'an emulator without a CPU model, results are unthrottled'}`
    : `AWS Lambda in ${o.region}${o.profile ? ` (profile ${o.profile})` : ''}${o.endpointUrl ? ` via ${o.endpointUrl}` : ''}`;
  return {
    kind: 'aws',
    region: o.region,
    ...clients,
    emulated: foreign,
    // Other emulators (LocalStack, moto) apply no CPU limit (harness/lambda/README.md "Other local emulators").
    cpuEnforced: foreign ? status?.cpuEnforced === true : true,
    initCpu: status?.initCpu ?? null,
    executor: status?.executor ?? null,
    emulator: null,
    description,
    close: async () => destroyClients(clients),
  };
}

/** The local emulator: one already running at --endpoint-url, or one embedded in this process for the command. */
async function openLocal(o: SessionOptions): Promise<TargetSession> {
  let emulator: Emulator | null = null;
  let endpoint = o.endpointUrl;
  let cpuEnforced: boolean;
  let detail: string;
  let initCpu: InitCpuMode | null;
  let executor: ExecutorInfo | null;
  if (endpoint) {
    const status = await remoteEmulatorStatus(endpoint);
    if (!status) {
      throw new TargetError(
        `--endpoint-url ${endpoint}: no vcpu-bench emulator answers there; start one with \`vcpu-bench emulator\``,
      );
    }
    cpuEnforced = status.cpuEnforced;
    detail = status.cgroupDetail;
    initCpu = status.initCpu;
    executor = status.executor;
  } else {
    const chosen = await executorFor(o.executor);
    try {
      emulator = await startEmulator({
        ...(chosen ? { executor: chosen } : {}),
        region: o.region,
        concurrency: Math.max(10, (o.maxWorkers ?? 1) + 2),
        // A sweep comes back to each function after other cells ran: keep its environments warm for the whole run.
        keepAliveS: 3600,
        ...(o.initCpu ? { initCpu: o.initCpu } : {}),
      });
    } catch (error) {
      await chosen?.dispose();
      throw error;
    }
    endpoint = emulator.endpoint;
    cpuEnforced = emulator.executor.cpuEnforced;
    detail = emulator.executor.detail;
    initCpu = emulator.initCpu;
    executor = emulator.status().executorInfo;
  }
  const clients = clientsOf({
    region: o.region,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'adaptive',
  });
  captureEmulatorHeaders(clients.invoker);
  const where = emulator ? 'embedded' : `at ${endpoint}`;
  return {
    kind: 'local',
    region: o.region,
    ...clients,
    emulated: true,
    cpuEnforced,
    initCpu,
    executor,
    emulator,
    description: `local emulator ${where}: ${detail}${cpuEnforced ? '' : ' - CPU NOT ENFORCED, results are unthrottled'}`,
    close: async () => {
      destroyClients(clients);
      await emulator?.close();
    },
  };
}

export async function openTarget(o: SessionOptions): Promise<TargetSession> {
  return o.target === 'aws' ? openAws(o) : openLocal(o);
}

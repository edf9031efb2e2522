/**
 * What both kinds of execution environment share: the Runtime API one (environment.ts, the emulator serves the
 * Runtime API and measures the REPORT figures) and the direct one (direct-environment.ts, the environment takes
 * invocations itself and prints its own REPORT lines, as the Runtime Interface Emulator does). The emulator holds
 * either through the Environment interface below.
 */
import { randomBytes } from 'node:crypto';
import type { InvocationStatus, ReportFigures } from '../../harness/lambda/log-format.js';
import { EXECUTION_ENV } from '../../harness/lambda/platform.js';

export interface InvocationOutcome {
  requestId: string;
  status: InvocationStatus;
  /** The response body: the function's result, or its error document. */
  body: string;
  functionError: 'Unhandled' | null;
  errorType: string | null;
  /** The REPORT figures; null when the environment printed no REPORT (RIE prints none for a runtime that failed). */
  report: ReportFigures | null;
  /** The invocation's log lines, START to REPORT, for `LogType: Tail`. */
  logLines: string[];
  /** Peak, while this invocation ran, of the CPU quotas of the running environments summed over the host's cores. */
  oversubscription: number;
}

export type EnvironmentState = 'init' | 'idle' | 'busy' | 'dead';

/** What the emulator needs of an execution environment, whatever drives it. */
export interface Environment {
  readonly id: string;
  readonly fn: { readonly name: string; readonly version: string; readonly generation: number };
  state: EnvironmentState;
  readonly frozen: boolean;
  lastUsedAt: number;
  /** The host cores it runs on (cores.ts PlacedLoad). */
  readonly cores: readonly number[];
  readonly cpuQuota: number | null;
  /** Alive and not frozen: using its cores now. */
  readonly running: boolean;
  readonly pid: number | null;
  /** `host:port` of its Runtime API; null for a direct environment, which has none of the emulator's. */
  readonly runtimeApi: string | null;
  start(): Promise<void>;
  invoke(requestId: string, payload: string, clientContext?: string | null): Promise<InvocationOutcome>;
  notePressure(value: number): void;
  kill(): void;
  shutdown(): Promise<void>;
}

/** `2026/11/26/[$LATEST]<32 hex>`: Lambda's log stream name for one environment of a version. */
export function logStreamName(version: string): string {
  const d = new Date();
  const ymd = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${ymd}/[${version}]${randomBytes(16).toString('hex')}`;
}

export interface VariablesInput {
  fn: {
    name: string;
    /** `$LATEST` or the version number the environment runs. */
    version: string;
    memoryMb: number;
    handler: string;
    codeDir: string;
    logFormat: 'Text' | 'JSON';
    environment: Record<string, string>;
  };
  logGroup: string;
  logStream: string;
  region: string;
  /** The Lambda API as the environment reaches it (fan-out invokes through it). */
  endpoint: string;
  accessKey: { accessKeyId: string; secretAccessKey: string } | null;
  /** `host:port` of the environment's Runtime API; null when it has none of the emulator's (a direct environment). */
  runtimeApi: string | null;
}

/**
 * The environment variables Lambda sets for a function (harness/lambda/README.md "Runtime"), over the function's own.
 * Paths are the host's (LAMBDA_TASK_ROOT is the code directory): an executor that runs the code elsewhere (a
 * container's /var/task) replaces them.
 */
export function lambdaVariables(input: VariablesInput): Record<string, string> {
  const { fn, region, accessKey } = input;
  return {
    ...fn.environment,
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: fn.handler,
    LAMBDA_TASK_ROOT: fn.codeDir,
    LAMBDA_RUNTIME_DIR: fn.codeDir,
    ...(input.runtimeApi === null ? {} : { AWS_LAMBDA_RUNTIME_API: input.runtimeApi }),
    AWS_EXECUTION_ENV: EXECUTION_ENV,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: fn.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: input.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStream,
    AWS_LAMBDA_LOG_FORMAT: fn.logFormat,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // The emulator's key when it requires signatures; otherwise something for the SDK to sign with.
    AWS_ACCESS_KEY_ID: accessKey?.accessKeyId ?? 'AKIAVCPUBENCHLOCAL00',
    AWS_SECRET_ACCESS_KEY: accessKey?.secretAccessKey ?? 'vcpu-bench-local-emulator-secret',
    AWS_ENDPOINT_URL_LAMBDA: input.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: input.endpoint,
    // The managed runtime's Node is current; the host's may be older than the SDK likes. Keep its warning out of
    // the function's logs, where it would not appear on Lambda.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * Splits an output stream into lines: whole lines out, the unfinished rest kept for the next chunk. The runtime turns
 * newlines inside one record into \r (one record, one log event); CloudWatch shows them as newlines.
 */
export class LineSplitter {
  private rest = '';

  push(chunk: Buffer): string[] {
    const lines = (this.rest + chunk.toString('utf8')).split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((line) => line.replace(/\r/g, '\n'));
  }
}

/** The body of an error Lambda answers for the function: `{"errorType", "errorMessage"}`. */
export function errorDocument(errorType: string, errorMessage: string): string {
  return JSON.stringify({ errorType, errorMessage });
}

/**
 * The AWS Lambda platform as this project models it: memory and the CPU it buys, the cores a function sees, the
 * quota period, INIT's CPU, limits, the runtime and names. Every other part of the project takes these figures from
 * here; harness/lambda/README.md states each one with its public source. Pure constants and functions: no I/O.
 */
import { isRecord } from '../../lib/guards.js';

/** Memory a function can be given, in 1 MB steps (README "Memory and CPU"). */
export const MEMORY_MB = { min: 128, max: 10_240, default: 128 } as const;

/** New accounts may be capped below the maximum until AWS raises it (README "Memory and CPU"). */
export const NEW_ACCOUNT_MEMORY_CAP_MB = 3008;

/**
 * How Lambda refuses a memory size above an account's cap, on CreateFunction and UpdateFunctionConfiguration alike:
 * HTTP 400 `ValidationException`, "'MemorySize' value failed to satisfy constraint: Member must have value less than or
 * equal to 3008" (README "Memory and CPU"; reported by users, not documented). GetAccountSettings does not show the
 * cap, so a refusal is the only way to learn it.
 */
export const MEMORY_QUOTA_ERROR = {
  type: 'ValidationException',
  status: 400,
  message: (capMb: number) =>
    `'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to ${capMb}`,
} as const;

/** The cap an error names when it is Lambda's memory-quota refusal (MEMORY_QUOTA_ERROR), else null. */
export function memoryQuotaCapMb(error: { name: string; message: string }): number | null {
  if (error.name !== MEMORY_QUOTA_ERROR.type) return null;
  const match =
    /'?MemorySize'? value failed to satisfy constraint: Member must have value less than or equal to (\d+)/.exec(
      error.message,
    );
  return match ? Number(match[1]) : null;
}

/**
 * CreateFunction's answer while a role is not (yet) assumable by Lambda: `InvalidParameterValueException`, "The role
 * defined for the function cannot be assumed by Lambda." A role created seconds ago gets it too, until IAM's change
 * has propagated (README "Roles"; AWS documents IAM as eventually consistent).
 */
export const ROLE_NOT_ASSUMABLE_ERROR = {
  type: 'InvalidParameterValueException',
  message: 'The role defined for the function cannot be assumed by Lambda.',
} as const;

export function isRoleNotAssumable(error: { name: string; message: string }): boolean {
  return error.name === ROLE_NOT_ASSUMABLE_ERROR.type && /cannot be assumed by Lambda/.test(error.message);
}

/** The principal a function's role must trust (its trust policy's `Principal.Service`; README "Roles"). */
export const LAMBDA_SERVICE_PRINCIPAL = 'lambda.amazonaws.com';

/** At 1,769 MB a function has the equivalent of one vCPU (README "Memory and CPU"). */
export const MB_PER_VCPU = 1769;

/** The CPU share a memory size buys, in vCPUs: memory / 1,769 MB, fractional. */
export function vcpuShare(memoryMb: number): number {
  return memoryMb / MB_PER_VCPU;
}

/** The memory that buys `vcpus` vCPUs, rounded to Lambda's 1 MB step. */
export function memoryForVcpus(vcpus: number): number {
  return Math.round(vcpus * MB_PER_VCPU);
}

/**
 * Cores a function sees (`os.cpus()`, `nproc`) at each memory size, measured publicly (README "Visible cores"):
 * upper memory bound of each band, and the cores seen up to it.
 */
export const VISIBLE_CORES_TABLE: readonly { upToMb: number; cores: number }[] = [
  { upToMb: 3008, cores: 2 },
  { upToMb: 5307, cores: 3 },
  { upToMb: 7076, cores: 4 },
  { upToMb: 8845, cores: 5 },
  { upToMb: MEMORY_MB.max, cores: 6 },
];

export function visibleCores(memoryMb: number): number {
  for (const band of VISIBLE_CORES_TABLE) if (memoryMb <= band.upToMb) return band.cores;
  return VISIBLE_CORES_TABLE[VISIBLE_CORES_TABLE.length - 1]?.cores ?? 1;
}

/** The CPU quota is granted per period of this length (README "CPU quota period"). */
export const CPU_PERIOD_US = 20_000;

/**
 * INIT of an on-demand function runs with about two unthrottled vCPUs whatever its memory, measured publicly
 * (README "INIT"): the model gives INIT min(this, host cores) and the handler its memory's share from the first
 * invoke on.
 */
export const INIT_BOOST_VCPUS = 2;

/** The two ways the emulator can treat INIT's CPU: Lambda's measured boost, or the memory's own quota throughout. */
export const INIT_CPU_MODES = ['boost', 'quota'] as const;
export type InitCpuMode = (typeof INIT_CPU_MODES)[number];

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** What Lambda answers a timed-out invocation with, as `errorType` (README "Runtime API"). */
export const TIMEOUT_ERROR_TYPE = 'Sandbox.Timedout';

/**
 * A response that says the invocation timed out: `errorType: Sandbox.Timedout`, or older runtimes' "Task timed out
 * after N seconds" message. Older REPORT lines carry no `Status: timeout`, so the response must be read too.
 */
export function isTimeoutResponse(body: unknown): boolean {
  if (isRecord(body)) {
    if (body.errorType === TIMEOUT_ERROR_TYPE) return true;
    return typeof body.errorMessage === 'string' && /Task timed out after/.test(body.errorMessage);
  }
  return typeof body === 'string' && /Task timed out after/.test(body);
}

/** Function timeout in seconds (README "Limits"). */
export const TIMEOUT_S = { min: 1, max: 900, default: 3 } as const;

/** /tmp (EphemeralStorage.Size) in MB (README "Limits"). */
export const EPHEMERAL_STORAGE_MB = { min: 512, max: 10_240, default: 512 } as const;

/** Payload and package limits, in bytes (README "Limits"). */
export const LIMITS = {
  /** Request body of a synchronous invoke. */
  syncRequestBytes: 6 * 1024 * 1024,
  /** Response a function may return synchronously; the Runtime API refuses a larger one with 413. */
  syncResponseBytes: 6_291_556,
  /** Request body of an asynchronous (Event) invoke. */
  asyncRequestBytes: 1024 * 1024,
  /** Deployment package uploaded directly (zipped). */
  zippedCodeBytes: 50 * 1024 * 1024,
  /** A CreateFunction or UpdateFunctionCode request: a 50 MB package, base64, in a JSON body. */
  codeRequestBytes: 69_905_067,
  /** Deployment package once unzipped, layers included. */
  unzippedCodeBytes: 250 * 1024 * 1024,
  /** All environment variables of a function together. */
  environmentBytes: 4 * 1024,
  /** `LogType: Tail` returns the last 4 KB of the invocation's log. */
  logTailBytes: 4 * 1024,
} as const;

/** Default account concurrency: executions in flight at once across the account and region (README "Limits"). */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;

/**
 * The AWS SDK for JavaScript v3 opens at most this many sockets per client by default: wider concurrent fan-out
 * queues unless the client gets a larger agent (README "Invoke API").
 */
export const SDK_DEFAULT_MAX_SOCKETS = 50;

/**
 * Every runtime identifier the Lambda API knows (the service model's Runtime enum, botocore 1.43.11 lambda
 * service-2.json; README "Runtime"), deprecated ones included: CreateFunction refuses any other value.
 */
export const LAMBDA_RUNTIMES = [
  'nodejs',
  'nodejs4.3',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'nodejs16.x',
  'java8',
  'java8.al2',
  'java11',
  'python2.7',
  'python3.6',
  'python3.7',
  'python3.8',
  'python3.9',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'dotnetcore2.1',
  'dotnetcore3.1',
  'dotnet6',
  'dotnet8',
  'nodejs4.3-edge',
  'go1.x',
  'ruby2.5',
  'ruby2.7',
  'provided',
  'provided.al2',
  'nodejs18.x',
  'python3.10',
  'java17',
  'ruby3.2',
  'ruby3.3',
  'ruby3.4',
  'python3.11',
  'nodejs20.x',
  'provided.al2023',
  'python3.12',
  'java21',
  'python3.13',
  'nodejs22.x',
  'nodejs24.x',
  'python3.14',
  'java25',
  'dotnet10',
  'ruby4.0',
] as const;

/**
 * IAM role ARNs as CreateFunction's Role must match them: the service model's RoleArn pattern, as AWS prints it
 * (README "Roles").
 */
export const ROLE_ARN_MODEL_PATTERN = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';

/**
 * Asynchronous invocation (README "Asynchronous invocation"): a function error is retried up to twice by default
 * (MaximumRetryAttempts 0-2), the first retry about a minute after the failure and the second about two minutes
 * after that; an event older than MaximumEventAgeInSeconds (60-21600, default 21600) is dropped.
 */
export const ASYNC_RETRY = {
  maxAttempts: { min: 0, max: 2, default: 2 },
  delaysMs: [60_000, 120_000],
  maxEventAgeS: { min: 60, max: 21_600, default: 21_600 },
} as const;

/**
 * Reserved concurrency may not leave the account's unreserved pool below min(100, account concurrency)
 * (README "Limits": "decreases account's UnreservedConcurrentExecution below its minimum value of [100]" at the
 * default 1,000, of [10] on accounts limited to 10).
 */
export const MIN_UNRESERVED_CONCURRENCY = 100;

/** ClientContext: base64 JSON, at most this many bytes (README "Invoke API"). */
export const CLIENT_CONTEXT_BYTES = 3583;

/** The managed runtime the functions are deployed on, and the handler the bundle exports (README "Runtime"). */
export const RUNTIME = 'nodejs22.x';
export const HANDLER = 'index.handler';
/** `AWS_EXECUTION_ENV` as the managed runtime sets it. */
export const EXECUTION_ENV = `AWS_Lambda_${RUNTIME}`;

/** Function names: letters, digits, `-` and `_`, at most 64 characters (README "Names"). */
export const FUNCTION_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const MAX_FUNCTION_NAME_LENGTH = 64;

/** A function's default log group (LoggingConfig.LogGroup when none is configured; README "Logs"). */
export const LOG_GROUP_PREFIX = '/aws/lambda/';
export function logGroupOf(functionName: string): string {
  return `${LOG_GROUP_PREFIX}${functionName}`;
}

/**
 * Between invocations (README "Runtime API"): once the runtime has asked for its next event and none is pending,
 * Lambda freezes the whole execution environment, every process and thread in it. Work a handler left running resumes
 * only when a later invocation thaws that same environment, and is lost if Lambda shuts the environment down instead.
 *
 * Each execution environment writes one log stream, named in this variable, for its whole life (README "Logs"): with
 * a random id drawn at init it tells a caller which environment served an invocation.
 */
export const LOG_STREAM_VARIABLE = 'AWS_LAMBDA_LOG_STREAM_NAME';

/**
 * The call that retires a function's execution environments: once an UpdateFunctionConfiguration has completed
 * (LastUpdateStatus `Successful`), invocations run with the new configuration (README "Execution environments").
 * Environment variables are fixed for an environment's life, so changing one has later invocations served by new
 * environments: the old ones, and any work frozen in them, are not used again (the project's reading, not confirmed on
 * AWS). A user can do the same on any function.
 */
export const ENVIRONMENT_RECLAIM_CALL = 'UpdateFunctionConfiguration';

/** Reserved environment variable keys a function may not set (README "Runtime"). */
export const RESERVED_ENVIRONMENT_KEYS = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
] as const;

/**
 * An execution environment's one writable directory, of EphemeralStorage.Size: each environment has "a writeable /tmp
 * directory" beside its function's code and runtime, which are read-only (README "Runtime"). The docker executor
 * mounts a container's root read-only and this as a tmpfs of that size.
 */
export const WRITABLE_DIR = '/tmp';

/**
 * The Runtime Interface Emulator's invoke endpoint inside its container (README "The Runtime Interface Emulator"):
 * 0.0.0.0:8080, one path. It answers a function's own error with HTTP 200 and the runtime's error document, and no
 * `X-Amz-Function-Error` header (its handlers.go writes the runtime's answer with the runtime's status).
 */
export const RIE_INVOKE = { port: 8080, path: '/2015-03-31/functions/function/invocations' } as const;

/** Where RIE reads the function timeout it keeps: whole seconds, default 300 (README "The Runtime Interface Emulator"). */
export const RIE_TIMEOUT_VARIABLE = 'AWS_LAMBDA_FUNCTION_TIMEOUT';

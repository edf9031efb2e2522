/**
 * The checks AWS applies to a function's configuration, with AWS's own error types and messages (the Lambda service
 * model's constraints, and the messages AWS answers with; harness/lambda/README.md "Lambda API errors"). Where the
 * emulator refuses what AWS accepts (a runtime it cannot run, S3 code), it says so in its own words.
 */
import {
  EPHEMERAL_STORAGE_MB,
  LAMBDA_RUNTIMES,
  LIMITS,
  MEMORY_MB,
  RESERVED_ENVIRONMENT_KEYS,
  ROLE_ARN_MODEL_PATTERN,
  TIMEOUT_S,
} from '../../harness/lambda/platform.js';
import { isRecord } from '../../lib/guards.js';
import { ApiError, invalid, validationError } from './api-error.js';

/** An integer field within [min, max], refused with AWS's constraint messages. */
export const between = (min: number, max: number) => (value: unknown, field: string) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw validationError(field, value, `Member must have value greater than or equal to ${min}`);
  }
  if (value > max) throw validationError(field, value, `Member must have value less than or equal to ${max}`);
  return value;
};

export const checkMemory = (value: unknown) => between(MEMORY_MB.min, MEMORY_MB.max)(value, 'memorySize');
export const checkTimeout = (value: unknown) => between(TIMEOUT_S.min, TIMEOUT_S.max)(value, 'timeout');

/** Node.js runtimes the emulator can run: the ones the host's Node stands in for (nodejs18.x and later). */
function runnable(runtime: string): boolean {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  return m !== null && Number(m[1]) >= 18;
}

export function checkRuntime(value: unknown): string {
  const runtime = String(value);
  if (!(LAMBDA_RUNTIMES as readonly string[]).includes(runtime)) {
    throw invalid(
      `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${LAMBDA_RUNTIMES.join(', ')}] or be a valid ARN`,
    );
  }
  if (!runnable(runtime)) {
    throw invalid(
      `The local emulator runs Node.js functions only (nodejs18.x and later): ${runtime} is a Lambda runtime it cannot run.`,
    );
  }
  return runtime;
}

export function checkRole(value: unknown): string {
  if (typeof value !== 'string' || !new RegExp(`^${ROLE_ARN_MODEL_PATTERN}$`).test(value)) {
    throw validationError('role', value, `Member must satisfy regular expression pattern: ${ROLE_ARN_MODEL_PATTERN}`);
  }
  return value;
}

export function checkHandler(value: unknown): string {
  if (typeof value !== 'string' || !/^[^\s]+$/.test(value)) {
    throw validationError('handler', value, 'Member must satisfy regular expression pattern: [^\\s]+');
  }
  if (value.length > 128) throw validationError('handler', value, 'Member must have length less than or equal to 128');
  return value;
}

export function checkDescription(value: unknown): string {
  if (typeof value !== 'string') throw serializationError('Description');
  if (value.length > 256) {
    throw validationError('description', value, 'Member must have length less than or equal to 256');
  }
  return value;
}

export function checkArchitectures(value: unknown): string[] {
  if (!Array.isArray(value) || value.length !== 1) {
    throw validationError(
      'architectures',
      JSON.stringify(value),
      'Member must have length less than or equal to 1, Member must have length greater than or equal to 1',
    );
  }
  if (!['x86_64', 'arm64'].includes(String(value[0]))) {
    throw validationError(
      'architectures',
      `[${value.join(', ')}]`,
      'Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]',
    );
  }
  return [String(value[0])];
}

/** A value of the wrong JSON type, refused as AWS's JSON protocol refuses it. */
function serializationError(field: string): ApiError {
  return new ApiError(400, 'SerializationException', `Unexpected value type for ${field}`);
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (!isRecord(value)) throw serializationError(field);
  for (const v of Object.values(value)) if (typeof v !== 'string') throw serializationError(field);
  return value as Record<string, string>;
}

export function checkEnvironment(value: unknown): Record<string, string> {
  if (value === null) return {};
  if (!isRecord(value)) throw serializationError('Environment');
  const vars = value.Variables === undefined ? {} : stringMap(value.Variables, 'Environment.Variables');
  const badKey = Object.keys(vars).find((k) => !/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k));
  if (badKey !== undefined) {
    throw validationError(
      'environment.variables',
      JSON.stringify(vars),
      'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]',
    );
  }
  const reserved = Object.keys(vars).filter((k) => (RESERVED_ENVIRONMENT_KEYS as readonly string[]).includes(k));
  if (reserved.length > 0) {
    throw invalid(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > LIMITS.environmentBytes) {
    throw invalid(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
  return { ...vars };
}

export function checkLogFormat(value: unknown): 'Text' | 'JSON' | undefined {
  if (!isRecord(value)) throw serializationError('LoggingConfig');
  const format = value.LogFormat;
  if (format === undefined) return undefined;
  if (format !== 'Text' && format !== 'JSON') {
    throw validationError('loggingConfig.logFormat', format, 'Member must satisfy enum value set: [Text, JSON]');
  }
  return format;
}

export function checkEphemeralStorage(value: unknown): number {
  if (!isRecord(value)) throw serializationError('EphemeralStorage');
  return between(EPHEMERAL_STORAGE_MB.min, EPHEMERAL_STORAGE_MB.max)(value.Size, 'ephemeralStorage.size');
}

export function checkTags(value: unknown): Record<string, string> {
  return { ...stringMap(value, 'Tags') };
}

/** Keys the emulator reads from a CreateFunction or UpdateFunctionConfiguration body but cannot honour. */
export function refuseUnsupported(input: Record<string, unknown>): void {
  if (input.PackageType === 'Image') throw invalid('PackageType Image: the local emulator runs zip packages only.');
  for (const key of ['Layers', 'VpcConfig', 'FileSystemConfigs', 'ImageConfig', 'KMSKeyArn', 'CodeSigningConfigArn']) {
    if (!isEmpty(input[key])) throw invalid(`${key}: the local emulator does not support it; leave it out.`);
  }
}

/** Nothing asked for: absent, empty, or a structure of empty values (tools send `VpcConfig: { SubnetIds: [] }`). */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.values(value).every(isEmpty);
}

/**
 * The function registry: configuration as the Lambda API shows it, validated as AWS validates it, code unzipped once
 * per CodeSha256, tags, and the State / LastUpdateStatus transitions the SDK waiters poll for.
 */
import { randomUUID } from 'node:crypto';
import {
  EPHEMERAL_STORAGE_MB,
  LIMITS,
  logGroupOf,
  MEMORY_MB,
  RUNTIME,
  TIMEOUT_S,
} from '../../harness/lambda/platform.js';
import { isRecord } from '../../lib/guards.js';
import { conflict, invalid, notFound, requestTooLarge, validationError } from './api-error.js';
import { CodeStore } from './code-store.js';

/**
 * A deployment package of 50 MB, base64 in a JSON body: AWS refuses a CreateFunction or UpdateFunctionCode request
 * larger than this (harness/lambda/README.md "Limits").
 */
export const CODE_REQUEST_BYTES = 69_905_067;

export const ACCOUNT_ID = '000000000000';
// How long a create or update stays Pending / InProgress: long enough for a waiter to see it, short for a sweep.
const TRANSITION_MS = 150;

export interface FunctionRecord {
  name: string;
  arn: string;
  runtime: string;
  handler: string;
  role: string;
  description: string;
  memorySize: number;
  timeout: number;
  environment: Record<string, string>;
  architectures: string[];
  logFormat: 'Text' | 'JSON';
  /** EphemeralStorage.Size: /tmp in MB. */
  ephemeralStorageMb: number;
  tags: Record<string, string>;
  codeSha256: string;
  codeSize: number;
  codeDir: string;
  lastModified: string;
  revisionId: string;
  state: 'Pending' | 'Active' | 'Inactive' | 'Failed';
  lastUpdateStatus: 'InProgress' | 'Successful' | 'Failed';
  /** Bumped by every configuration or code update: environments of an older generation are retired. */
  generation: number;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]*:\d{12}:function:([a-zA-Z0-9_-]{1,64})(:(\$LATEST|[a-zA-Z0-9_-]+))?$/;

/** FunctionName as the API takes it: a name, a partial ARN (`123456789012:function:name`) or a full ARN. */
export function functionNameOf(input: unknown): string {
  const text = typeof input === 'string' ? decodeURIComponent(input) : '';
  if (NAME.test(text)) return text;
  const full = ARN.exec(text);
  if (full?.[1]) return full[1];
  const partial = /^\d{12}:function:([a-zA-Z0-9_-]{1,64})$/.exec(text);
  if (partial?.[1]) return partial[1];
  throw validationError(
    'functionName',
    text,
    'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
  );
}

function checkMemory(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MEMORY_MB.min || value > MEMORY_MB.max) {
    throw validationError('memorySize', value, `Member must have value between ${MEMORY_MB.min} and ${MEMORY_MB.max}`);
  }
  return value;
}

function checkTimeout(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < TIMEOUT_S.min || value > TIMEOUT_S.max) {
    throw validationError('timeout', value, `Member must have value between ${TIMEOUT_S.min} and ${TIMEOUT_S.max}`);
  }
  return value;
}

function checkRuntime(value: unknown): string {
  if (typeof value !== 'string' || !/^nodejs\d+\.x$/.test(value)) {
    throw invalid(
      `The runtime parameter of ${String(value)} is not supported by the local emulator: use a nodejs runtime such as ${RUNTIME}.`,
    );
  }
  return value;
}

function checkHandler(value: unknown): string {
  if (typeof value !== 'string' || !/^[^\s]+\.[^\s.]+$/.test(value) || value.length > 128) {
    throw validationError('handler', value, 'Member must satisfy regular expression pattern: [^\\s]+');
  }
  return value;
}

function checkArchitectures(value: unknown): string[] {
  if (value === undefined) return ['x86_64'];
  if (!Array.isArray(value) || value.length !== 1 || !['x86_64', 'arm64'].includes(String(value[0]))) {
    throw validationError(
      'architectures',
      JSON.stringify(value),
      'Member must have length 1 and be one of [x86_64, arm64]',
    );
  }
  return [String(value[0])];
}

function checkEnvironment(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const vars = (value as { Variables?: unknown }).Variables ?? {};
  if (typeof vars !== 'object' || vars === null) throw invalid('Environment.Variables must be a map of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k)) throw invalid(`Environment variable name ${k} is invalid`);
    out[k] = String(v);
  }
  return out;
}

function checkLogFormat(value: unknown): 'Text' | 'JSON' | undefined {
  const format = (value as { LogFormat?: unknown } | undefined)?.LogFormat;
  if (format === undefined) return undefined;
  if (format !== 'Text' && format !== 'JSON')
    throw validationError('loggingConfig.logFormat', format, 'Member must satisfy enum value set: [Text, JSON]');
  return format;
}

function checkEphemeralStorage(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const size = isRecord(value) ? value.Size : undefined;
  if (
    typeof size !== 'number' ||
    !Number.isInteger(size) ||
    size < EPHEMERAL_STORAGE_MB.min ||
    size > EPHEMERAL_STORAGE_MB.max
  ) {
    throw validationError(
      'ephemeralStorage.size',
      size,
      `Member must have value less than or equal to ${EPHEMERAL_STORAGE_MB.max}`,
    );
  }
  return size;
}

function checkTags(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw invalid('Tags must be a map of strings');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

export class FunctionRegistry {
  private readonly functions = new Map<string, FunctionRecord>();

  private readonly code: CodeStore;

  constructor(
    private readonly region: string,
    codeRoot: string,
    private readonly onRetire: (fn: FunctionRecord) => void,
  ) {
    this.code = new CodeStore(codeRoot);
  }

  arnOf(name: string): string {
    return `arn:aws:lambda:${this.region}:${ACCOUNT_ID}:function:${name}`;
  }

  get(nameOrArn: unknown): FunctionRecord {
    const name = functionNameOf(nameOrArn);
    const fn = this.functions.get(name);
    if (!fn) throw notFound(`Function not found: ${this.arnOf(name)}`);
    return fn;
  }

  list(): FunctionRecord[] {
    return [...this.functions.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The zip of a Code.ZipFile (or UpdateFunctionCode's ZipFile); S3 and image code are refused with a clear message. */
  private zipOf(code: unknown): Buffer {
    const c = isRecord(code) ? code : {};
    if (c.S3Bucket !== undefined || c.S3Key !== undefined) {
      throw invalid('Code.S3Bucket/S3Key: the local emulator does not reach S3; pass the zip itself as Code.ZipFile.');
    }
    if (c.ImageUri !== undefined)
      throw invalid('Code.ImageUri: the local emulator runs zip packages only; pass Code.ZipFile.');
    if (typeof c.ZipFile !== 'string' || c.ZipFile.length === 0) throw invalid('Uploaded file must be a non-empty zip');
    const zip = Buffer.from(c.ZipFile, 'base64');
    if (zip.length > LIMITS.zippedCodeBytes) throw requestTooLarge('CreateFunction', CODE_REQUEST_BYTES);
    return zip;
  }

  private transition(apply: () => void): void {
    setTimeout(apply, TRANSITION_MS).unref();
  }

  async create(input: Record<string, unknown>): Promise<FunctionRecord> {
    const name = functionNameOf(input.FunctionName);
    if (this.functions.has(name)) throw conflict(`Function already exist: ${name}`);
    if (typeof input.Role !== 'string' || input.Role.length === 0) {
      throw invalid('The role defined for the function cannot be assumed by Lambda.');
    }
    if (input.PackageType === 'Image') throw invalid('PackageType Image: the local emulator runs zip packages only.');
    const runtime = checkRuntime(input.Runtime);
    const handler = checkHandler(input.Handler);
    const memorySize = input.MemorySize === undefined ? MEMORY_MB.default : checkMemory(input.MemorySize);
    const timeout = input.Timeout === undefined ? TIMEOUT_S.default : checkTimeout(input.Timeout);
    const architectures = checkArchitectures(input.Architectures);
    const environment = checkEnvironment(input.Environment);
    const logFormat = checkLogFormat(input.LoggingConfig) ?? 'Text';
    const ephemeralStorageMb = checkEphemeralStorage(input.EphemeralStorage) ?? EPHEMERAL_STORAGE_MB.default;
    const tags = checkTags(input.Tags);
    const code = await this.code.store(this.zipOf(input.Code));
    if (this.functions.has(name)) {
      // Created by another request while this one unzipped.
      this.code.release(code.dir);
      throw conflict(`Function already exist: ${name}`);
    }
    const fn: FunctionRecord = {
      name,
      arn: this.arnOf(name),
      runtime,
      handler,
      role: input.Role,
      description: typeof input.Description === 'string' ? input.Description : '',
      memorySize,
      timeout,
      environment,
      architectures,
      logFormat,
      ephemeralStorageMb,
      tags,
      codeSha256: code.sha256,
      codeSize: code.size,
      codeDir: code.dir,
      lastModified: new Date().toISOString().replace('Z', '+0000'),
      revisionId: randomUUID(),
      state: 'Pending',
      lastUpdateStatus: 'Successful',
      generation: 1,
    };
    this.functions.set(name, fn);
    this.transition(() => {
      fn.state = 'Active';
    });
    return fn;
  }

  private beginUpdate(fn: FunctionRecord): void {
    if (fn.state === 'Pending' || fn.lastUpdateStatus === 'InProgress') {
      throw conflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`,
      );
    }
  }

  private finishUpdate(fn: FunctionRecord): void {
    fn.generation += 1;
    fn.revisionId = randomUUID();
    fn.lastModified = new Date().toISOString().replace('Z', '+0000');
    fn.lastUpdateStatus = 'InProgress';
    this.onRetire(fn);
    this.transition(() => {
      fn.lastUpdateStatus = 'Successful';
    });
  }

  updateConfiguration(nameOrArn: unknown, input: Record<string, unknown>): FunctionRecord {
    const fn = this.get(nameOrArn);
    this.beginUpdate(fn);
    const next = {
      runtime: input.Runtime === undefined ? fn.runtime : checkRuntime(input.Runtime),
      handler: input.Handler === undefined ? fn.handler : checkHandler(input.Handler),
      memorySize: input.MemorySize === undefined ? fn.memorySize : checkMemory(input.MemorySize),
      timeout: input.Timeout === undefined ? fn.timeout : checkTimeout(input.Timeout),
      environment: input.Environment === undefined ? fn.environment : checkEnvironment(input.Environment),
      logFormat: checkLogFormat(input.LoggingConfig) ?? fn.logFormat,
      ephemeralStorageMb: checkEphemeralStorage(input.EphemeralStorage) ?? fn.ephemeralStorageMb,
    };
    Object.assign(fn, next);
    if (typeof input.Role === 'string') fn.role = input.Role;
    if (typeof input.Description === 'string') fn.description = input.Description;
    this.finishUpdate(fn);
    return fn;
  }

  async updateCode(nameOrArn: unknown, input: Record<string, unknown>): Promise<FunctionRecord> {
    const fn = this.get(nameOrArn);
    this.beginUpdate(fn);
    const code = await this.code.store(this.zipOf(input));
    if (input.Architectures !== undefined) fn.architectures = checkArchitectures(input.Architectures);
    this.code.release(fn.codeDir);
    fn.codeSha256 = code.sha256;
    fn.codeSize = code.size;
    fn.codeDir = code.dir;
    this.finishUpdate(fn);
    return fn;
  }

  delete(nameOrArn: unknown): FunctionRecord {
    const fn = this.get(nameOrArn);
    this.functions.delete(fn.name);
    this.onRetire(fn);
    this.code.release(fn.codeDir);
    return fn;
  }

  /** Tag APIs take the function's ARN. */
  byArn(arn: unknown): FunctionRecord {
    const text = typeof arn === 'string' ? decodeURIComponent(arn) : '';
    if (!ARN.test(text))
      throw validationError(
        'resource',
        text,
        'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:...',
      );
    return this.get(text);
  }

  configuration(fn: FunctionRecord): Record<string, unknown> {
    return {
      FunctionName: fn.name,
      FunctionArn: fn.arn,
      Runtime: fn.runtime,
      Role: fn.role,
      Handler: fn.handler,
      CodeSize: fn.codeSize,
      Description: fn.description,
      Timeout: fn.timeout,
      MemorySize: fn.memorySize,
      LastModified: fn.lastModified,
      CodeSha256: fn.codeSha256,
      Version: '$LATEST',
      Environment: { Variables: fn.environment },
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: fn.revisionId,
      State: fn.state,
      ...(fn.state === 'Pending' ? { StateReason: 'The function is being created.', StateReasonCode: 'Creating' } : {}),
      LastUpdateStatus: fn.lastUpdateStatus,
      ...(fn.lastUpdateStatus === 'InProgress'
        ? { LastUpdateStatusReason: 'The function is being updated.', LastUpdateStatusReasonCode: 'InProgress' }
        : {}),
      PackageType: 'Zip',
      Architectures: fn.architectures,
      EphemeralStorage: { Size: fn.ephemeralStorageMb },
      LoggingConfig: { LogFormat: fn.logFormat, LogGroup: logGroupOf(fn.name) },
    };
  }
}

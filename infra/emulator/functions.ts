/**
 * The function registry: each function's $LATEST configuration as the Lambda API shows it (validated as AWS validates
 * it, validation.ts), its code (code-store.ts), published versions, aliases, reserved concurrency, asynchronous
 * invocation settings and tags, and the State / LastUpdateStatus transitions the SDK waiters poll for. Qualifiers
 * (`name:1`, `name:alias`, the Qualifier parameter) resolve to a version's configuration as on AWS.
 */
import { randomUUID } from 'node:crypto';
import {
  ASYNC_RETRY,
  EPHEMERAL_STORAGE_MB,
  LIMITS,
  logGroupOf,
  MEMORY_MB,
  MIN_UNRESERVED_CONCURRENCY,
  TIMEOUT_S,
} from '../../harness/lambda/platform.js';
import { isRecord } from '../../lib/guards.js';
import { conflict, invalid, notFound, preconditionFailed, requestTooLarge, validationError } from './api-error.js';
import { CodeStore } from './code-store.js';
import { checkAliasName, type FunctionRef, isVersionNumber, parseFunctionName } from './function-names.js';
import {
  between,
  checkArchitectures,
  checkDescription,
  checkEnvironment,
  checkEphemeralStorage,
  checkHandler,
  checkLogFormat,
  checkMemory,
  checkRole,
  checkRuntime,
  checkTags,
  checkTimeout,
  refuseUnsupported,
} from './validation.js';

export const ACCOUNT_ID = '000000000000';
// How long a create or update stays Pending / InProgress: long enough for a waiter to see it, short for a sweep.
const TRANSITION_MS = 150;

/** AWS refuses a CreateFunction or UpdateFunctionCode request larger than this (harness/lambda/README.md "Limits"). */
export const CODE_REQUEST_BYTES = LIMITS.codeRequestBytes;

/** What a version fixes: the configuration and code an invocation of it runs with. */
export interface FunctionConfig {
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
  codeSha256: string;
  codeSize: number;
  codeDir: string;
  lastModified: string;
  revisionId: string;
}

export interface VersionRecord extends FunctionConfig {
  /** "1", "2", ... */
  version: string;
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  revisionId: string;
  /** AdditionalVersionWeights: another version and the share of invocations it gets. */
  weights: Record<string, number>;
}

export interface EventInvokeConfig {
  maximumRetryAttempts: number | null;
  maximumEventAgeS: number | null;
  /** Epoch seconds. */
  lastModified: number;
}

export interface FunctionRecord extends FunctionConfig {
  name: string;
  arn: string;
  tags: Record<string, string>;
  state: 'Pending' | 'Active' | 'Inactive' | 'Failed';
  lastUpdateStatus: 'InProgress' | 'Successful' | 'Failed';
  /** Bumped by every configuration or code update: environments of an older $LATEST are retired. */
  generation: number;
  versions: Map<string, VersionRecord>;
  nextVersion: number;
  /** The generation of $LATEST the newest version was published from: publishing again without a change is a no-op. */
  publishedGeneration: number | null;
  aliases: Map<string, AliasRecord>;
  reservedConcurrency: number | null;
  /** Per qualifier (`$LATEST`, a version or an alias). */
  eventInvokeConfigs: Map<string, EventInvokeConfig>;
}

/** A function as one invocation or read sees it: a version's configuration, named as the caller named it. */
export interface Resolved {
  fn: FunctionRecord;
  /** `$LATEST` or a version number: what runs (ExecutedVersion). */
  version: string;
  config: FunctionConfig;
  /** As given (alias, version, `$LATEST`), null when none. */
  qualifier: string | null;
}

const now = () => new Date().toISOString().replace('Z', '+0000');

function snapshot(fn: FunctionRecord): FunctionConfig {
  const { runtime, handler, role, description, memorySize, timeout, environment, architectures, logFormat } = fn;
  const { ephemeralStorageMb, codeSha256, codeSize, codeDir, lastModified } = fn;
  return {
    ...{ runtime, handler, role, description, memorySize, timeout, environment, architectures, logFormat },
    ...{ ephemeralStorageMb, codeSha256, codeSize, codeDir, lastModified, revisionId: randomUUID() },
  };
}

export class FunctionRegistry {
  private readonly functions = new Map<string, FunctionRecord>();
  private readonly code: CodeStore;

  constructor(
    private readonly region: string,
    codeRoot: string,
    /** Environments of this function (of one version, or of all when null) must go: their code or config changed. */
    private readonly onRetire: (fn: FunctionRecord, version: string | null) => void,
  ) {
    this.code = new CodeStore(codeRoot);
  }

  arnOf(name: string, qualifier: string | null = null): string {
    return `arn:aws:lambda:${this.region}:${ACCOUNT_ID}:function:${name}${qualifier === null ? '' : `:${qualifier}`}`;
  }

  /** The function itself, whatever qualifier the name carries. */
  get(nameOrArn: unknown): FunctionRecord {
    return this.byRef(parseFunctionName(nameOrArn));
  }

  private byRef(ref: FunctionRef): FunctionRecord {
    const fn = this.functions.get(ref.name);
    if (!fn) throw notFound(`Function not found: ${this.arnOf(ref.name, ref.qualifier)}`);
    return fn;
  }

  /** The version a (possibly qualified) name and Qualifier parameter designate. */
  resolve(nameOrArn: unknown, qualifierParam?: string | null): Resolved {
    const ref = parseFunctionName(nameOrArn, qualifierParam);
    const fn = this.byRef(ref);
    const q = ref.qualifier;
    if (q === null || q === '$LATEST') return { fn, version: '$LATEST', config: fn, qualifier: q };
    const alias = fn.aliases.get(q);
    const version = alias ? alias.functionVersion : q;
    const config = version === '$LATEST' ? fn : fn.versions.get(version);
    if (!config) throw notFound(`Function not found: ${this.arnOf(fn.name, q)}`);
    return { fn, version, config, qualifier: q };
  }

  /** Functions by name: the order ListFunctions pages in. */
  list(): FunctionRecord[] {
    return [...this.functions.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The zip of a Code.ZipFile (or UpdateFunctionCode's ZipFile); S3 and image code are refused with a clear message. */
  private zipOf(code: unknown, operation: string): Buffer {
    const c = isRecord(code) ? code : {};
    if (c.S3Bucket !== undefined || c.S3Key !== undefined) {
      throw invalid('Code.S3Bucket/S3Key: the local emulator does not reach S3; pass the zip itself as Code.ZipFile.');
    }
    if (c.ImageUri !== undefined) {
      throw invalid('Code.ImageUri: the local emulator runs zip packages only; pass Code.ZipFile.');
    }
    if (typeof c.ZipFile !== 'string' || c.ZipFile.length === 0) throw invalid('Uploaded file must be a non-empty zip');
    const zip = Buffer.from(c.ZipFile, 'base64');
    if (zip.length > LIMITS.zippedCodeBytes) throw requestTooLarge(operation, CODE_REQUEST_BYTES);
    return zip;
  }

  private transition(apply: () => void): void {
    setTimeout(apply, TRANSITION_MS).unref();
  }

  /** CreateFunction's configuration, validated before any code is unzipped. */
  private newConfig(input: Record<string, unknown>): Omit<FunctionConfig, 'codeSha256' | 'codeSize' | 'codeDir'> {
    refuseUnsupported(input);
    return {
      role: checkRole(input.Role),
      runtime: checkRuntime(input.Runtime),
      handler: checkHandler(input.Handler),
      description: input.Description === undefined ? '' : checkDescription(input.Description),
      memorySize: input.MemorySize === undefined ? MEMORY_MB.default : checkMemory(input.MemorySize),
      timeout: input.Timeout === undefined ? TIMEOUT_S.default : checkTimeout(input.Timeout),
      architectures: input.Architectures === undefined ? ['x86_64'] : checkArchitectures(input.Architectures),
      environment: input.Environment === undefined ? {} : checkEnvironment(input.Environment),
      logFormat: (input.LoggingConfig === undefined ? undefined : checkLogFormat(input.LoggingConfig)) ?? 'Text',
      ephemeralStorageMb:
        input.EphemeralStorage === undefined
          ? EPHEMERAL_STORAGE_MB.default
          : checkEphemeralStorage(input.EphemeralStorage),
      lastModified: now(),
      revisionId: randomUUID(),
    };
  }

  async create(input: Record<string, unknown>): Promise<{ fn: FunctionRecord; published: VersionRecord | null }> {
    const { name, qualifier } = parseFunctionName(input.FunctionName);
    if (qualifier !== null) throw invalid('FunctionName: a function is created without a qualifier.');
    if (this.functions.has(name)) throw conflict(`Function already exist: ${name}`);
    const config = this.newConfig(input);
    const tags = input.Tags === undefined ? {} : checkTags(input.Tags);
    const code = await this.code.store(this.zipOf(input.Code, 'CreateFunction'));
    if (this.functions.has(name)) {
      // Created by another request while this one unzipped.
      this.code.release(code.dir);
      throw conflict(`Function already exist: ${name}`);
    }
    const fn: FunctionRecord = {
      ...config,
      codeSha256: code.sha256,
      codeSize: code.size,
      codeDir: code.dir,
      name,
      arn: this.arnOf(name),
      tags,
      state: 'Pending',
      lastUpdateStatus: 'Successful',
      generation: 1,
      versions: new Map(),
      nextVersion: 1,
      publishedGeneration: null,
      aliases: new Map(),
      reservedConcurrency: null,
      eventInvokeConfigs: new Map(),
    };
    this.functions.set(name, fn);
    this.transition(() => {
      fn.state = 'Active';
    });
    return { fn, published: input.Publish === true ? this.publish(fn, {}) : null };
  }

  private beginUpdate(fn: FunctionRecord, revisionId: unknown): void {
    if (fn.state === 'Pending' || fn.lastUpdateStatus === 'InProgress') {
      throw conflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`,
      );
    }
    if (revisionId !== undefined && revisionId !== fn.revisionId) throw preconditionFailed();
  }

  private finishUpdate(fn: FunctionRecord): void {
    fn.generation += 1;
    fn.revisionId = randomUUID();
    fn.lastModified = now();
    fn.lastUpdateStatus = 'InProgress';
    this.onRetire(fn, '$LATEST');
    this.transition(() => {
      fn.lastUpdateStatus = 'Successful';
    });
  }

  updateConfiguration(nameOrArn: unknown, input: Record<string, unknown>): FunctionRecord {
    const fn = this.get(nameOrArn);
    this.beginUpdate(fn, input.RevisionId);
    refuseUnsupported(input);
    const next: Partial<FunctionConfig> = {};
    if (input.Role !== undefined) next.role = checkRole(input.Role);
    if (input.Runtime !== undefined) next.runtime = checkRuntime(input.Runtime);
    if (input.Handler !== undefined) next.handler = checkHandler(input.Handler);
    if (input.Description !== undefined) next.description = checkDescription(input.Description);
    if (input.MemorySize !== undefined) next.memorySize = checkMemory(input.MemorySize);
    if (input.Timeout !== undefined) next.timeout = checkTimeout(input.Timeout);
    if (input.Environment !== undefined) next.environment = checkEnvironment(input.Environment);
    if (input.LoggingConfig !== undefined) next.logFormat = checkLogFormat(input.LoggingConfig) ?? fn.logFormat;
    if (input.EphemeralStorage !== undefined) next.ephemeralStorageMb = checkEphemeralStorage(input.EphemeralStorage);
    Object.assign(fn, next);
    this.finishUpdate(fn);
    return fn;
  }

  /** UpdateFunctionCode: DryRun validates the package (limits included) and changes nothing; Publish publishes. */
  async updateCode(
    nameOrArn: unknown,
    input: Record<string, unknown>,
  ): Promise<{ fn: FunctionRecord; published: VersionRecord | null; dryRun: FunctionConfig | null }> {
    const fn = this.get(nameOrArn);
    this.beginUpdate(fn, input.RevisionId);
    const zip = this.zipOf(input, 'UpdateFunctionCode');
    const architectures =
      input.Architectures === undefined ? fn.architectures : checkArchitectures(input.Architectures);
    if (input.DryRun === true) {
      const checked = await this.code.check(zip);
      return {
        fn,
        published: null,
        dryRun: { ...fn, architectures, codeSha256: checked.sha256, codeSize: checked.size },
      };
    }
    const code = await this.code.store(zip);
    this.code.release(fn.codeDir);
    Object.assign(fn, { architectures, codeSha256: code.sha256, codeSize: code.size, codeDir: code.dir });
    this.finishUpdate(fn);
    return { fn, published: input.Publish === true ? this.publish(fn, {}) : null, dryRun: null };
  }

  /** PublishVersion (also Publish on create and code updates): a snapshot of $LATEST, once per change. */
  publish(fn: FunctionRecord, input: Record<string, unknown>): VersionRecord {
    if (input.RevisionId !== undefined && input.RevisionId !== fn.revisionId) throw preconditionFailed();
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== fn.codeSha256) {
      throw invalid(
        `CodeSHA256 (${String(input.CodeSha256)}) is different from current CodeSHA256 in $LATEST (${fn.codeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    const last = fn.versions.get(String(fn.nextVersion - 1));
    if (last && fn.publishedGeneration === fn.generation) return last;
    const version: VersionRecord = { ...snapshot(fn), version: String(fn.nextVersion) };
    if (typeof input.Description === 'string') version.description = checkDescription(input.Description);
    this.code.retain(version.codeDir);
    fn.versions.set(version.version, version);
    fn.nextVersion += 1;
    fn.publishedGeneration = fn.generation;
    return version;
  }

  /** DeleteFunction: the whole function, or with a qualifier one version (never $LATEST, never through an alias). */
  delete(nameOrArn: unknown, qualifierParam: string | null): void {
    const ref = parseFunctionName(nameOrArn, qualifierParam);
    const fn = this.byRef({ name: ref.name, qualifier: null });
    if (ref.qualifier === null) {
      this.functions.delete(fn.name);
      this.onRetire(fn, null);
      this.code.release(fn.codeDir);
      for (const v of fn.versions.values()) this.code.release(v.codeDir);
      return;
    }
    if (ref.qualifier === '$LATEST') throw invalid('$LATEST version cannot be deleted without deleting the function.');
    const q = ref.qualifier;
    if (!isVersionNumber(q)) throw invalid('Deletion of aliases is not supported.');
    const version = fn.versions.get(q);
    if (!version) throw notFound(`Function not found: ${this.arnOf(fn.name, q)}`);
    const users = [...fn.aliases.values()].filter((a) => a.functionVersion === q || q in a.weights);
    if (users.length > 0) {
      throw conflict(
        `Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`,
      );
    }
    fn.versions.delete(q);
    fn.eventInvokeConfigs.delete(q);
    this.onRetire(fn, q);
    this.code.release(version.codeDir);
  }

  // ---------- aliases ----------

  private checkTarget(fn: FunctionRecord, version: unknown): string {
    const v = String(version);
    if (!/^(\$LATEST|[0-9]+)$/.test(v)) {
      throw validationError('functionVersion', v, 'Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)');
    }
    if (v !== '$LATEST' && !fn.versions.has(v)) throw notFound(`Function not found: ${this.arnOf(fn.name, v)}`);
    return v;
  }

  private checkWeights(fn: FunctionRecord, target: string, routing: unknown): Record<string, number> {
    const weights =
      isRecord(routing) && isRecord(routing.AdditionalVersionWeights) ? routing.AdditionalVersionWeights : {};
    const entries = Object.entries(weights);
    if (entries.length > 1) throw invalid('Number of items in AdditionalVersionWeights cannot be greater than 1');
    for (const [version, weight] of entries) {
      if (typeof weight !== 'number' || weight < 0 || weight > 1) {
        throw validationError(
          'routingConfig.additionalVersionWeights',
          `{${version}=${String(weight)}}`,
          'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]',
        );
      }
      if (target === '$LATEST') throw invalid('$LATEST is not supported for an alias pointing to more than 1 version');
      if (version === target) {
        throw invalid(
          `Invalid function version ${target}. Function version ${target} is already included in routing configuration.`,
        );
      }
      this.checkTarget(fn, version);
    }
    return Object.fromEntries(entries) as Record<string, number>;
  }

  createAlias(nameOrArn: unknown, input: Record<string, unknown>): AliasRecord {
    const fn = this.get(nameOrArn);
    const name = checkAliasName(input.Name);
    const functionVersion = this.checkTarget(fn, input.FunctionVersion);
    if (fn.aliases.has(name)) throw conflict(`Alias already exists: ${this.arnOf(fn.name, name)}`);
    const alias: AliasRecord = {
      name,
      functionVersion,
      description: input.Description === undefined ? '' : checkDescription(input.Description),
      revisionId: randomUUID(),
      weights: this.checkWeights(fn, functionVersion, input.RoutingConfig),
    };
    fn.aliases.set(name, alias);
    return alias;
  }

  getAlias(nameOrArn: unknown, aliasName: unknown): AliasRecord {
    const fn = this.get(nameOrArn);
    const name = checkAliasName(aliasName);
    const alias = fn.aliases.get(name);
    if (!alias) throw notFound(`Cannot find alias arn: ${this.arnOf(fn.name, name)}`);
    return alias;
  }

  updateAlias(nameOrArn: unknown, aliasName: unknown, input: Record<string, unknown>): AliasRecord {
    const fn = this.get(nameOrArn);
    const alias = this.getAlias(nameOrArn, aliasName);
    if (input.RevisionId !== undefined && input.RevisionId !== alias.revisionId) throw preconditionFailed();
    const target =
      input.FunctionVersion === undefined ? alias.functionVersion : this.checkTarget(fn, input.FunctionVersion);
    const weights =
      input.RoutingConfig === undefined ? alias.weights : this.checkWeights(fn, target, input.RoutingConfig);
    if (input.Description !== undefined) alias.description = checkDescription(input.Description);
    Object.assign(alias, { functionVersion: target, weights, revisionId: randomUUID() });
    return alias;
  }

  /** DeleteAlias: idempotent, as the service model has it (no ResourceNotFoundException among its errors). */
  deleteAlias(nameOrArn: unknown, aliasName: unknown): void {
    const fn = this.get(nameOrArn);
    const name = checkAliasName(aliasName);
    fn.aliases.delete(name);
    fn.eventInvokeConfigs.delete(name);
  }

  aliasConfiguration(fn: FunctionRecord, alias: AliasRecord): Record<string, unknown> {
    return {
      AliasArn: this.arnOf(fn.name, alias.name),
      Name: alias.name,
      FunctionVersion: alias.functionVersion,
      Description: alias.description,
      RevisionId: alias.revisionId,
      ...(Object.keys(alias.weights).length > 0 ? { RoutingConfig: { AdditionalVersionWeights: alias.weights } } : {}),
    };
  }

  // ---------- concurrency and asynchronous invocation ----------

  reservedSum(except?: FunctionRecord): number {
    let sum = 0;
    for (const fn of this.functions.values()) if (fn !== except) sum += fn.reservedConcurrency ?? 0;
    return sum;
  }

  putConcurrency(nameOrArn: unknown, value: unknown, accountConcurrency: number): number {
    const fn = this.get(nameOrArn);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw validationError('reservedConcurrentExecutions', value, 'Member must have value greater than or equal to 0');
    }
    const minimum = Math.min(MIN_UNRESERVED_CONCURRENCY, accountConcurrency);
    if (accountConcurrency - this.reservedSum(fn) - value < minimum) {
      throw invalid(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`,
      );
    }
    fn.reservedConcurrency = value;
    return value;
  }

  putEventInvokeConfig(resolved: Resolved, input: Record<string, unknown>, merge: boolean): EventInvokeConfig {
    const key = resolved.qualifier ?? '$LATEST';
    const old = resolved.fn.eventInvokeConfigs.get(key);
    if (merge && !old)
      throw notFound(`The function ${this.arnOf(resolved.fn.name, key)} doesn't have an EventInvokeConfig`);
    if (input.DestinationConfig !== undefined && input.DestinationConfig !== null) {
      throw invalid('DestinationConfig: the local emulator does not deliver invocation records to destinations.');
    }
    if (input.MaximumRetryAttempts === undefined && input.MaximumEventAgeInSeconds === undefined) {
      throw invalid('You must specify at least one of error handling or destination setting.');
    }
    const { maxAttempts, maxEventAgeS } = ASYNC_RETRY;
    const attempts = input.MaximumRetryAttempts;
    const age = input.MaximumEventAgeInSeconds;
    const config: EventInvokeConfig = {
      maximumRetryAttempts:
        attempts === undefined
          ? merge
            ? (old?.maximumRetryAttempts ?? null)
            : null
          : between(maxAttempts.min, maxAttempts.max)(attempts, 'maximumRetryAttempts'),
      maximumEventAgeS:
        age === undefined
          ? merge
            ? (old?.maximumEventAgeS ?? null)
            : null
          : between(maxEventAgeS.min, maxEventAgeS.max)(age, 'maximumEventAgeInSeconds'),
      // A Date in the service model: epoch seconds in JSON.
      lastModified: Date.now() / 1000,
    };
    resolved.fn.eventInvokeConfigs.set(key, config);
    return config;
  }

  // ---------- what the API shows ----------

  /** FunctionConfiguration of $LATEST or a version; the ARN carries the qualifier it was asked for by. */
  configuration(
    fn: FunctionRecord,
    config: FunctionConfig = fn,
    qualifier: string | null = null,
  ): Record<string, unknown> {
    const version = config === fn ? '$LATEST' : (config as VersionRecord).version;
    const latest = config === fn;
    return {
      FunctionName: fn.name,
      FunctionArn: this.arnOf(fn.name, qualifier),
      Runtime: config.runtime,
      Role: config.role,
      Handler: config.handler,
      CodeSize: config.codeSize,
      Description: config.description,
      Timeout: config.timeout,
      MemorySize: config.memorySize,
      LastModified: config.lastModified,
      CodeSha256: config.codeSha256,
      Version: version,
      Environment: { Variables: config.environment },
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: config.revisionId,
      State: latest ? fn.state : 'Active',
      ...(latest && fn.state === 'Pending'
        ? { StateReason: 'The function is being created.', StateReasonCode: 'Creating' }
        : {}),
      ...(latest ? { LastUpdateStatus: fn.lastUpdateStatus } : {}),
      ...(latest && fn.lastUpdateStatus === 'InProgress'
        ? { LastUpdateStatusReason: 'The function is being updated.', LastUpdateStatusReasonCode: 'InProgress' }
        : {}),
      PackageType: 'Zip',
      Architectures: config.architectures,
      EphemeralStorage: { Size: config.ephemeralStorageMb },
      LoggingConfig: { LogFormat: config.logFormat, LogGroup: logGroupOf(fn.name) },
    };
  }

  eventInvokeConfiguration(fn: FunctionRecord, qualifier: string, c: EventInvokeConfig): Record<string, unknown> {
    return {
      FunctionArn: this.arnOf(fn.name, qualifier),
      LastModified: c.lastModified,
      ...(c.maximumRetryAttempts === null ? {} : { MaximumRetryAttempts: c.maximumRetryAttempts }),
      ...(c.maximumEventAgeS === null ? {} : { MaximumEventAgeInSeconds: c.maximumEventAgeS }),
      DestinationConfig: { OnSuccess: {}, OnFailure: {} },
    };
  }

  /** Tag APIs take the function's unqualified ARN. */
  byArn(arn: unknown): FunctionRecord {
    const text = typeof arn === 'string' ? arn : '';
    if (!/^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]+$/.test(text)) {
      throw validationError(
        'resource',
        text,
        'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9-_]+',
      );
    }
    return this.get(text);
  }
}

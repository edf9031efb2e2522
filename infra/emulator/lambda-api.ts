/**
 * The Lambda API as a route table: each operation AWS's service model defines (method + path) mapped to a handler,
 * with the request body limit AWS applies to it. Handlers parse and validate the request, call the function registry
 * or the invoker, and answer in the shape AWS answers.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { CLIENT_CONTEXT_BYTES, LIMITS } from '../../harness/lambda/platform.js';
import { isRecord } from '../../lib/guards.js';
import { ApiError, invalid, notFound, requestTooLarge, validationError } from './api-error.js';
import type { InvocationOutcome } from './environment.js';
import {
  CODE_REQUEST_BYTES,
  type FunctionConfig,
  type FunctionRecord,
  type FunctionRegistry,
  type Resolved,
} from './functions.js';
import type { Reply, RequestContext, Route } from './http/router.js';
import type { LogStore } from './logs.js';
import { checkTags } from './validation.js';

/** What the handlers need of the emulator. */
export interface LambdaApiHost {
  readonly registry: FunctionRegistry;
  readonly logs: LogStore;
  readonly endpoint: string;
  readonly concurrency: number;
  readonly cpuEnforced: boolean;
  status(): unknown;
  invoke(resolved: Resolved, payload: string, clientContext: string | null): Promise<InvocationOutcome>;
  invokeAsync(resolved: Resolved, payload: string): void;
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (isRecord(parsed)) return parsed;
  } catch {
    // answered below
  }
  throw new ApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
}

const json = (status: number, body: unknown): Reply => ({ status, json: body });
const empty = (status: number): Reply => ({ status });

/** Invoke's limit depends on its type: 6 MB synchronous, 1 MB for an Event (harness/lambda/README.md "Limits"). */
function invokeBodyLimit(req: http.IncomingMessage) {
  if (req.headers['x-amz-invocation-type'] === 'Event') {
    const limitBytes = LIMITS.asyncRequestBytes;
    return {
      limitBytes,
      tooLarge: (bytes: number) =>
        new ApiError(
          413,
          'RequestEntityTooLargeException',
          `${bytes} byte payload is too large for the Event invocation type (limit ${limitBytes} bytes)`,
        ),
    };
  }
  const limitBytes = LIMITS.syncRequestBytes;
  return { limitBytes, tooLarge: () => requestTooLarge('InvokeFunction', limitBytes, 'RequestTooLargeException') };
}

/** The last 4 KB of the invocation's log, base64 (harness/lambda/README.md "Invoke API"). */
function tailOf(lines: string[]): string {
  const text = Buffer.from(`${lines.join('\n')}\n`);
  return text.subarray(Math.max(0, text.length - LIMITS.logTailBytes)).toString('base64');
}

/**
 * One page of a list, by a key that survives deletes and inserts: the marker is the last key returned (opaque, base64),
 * and the next page starts after it, whatever changed meanwhile.
 */
export function pageOf<T>(items: T[], keyOf: (item: T) => string, params: URLSearchParams, maxLimit = 10_000) {
  const raw = params.get('MaxItems');
  const maxItems = raw === null ? 50 : Number(raw);
  if (!Number.isInteger(maxItems) || maxItems < 1) {
    throw validationError('maxItems', raw, 'Member must have value greater than or equal to 1');
  }
  if (maxItems > maxLimit)
    throw validationError('maxItems', raw, `Member must have value less than or equal to ${maxLimit}`);
  const marker = params.get('Marker');
  let after: string | null = null;
  if (marker) {
    const decoded = Buffer.from(marker, 'base64url').toString('utf8');
    if (!decoded.startsWith('k:')) throw invalid('Invalid Marker');
    after = decoded.slice(2);
  }
  const rest = after === null ? items : items.filter((item) => keyOf(item) > (after as string));
  const page = rest.slice(0, maxItems);
  const last = page.at(-1);
  const nextMarker =
    rest.length > maxItems && last !== undefined ? Buffer.from(`k:${keyOf(last)}`).toString('base64url') : undefined;
  return { page, nextMarker };
}

/** Version keys that sort as numbers: `$LATEST` first, then 1, 2, ... 10. */
const versionKey = (version: string) => (version === '$LATEST' ? '' : version.padStart(12, '0'));

function parseClientContext(header: unknown): string | null {
  if (header === undefined) return null;
  const text = String(header);
  const wrong = () =>
    new ApiError(400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length > CLIENT_CONTEXT_BYTES || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw wrong();
  try {
    if (!isRecord(JSON.parse(decoded.toString('utf8')))) throw wrong();
  } catch {
    throw wrong();
  }
  return decoded.toString('utf8');
}

export class LambdaApi {
  /** Signs GetFunction's Code.Location, as S3 presigns it: the URL alone grants the download. */
  private readonly codeKey = randomBytes(32);

  constructor(private readonly host: LambdaApiHost) {}

  private get registry(): FunctionRegistry {
    return this.host.registry;
  }

  private qualifier(c: RequestContext): string | null {
    return c.url.searchParams.get('Qualifier');
  }

  private codeToken(fn: FunctionRecord, config: FunctionConfig): string {
    return createHmac('sha256', this.codeKey).update(`${fn.name}\n${config.codeSha256}`).digest('hex');
  }

  async createFunction(c: RequestContext): Promise<Reply> {
    const { fn, published } = await this.registry.create(parseJson(c.body));
    return json(201, this.registry.configuration(fn, published ?? fn));
  }

  getFunction(c: RequestContext): Reply {
    const r = this.registry.resolve(c.params.name, this.qualifier(c));
    const code = `${encodeURIComponent(r.fn.name)}?version=${encodeURIComponent(r.version)}&token=${this.codeToken(r.fn, r.config)}`;
    const concurrency = r.fn.reservedConcurrency;
    return json(200, {
      Configuration: this.registry.configuration(r.fn, r.config, r.qualifier),
      Code: { RepositoryType: 'S3', Location: `${this.host.endpoint}/vcpu-bench/code/${code}` },
      Tags: r.fn.tags,
      ...(concurrency === null ? {} : { Concurrency: { ReservedConcurrentExecutions: concurrency } }),
    });
  }

  getConfiguration(c: RequestContext): Reply {
    const r = this.registry.resolve(c.params.name, this.qualifier(c));
    return json(200, this.registry.configuration(r.fn, r.config, r.qualifier));
  }

  updateConfiguration(c: RequestContext): Reply {
    const fn = this.registry.updateConfiguration(c.params.name, parseJson(c.body));
    return json(200, this.registry.configuration(fn));
  }

  async updateCode(c: RequestContext): Promise<Reply> {
    const { fn, published, dryRun } = await this.registry.updateCode(c.params.name, parseJson(c.body));
    if (dryRun)
      return json(200, {
        ...this.registry.configuration(fn),
        CodeSha256: dryRun.codeSha256,
        CodeSize: dryRun.codeSize,
      });
    if (published) return json(200, this.registry.configuration(fn, published, published.version));
    return json(200, this.registry.configuration(fn));
  }

  deleteFunction(c: RequestContext): Reply {
    this.registry.delete(c.params.name, this.qualifier(c));
    return empty(204);
  }

  listFunctions(c: RequestContext): Reply {
    const all = c.url.searchParams.get('FunctionVersion');
    if (all !== null && all !== 'ALL') {
      throw validationError('functionVersion', all, 'Member must satisfy enum value set: [ALL]');
    }
    const { page, nextMarker } = pageOf(this.registry.list(), (fn) => fn.name, c.url.searchParams);
    const configs = page.flatMap((fn) => [
      this.registry.configuration(fn),
      ...(all === 'ALL' ? [...fn.versions.values()].map((v) => this.registry.configuration(fn, v, v.version)) : []),
    ]);
    return json(200, { Functions: configs, ...(nextMarker ? { NextMarker: nextMarker } : {}) });
  }

  accountSettings(): Reply {
    const functions = this.registry.list();
    return json(200, {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: LIMITS.unzippedCodeBytes,
        CodeSizeZipped: LIMITS.zippedCodeBytes,
        ConcurrentExecutions: this.host.concurrency,
        UnreservedConcurrentExecutions: this.host.concurrency - this.registry.reservedSum(),
      },
      AccountUsage: { TotalCodeSize: functions.reduce((n, f) => n + f.codeSize, 0), FunctionCount: functions.length },
    });
  }

  async invoke(c: RequestContext): Promise<Reply> {
    const type = String(c.req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const logType = String(c.req.headers['x-amz-log-type'] ?? 'None');
    if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
      throw validationError(
        'invocationType',
        type,
        'Member must satisfy enum value set: [Event, RequestResponse, DryRun]',
      );
    }
    if (logType !== 'None' && logType !== 'Tail') {
      throw validationError('logType', logType, 'Member must satisfy enum value set: [Tail, None]');
    }
    const clientContext = parseClientContext(c.req.headers['x-amz-client-context']);
    const resolved = this.registry.resolve(c.params.name, this.qualifier(c));
    const payload = c.body.length > 0 ? c.body.toString('utf8') : '{}';
    try {
      JSON.parse(payload);
    } catch {
      throw new ApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    if (type === 'DryRun') return empty(204);
    if (type === 'Event') {
      this.host.invokeAsync(resolved, payload);
      return empty(202);
    }
    const outcome = await this.host.invoke(resolved, payload, clientContext);
    return this.invokeReply(outcome, resolved.version, logType === 'Tail');
  }

  private invokeReply(outcome: InvocationOutcome, version: string, tail: boolean): Reply {
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'x-amzn-requestid': outcome.requestId,
      'x-amz-executed-version': version,
      // Not AWS's: what the emulator knows about the measurement, for the harness to record.
      'x-vcpu-bench-cpu-enforced': String(this.host.cpuEnforced),
      'x-vcpu-bench-oversubscription': outcome.oversubscription.toFixed(3),
    };
    if (outcome.functionError) headers['x-amz-function-error'] = outcome.functionError;
    if (tail) headers['x-amz-log-result'] = tailOf(outcome.logLines);
    return { status: 200, raw: Buffer.from(outcome.body), headers };
  }

  // ---------- versions and aliases ----------

  publishVersion(c: RequestContext): Reply {
    const fn = this.registry.get(c.params.name);
    const version = this.registry.publish(fn, parseJson(c.body));
    return json(201, this.registry.configuration(fn, version, version.version));
  }

  listVersions(c: RequestContext): Reply {
    const fn = this.registry.get(c.params.name);
    const all = [
      { key: versionKey('$LATEST'), config: this.registry.configuration(fn) },
      ...[...fn.versions.values()].map((v) => ({
        key: versionKey(v.version),
        config: this.registry.configuration(fn, v, v.version),
      })),
    ];
    const { page, nextMarker } = pageOf(all, (v) => v.key, c.url.searchParams);
    return json(200, { Versions: page.map((v) => v.config), ...(nextMarker ? { NextMarker: nextMarker } : {}) });
  }

  createAlias(c: RequestContext): Reply {
    const fn = this.registry.get(c.params.name);
    return json(201, this.registry.aliasConfiguration(fn, this.registry.createAlias(c.params.name, parseJson(c.body))));
  }

  getAlias(c: RequestContext): Reply {
    const fn = this.registry.get(c.params.name);
    return json(200, this.registry.aliasConfiguration(fn, this.registry.getAlias(c.params.name, c.params.alias)));
  }

  updateAlias(c: RequestContext): Reply {
    const fn = this.registry.get(c.params.name);
    const alias = this.registry.updateAlias(c.params.name, c.params.alias, parseJson(c.body));
    return json(200, this.registry.aliasConfiguration(fn, alias));
  }

  deleteAlias(c: RequestContext): Reply {
    this.registry.deleteAlias(c.params.name, c.params.alias);
    return empty(204);
  }

  listAliases(c: RequestContext): Reply {
    const fn = this.registry.get(c.params.name);
    const version = c.url.searchParams.get('FunctionVersion');
    const aliases = [...fn.aliases.values()]
      .filter((a) => version === null || a.functionVersion === version)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const { page, nextMarker } = pageOf(aliases, (a) => a.name, c.url.searchParams);
    return json(200, {
      Aliases: page.map((a) => this.registry.aliasConfiguration(fn, a)),
      ...(nextMarker ? { NextMarker: nextMarker } : {}),
    });
  }

  // ---------- concurrency and asynchronous invocation ----------

  putConcurrency(c: RequestContext): Reply {
    const value = parseJson(c.body).ReservedConcurrentExecutions;
    const reserved = this.registry.putConcurrency(c.params.name, value, this.host.concurrency);
    return json(200, { ReservedConcurrentExecutions: reserved });
  }

  getConcurrency(c: RequestContext): Reply {
    const reserved = this.registry.get(c.params.name).reservedConcurrency;
    return json(200, reserved === null ? {} : { ReservedConcurrentExecutions: reserved });
  }

  deleteConcurrency(c: RequestContext): Reply {
    this.registry.get(c.params.name).reservedConcurrency = null;
    return empty(204);
  }

  putEventInvokeConfig(c: RequestContext, merge: boolean): Reply {
    const r = this.registry.resolve(c.params.name, this.qualifier(c));
    const config = this.registry.putEventInvokeConfig(r, parseJson(c.body), merge);
    return json(200, this.registry.eventInvokeConfiguration(r.fn, r.qualifier ?? '$LATEST', config));
  }

  getEventInvokeConfig(c: RequestContext): Reply {
    const r = this.registry.resolve(c.params.name, this.qualifier(c));
    const key = r.qualifier ?? '$LATEST';
    const config = r.fn.eventInvokeConfigs.get(key);
    if (!config) {
      throw notFound(`The function ${this.registry.arnOf(r.fn.name, key)} doesn't have an EventInvokeConfig`);
    }
    return json(200, this.registry.eventInvokeConfiguration(r.fn, key, config));
  }

  deleteEventInvokeConfig(c: RequestContext): Reply {
    this.getEventInvokeConfig(c);
    const r = this.registry.resolve(c.params.name, this.qualifier(c));
    r.fn.eventInvokeConfigs.delete(r.qualifier ?? '$LATEST');
    return empty(204);
  }

  listEventInvokeConfigs(c: RequestContext): Reply {
    const fn = this.registry.get(c.params.name);
    const all = [...fn.eventInvokeConfigs.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const { page, nextMarker } = pageOf(all, ([key]) => key, c.url.searchParams, 50);
    return json(200, {
      FunctionEventInvokeConfigs: page.map(([key, config]) => this.registry.eventInvokeConfiguration(fn, key, config)),
      ...(nextMarker ? { NextMarker: nextMarker } : {}),
    });
  }

  // ---------- tags, code, status, logs ----------

  private taggable(c: RequestContext): FunctionRecord {
    return this.registry.byArn(c.params.arn);
  }

  listTags(c: RequestContext): Reply {
    return json(200, { Tags: this.taggable(c).tags });
  }

  tagResource(c: RequestContext): Reply {
    const fn = this.taggable(c);
    Object.assign(fn.tags, checkTags(parseJson(c.body).Tags));
    return empty(204);
  }

  untagResource(c: RequestContext): Reply {
    const fn = this.taggable(c);
    for (const key of c.url.searchParams.getAll('tagKeys')) delete fn.tags[key];
    return empty(204);
  }

  /** GetFunction's Code.Location: the deployment package, served only with the token the location carries. */
  code(c: RequestContext): Reply {
    const r = this.registry.resolve(c.params.name, c.url.searchParams.get('version'));
    if (c.url.searchParams.get('token') !== this.codeToken(r.fn, r.config)) {
      throw new ApiError(403, 'AccessDeniedException', 'Request has expired or its signature does not match');
    }
    const zip = readFileSync(`${r.config.codeDir}.zip`);
    return { status: 200, raw: zip, headers: { 'content-type': 'application/zip' } };
  }

  status(): Reply {
    return json(200, this.host.status());
  }

  logs(c: RequestContext): Reply {
    const operation = String(c.req.headers['x-amz-target'] ?? '').replace(/^Logs_20140328\./, '');
    const input = parseJson(c.body);
    const logs = this.host.logs;
    const handlers: Record<string, () => unknown> = {
      FilterLogEvents: () => logs.filterLogEvents(input),
      GetLogEvents: () => logs.getLogEvents(input),
      DescribeLogGroups: () => logs.describeLogGroups(input),
      DescribeLogStreams: () => logs.describeLogStreams(input),
      DeleteLogGroup: () => logs.deleteGroup(input),
    };
    const handler = handlers[operation];
    if (!handler) {
      throw new ApiError(400, 'UnknownOperationException', `The local emulator does not implement Logs ${operation}`);
    }
    const text = JSON.stringify(handler());
    return { status: 200, raw: Buffer.from(text), headers: { 'content-type': 'application/x-amz-json-1.1' } };
  }
}

const FN = '(?<name>[^/]+)';

const route = (
  method: Route<LambdaApi>['method'],
  path: string,
  operation: string,
  handle: Route<LambdaApi>['handle'],
  extra: Partial<Route<LambdaApi>> = {},
): Route<LambdaApi> => ({ method, path: new RegExp(`^${path}/?$`), operation, handle, ...extra });

const FUNCTIONS = '/2015-03-31/functions';
const EVENT_CONFIG = `/2019-09-25/functions/${FN}/event-invoke-config`;
const TAGS = '/2017-03-31/tags/(?<arn>.+)';

/** Every operation the emulator serves. Paths and methods are the service model's (botocore lambda service-2.json). */
export const LAMBDA_ROUTES: readonly Route<LambdaApi>[] = [
  route('GET', '/vcpu-bench/status', 'Status', (a) => a.status(), { unsigned: true }),
  route('GET', `/vcpu-bench/code/${FN}`, 'GetCode', (a, c) => a.code(c), { unsigned: true }),
  route('POST', '', 'CloudWatchLogs', (a, c) => a.logs(c), { body: 1024 * 1024 }),
  route('GET', '/2016-08-19/account-settings', 'GetAccountSettings', (a) => a.accountSettings()),
  route('POST', FUNCTIONS, 'CreateFunction', (a, c) => a.createFunction(c), { body: CODE_REQUEST_BYTES }),
  route('GET', FUNCTIONS, 'ListFunctions', (a, c) => a.listFunctions(c)),
  route('POST', `${FUNCTIONS}/${FN}/invocations`, 'Invoke', (a, c) => a.invoke(c), { body: invokeBodyLimit }),
  route('GET', `${FUNCTIONS}/${FN}/configuration`, 'GetFunctionConfiguration', (a, c) => a.getConfiguration(c)),
  route('PUT', `${FUNCTIONS}/${FN}/configuration`, 'UpdateFunctionConfiguration', (a, c) => a.updateConfiguration(c)),
  route('PUT', `${FUNCTIONS}/${FN}/code`, 'UpdateFunctionCode', (a, c) => a.updateCode(c), {
    body: CODE_REQUEST_BYTES,
  }),
  route('POST', `${FUNCTIONS}/${FN}/versions`, 'PublishVersion', (a, c) => a.publishVersion(c)),
  route('GET', `${FUNCTIONS}/${FN}/versions`, 'ListVersionsByFunction', (a, c) => a.listVersions(c)),
  route('POST', `${FUNCTIONS}/${FN}/aliases`, 'CreateAlias', (a, c) => a.createAlias(c)),
  route('GET', `${FUNCTIONS}/${FN}/aliases`, 'ListAliases', (a, c) => a.listAliases(c)),
  route('GET', `${FUNCTIONS}/${FN}/aliases/(?<alias>[^/]+)`, 'GetAlias', (a, c) => a.getAlias(c)),
  route('PUT', `${FUNCTIONS}/${FN}/aliases/(?<alias>[^/]+)`, 'UpdateAlias', (a, c) => a.updateAlias(c)),
  route('DELETE', `${FUNCTIONS}/${FN}/aliases/(?<alias>[^/]+)`, 'DeleteAlias', (a, c) => a.deleteAlias(c)),
  route('GET', `${FUNCTIONS}/${FN}`, 'GetFunction', (a, c) => a.getFunction(c)),
  route('DELETE', `${FUNCTIONS}/${FN}`, 'DeleteFunction', (a, c) => a.deleteFunction(c)),
  route('PUT', `/2017-10-31/functions/${FN}/concurrency`, 'PutFunctionConcurrency', (a, c) => a.putConcurrency(c)),
  route('GET', `/2019-09-30/functions/${FN}/concurrency`, 'GetFunctionConcurrency', (a, c) => a.getConcurrency(c)),
  route('DELETE', `/2017-10-31/functions/${FN}/concurrency`, 'DeleteFunctionConcurrency', (a, c) =>
    a.deleteConcurrency(c),
  ),
  route('GET', `${EVENT_CONFIG}/list`, 'ListFunctionEventInvokeConfigs', (a, c) => a.listEventInvokeConfigs(c)),
  route('PUT', EVENT_CONFIG, 'PutFunctionEventInvokeConfig', (a, c) => a.putEventInvokeConfig(c, false)),
  route('POST', EVENT_CONFIG, 'UpdateFunctionEventInvokeConfig', (a, c) => a.putEventInvokeConfig(c, true)),
  route('GET', EVENT_CONFIG, 'GetFunctionEventInvokeConfig', (a, c) => a.getEventInvokeConfig(c)),
  route('DELETE', EVENT_CONFIG, 'DeleteFunctionEventInvokeConfig', (a, c) => a.deleteEventInvokeConfig(c)),
  route('GET', TAGS, 'ListTags', (a, c) => a.listTags(c)),
  route('POST', TAGS, 'TagResource', (a, c) => a.tagResource(c)),
  route('DELETE', TAGS, 'UntagResource', (a, c) => a.untagResource(c)),
];

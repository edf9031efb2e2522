/**
 * The Lambda API as a route table: each operation AWS's service model defines (method + path) mapped to a handler,
 * with the request body limit AWS applies to it. Handlers parse and validate the request, call the function registry
 * or the invoker, and answer in the shape AWS answers.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { LIMITS } from '../../harness/lambda/platform.js';
import { isRecord } from '../../lib/guards.js';
import { ApiError, invalid, requestTooLarge, validationError } from './api-error.js';
import type { InvocationOutcome } from './environment.js';
import { CODE_REQUEST_BYTES, type FunctionRecord, type FunctionRegistry } from './functions.js';
import type { Reply, RequestContext, Route } from './http/router.js';
import type { LogStore } from './logs.js';

/** What the handlers need of the emulator. */
export interface LambdaApiHost {
  readonly registry: FunctionRegistry;
  readonly logs: LogStore;
  readonly endpoint: string;
  readonly concurrency: number;
  readonly cpuEnforced: boolean;
  status(): unknown;
  invoke(nameOrArn: string, payload: string): Promise<InvocationOutcome>;
  invokeAsync(name: string, payload: string): void;
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
  return { limitBytes, tooLarge: () => requestTooLarge('Invoke', limitBytes, 'RequestTooLargeException') };
}

/** The last 4 KB of the invocation's log, base64 (harness/lambda/README.md "Invoke API"). */
function tailOf(lines: string[]): string {
  const text = Buffer.from(`${lines.join('\n')}\n`);
  return text.subarray(Math.max(0, text.length - LIMITS.logTailBytes)).toString('base64');
}

export class LambdaApi {
  /** Signs GetFunction's Code.Location, as S3 presigns it: the URL alone grants the download. */
  private readonly codeKey = randomBytes(32);

  constructor(private readonly host: LambdaApiHost) {}

  private get registry(): FunctionRegistry {
    return this.host.registry;
  }

  private codeToken(fn: FunctionRecord): string {
    return createHmac('sha256', this.codeKey).update(`${fn.name}\n${fn.codeSha256}`).digest('hex');
  }

  async createFunction(c: RequestContext): Promise<Reply> {
    return json(201, this.registry.configuration(await this.registry.create(parseJson(c.body))));
  }

  getFunction(c: RequestContext): Reply {
    const fn = this.registry.get(c.params.name);
    const location = `${this.host.endpoint}/vcpu-bench/code/${encodeURIComponent(fn.name)}?token=${this.codeToken(fn)}`;
    return json(200, {
      Configuration: this.registry.configuration(fn),
      Code: { RepositoryType: 'S3', Location: location },
      Tags: fn.tags,
    });
  }

  getConfiguration(c: RequestContext): Reply {
    return json(200, this.registry.configuration(this.registry.get(c.params.name)));
  }

  updateConfiguration(c: RequestContext): Reply {
    const fn = this.registry.updateConfiguration(c.params.name, parseJson(c.body));
    return json(200, this.registry.configuration(fn));
  }

  async updateCode(c: RequestContext): Promise<Reply> {
    return json(200, this.registry.configuration(await this.registry.updateCode(c.params.name, parseJson(c.body))));
  }

  deleteFunction(c: RequestContext): Reply {
    this.registry.delete(c.params.name);
    return empty(204);
  }

  listFunctions(c: RequestContext): Reply {
    const raw = c.url.searchParams.get('MaxItems');
    const maxItems = raw === null ? 50 : Number(raw);
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10_000) {
      throw validationError('maxItems', raw, 'Member must have value less than or equal to 10000');
    }
    const marker = c.url.searchParams.get('Marker');
    let start = 0;
    if (marker) {
      start = Number(Buffer.from(marker, 'base64url').toString('utf8'));
      if (!Number.isInteger(start) || start < 0) throw invalid('Invalid Marker');
    }
    const all = this.registry.list();
    const page = all.slice(start, start + maxItems);
    return json(200, {
      Functions: page.map((fn) => this.registry.configuration(fn)),
      ...(start + maxItems < all.length
        ? { NextMarker: Buffer.from(String(start + maxItems)).toString('base64url') }
        : {}),
    });
  }

  accountSettings(): Reply {
    const functions = this.registry.list();
    return json(200, {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: LIMITS.unzippedCodeBytes,
        CodeSizeZipped: LIMITS.zippedCodeBytes,
        ConcurrentExecutions: this.host.concurrency,
        UnreservedConcurrentExecutions: this.host.concurrency,
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
    const fn = this.registry.get(c.params.name);
    const payload = c.body.length > 0 ? c.body.toString('utf8') : '{}';
    if (c.body.length > 0) {
      try {
        JSON.parse(payload);
      } catch {
        throw new ApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
      }
    }
    if (type === 'DryRun') return empty(204);
    if (type === 'Event') {
      this.host.invokeAsync(fn.name, payload);
      return empty(202);
    }
    const outcome = await this.host.invoke(fn.name, payload);
    return this.invokeReply(outcome, logType === 'Tail');
  }

  private invokeReply(outcome: InvocationOutcome, tail: boolean): Reply {
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'x-amzn-requestid': outcome.requestId,
      'x-amz-executed-version': '$LATEST',
      // Not AWS's: what the emulator knows about the measurement, for the harness to record.
      'x-vcpu-bench-cpu-enforced': String(this.host.cpuEnforced),
      'x-vcpu-bench-oversubscription': outcome.oversubscription.toFixed(3),
    };
    if (outcome.functionError) headers['x-amz-function-error'] = outcome.functionError;
    if (tail) headers['x-amz-log-result'] = tailOf(outcome.logLines);
    return { status: 200, raw: Buffer.from(outcome.body), headers };
  }

  private taggable(c: RequestContext): FunctionRecord {
    return this.registry.byArn(c.params.arn);
  }

  listTags(c: RequestContext): Reply {
    return json(200, { Tags: this.taggable(c).tags });
  }

  tagResource(c: RequestContext): Reply {
    const fn = this.taggable(c);
    const tags = parseJson(c.body).Tags;
    for (const [k, v] of Object.entries(isRecord(tags) ? tags : {})) fn.tags[k] = String(v);
    return empty(204);
  }

  untagResource(c: RequestContext): Reply {
    const fn = this.taggable(c);
    for (const key of c.url.searchParams.getAll('tagKeys')) delete fn.tags[key];
    return empty(204);
  }

  /** GetFunction's Code.Location: the deployment package, served only with the token the location carries. */
  code(c: RequestContext): Reply {
    const fn = this.registry.get(c.params.name);
    if (c.url.searchParams.get('token') !== this.codeToken(fn)) {
      throw new ApiError(403, 'AccessDeniedException', 'Request has expired or its signature does not match');
    }
    const zip = readFileSync(`${fn.codeDir}.zip`);
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
    return {
      status: 200,
      raw: Buffer.from(JSON.stringify(handler())),
      headers: { 'content-type': 'application/x-amz-json-1.1' },
    };
  }
}

const FN = '(?<name>[^/]+)';

/** Every operation the emulator serves. Paths and methods are the service model's (botocore lambda service-2.json). */
export const LAMBDA_ROUTES: readonly Route<LambdaApi>[] = [
  { method: 'GET', path: /^\/vcpu-bench\/status$/, operation: 'Status', unsigned: true, handle: (a) => a.status() },
  {
    method: 'GET',
    path: new RegExp(`^/vcpu-bench/code/${FN}$`),
    operation: 'GetCode',
    unsigned: true,
    handle: (a, c) => a.code(c),
  },
  { method: 'POST', path: /^\/$/, operation: 'CloudWatchLogs', body: 1024 * 1024, handle: (a, c) => a.logs(c) },
  {
    method: 'GET',
    path: /^\/2016-08-19\/account-settings\/?$/,
    operation: 'GetAccountSettings',
    handle: (a) => a.accountSettings(),
  },
  {
    method: 'POST',
    path: /^\/2015-03-31\/functions\/?$/,
    operation: 'CreateFunction',
    body: CODE_REQUEST_BYTES,
    handle: (a, c) => a.createFunction(c),
  },
  {
    method: 'GET',
    path: /^\/2015-03-31\/functions\/?$/,
    operation: 'ListFunctions',
    handle: (a, c) => a.listFunctions(c),
  },
  {
    method: 'POST',
    path: new RegExp(`^/2015-03-31/functions/${FN}/invocations/?$`),
    operation: 'Invoke',
    body: invokeBodyLimit,
    handle: (a, c) => a.invoke(c),
  },
  {
    method: 'GET',
    path: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    operation: 'GetFunctionConfiguration',
    handle: (a, c) => a.getConfiguration(c),
  },
  {
    method: 'PUT',
    path: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    operation: 'UpdateFunctionConfiguration',
    handle: (a, c) => a.updateConfiguration(c),
  },
  {
    method: 'PUT',
    path: new RegExp(`^/2015-03-31/functions/${FN}/code/?$`),
    operation: 'UpdateFunctionCode',
    body: CODE_REQUEST_BYTES,
    handle: (a, c) => a.updateCode(c),
  },
  {
    method: 'GET',
    path: new RegExp(`^/2015-03-31/functions/${FN}/?$`),
    operation: 'GetFunction',
    handle: (a, c) => a.getFunction(c),
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/2015-03-31/functions/${FN}/?$`),
    operation: 'DeleteFunction',
    handle: (a, c) => a.deleteFunction(c),
  },
  { method: 'GET', path: /^\/2017-03-31\/tags\/(?<arn>.+)$/, operation: 'ListTags', handle: (a, c) => a.listTags(c) },
  {
    method: 'POST',
    path: /^\/2017-03-31\/tags\/(?<arn>.+)$/,
    operation: 'TagResource',
    handle: (a, c) => a.tagResource(c),
  },
  {
    method: 'DELETE',
    path: /^\/2017-03-31\/tags\/(?<arn>.+)$/,
    operation: 'UntagResource',
    handle: (a, c) => a.untagResource(c),
  },
];

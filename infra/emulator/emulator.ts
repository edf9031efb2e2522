/**
 * The local Lambda emulator: the Lambda and CloudWatch Logs APIs on one HTTP port, spoken to by the real AWS SDK v3
 * clients, with execution environments that get CPU in proportion to memory (the memory's vCPU share), freeze between
 * invocations and print real REPORT lines. Start it in-process with `startEmulator()` or from the CLI (`emulator`).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LIMITS } from '../../harness/lambda/platform.js';
import { ApiError, invalid, throttled } from './api-error.js';
import { ExecutionEnvironment, type InvocationOutcome } from './environment.js';
import type { Executor } from './executor.js';
import { ACCOUNT_ID, type FunctionRecord, FunctionRegistry } from './functions.js';
import { LogStore } from './logs.js';
import { ProcessExecutor } from './process-executor.js';

/** What an emulator uses unless told otherwise; the `emulator` command's flags default to these too. */
export const EMULATOR_DEFAULTS = {
  port: 9769,
  host: '127.0.0.1',
  region: 'us-east-1',
  /** Executions in flight at once; beyond it Invoke answers 429, as Lambda does at the account limit. */
  concurrency: 10,
  keepAliveS: 300,
} as const;

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** Account concurrency: environments busy at once; beyond it Invoke answers 429. */
  concurrency?: number;
  /** Seconds an idle environment is kept before it is reaped. */
  keepAliveS?: number;
  region?: string;
  executor?: Executor;
}

export interface EmulatorStatus {
  endpoint: string;
  executor: string;
  cgroupDetail: string;
  cpuEnforced: boolean;
  hostCores: number;
  concurrency: number;
  environments: Array<{
    id: string;
    functionName: string;
    state: string;
    frozen: boolean;
    cpuQuota: number | null;
    pid: number | null;
  }>;
  /** Sum of the CPU quotas of the environments not frozen, over the host's cores: above 1 the host is oversubscribed. */
  oversubscription: number;
}

export class Emulator {
  readonly logs: LogStore;
  readonly executor: Executor;
  readonly region: string;
  readonly concurrency: number;
  readonly keepAliveS: number;
  private readonly registry: FunctionRegistry;
  private readonly environments = new Set<ExecutionEnvironment>();
  private readonly workDir: string;
  private server: http.Server | null = null;
  private reaper: NodeJS.Timeout | null = null;
  private busy = 0;
  private readonly asyncInvocations = new Set<Promise<unknown>>();
  endpoint = '';

  constructor(options: EmulatorOptions = {}) {
    this.region = options.region ?? EMULATOR_DEFAULTS.region;
    this.concurrency = options.concurrency ?? EMULATOR_DEFAULTS.concurrency;
    this.keepAliveS = options.keepAliveS ?? EMULATOR_DEFAULTS.keepAliveS;
    this.executor = options.executor ?? new ProcessExecutor();
    this.logs = new LogStore(this.region, ACCOUNT_ID);
    this.workDir = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-emulator-'));
    this.registry = new FunctionRegistry(this.region, path.join(this.workDir, 'code'), (fn) => this.retire(fn));
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => this.sendError(res, error));
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, resolve);
    });
    const address = this.server.address() as AddressInfo;
    this.endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    this.reaper = setInterval(() => this.reap(), 1000);
    this.reaper.unref();
    return this.endpoint;
  }

  status(): EmulatorStatus {
    return {
      endpoint: this.endpoint,
      executor: this.executor.kind,
      cgroupDetail: this.executor.detail,
      cpuEnforced: this.executor.cpuEnforced,
      hostCores: os.cpus().length,
      concurrency: this.concurrency,
      environments: [...this.environments].map((e) => ({
        id: e.id,
        functionName: e.fn.name,
        state: e.state,
        frozen: e.frozen,
        cpuQuota: e.cpuQuota,
        pid: e.pid,
      })),
      oversubscription: this.oversubscription(),
    };
  }

  notePressure(): void {
    const value = this.oversubscription();
    for (const env of this.environments) env.notePressure(value);
  }

  oversubscription(): number {
    let running = 0;
    for (const env of this.environments) {
      if (env.state !== 'dead' && !env.frozen) running += env.cpuQuota ?? 0;
    }
    return running / os.cpus().length;
  }

  async close(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    await Promise.allSettled([...this.asyncInvocations]);
    await Promise.all([...this.environments].map((e) => e.shutdown()));
    this.environments.clear();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.executor.dispose();
    rmSync(this.workDir, { recursive: true, force: true });
  }

  // ---------- environments ----------

  private retire(fn: FunctionRecord): void {
    for (const env of this.environments) {
      if (env.fn.name === fn.name && env.state !== 'busy') {
        env.kill();
        this.environments.delete(env);
      }
    }
  }

  private reap(): void {
    const now = Date.now();
    for (const env of this.environments) {
      if (env.state === 'dead') this.environments.delete(env);
      else if (env.state === 'idle' && now - env.lastUsedAt > this.keepAliveS * 1000) {
        env.kill();
        this.environments.delete(env);
      }
    }
  }

  private async acquire(fn: FunctionRecord): Promise<ExecutionEnvironment> {
    // Most recently used idle environment of the same function and configuration first: that is what stays warm.
    let best: ExecutionEnvironment | null = null;
    for (const env of this.environments) {
      if (env.fn.name === fn.name && env.fn.generation === fn.generation && env.state === 'idle') {
        if (!best || env.lastUsedAt > best.lastUsedAt) best = env;
      }
    }
    if (best) {
      best.state = 'busy';
      return best;
    }
    const env = new ExecutionEnvironment(
      {
        name: fn.name,
        arn: fn.arn,
        memoryMb: fn.memorySize,
        timeoutS: fn.timeout,
        handler: fn.handler,
        codeDir: fn.codeDir,
        logFormat: fn.logFormat,
        environment: fn.environment,
        generation: fn.generation,
      },
      this,
    );
    env.state = 'busy';
    this.environments.add(env);
    try {
      await env.start();
    } catch (error) {
      // An environment that could not start must not linger as busy.
      env.kill();
      this.environments.delete(env);
      throw error;
    }
    return env;
  }

  /** Runs one invocation, throttling at the account concurrency as Lambda does. */
  async invoke(nameOrArn: unknown, payload: string): Promise<InvocationOutcome> {
    const fn = this.registry.get(nameOrArn);
    if (fn.state !== 'Active') {
      throw new ApiError(
        409,
        'ResourceConflictException',
        `The operation cannot be performed at this time. The function is currently in the following state: ${fn.state}`,
      );
    }
    if (this.busy >= this.concurrency) {
      throw throttled('Rate Exceeded.', 'ConcurrentInvocationLimitExceeded');
    }
    this.busy += 1;
    let env: ExecutionEnvironment | null = null;
    try {
      env = await this.acquire(fn);
      return await env.invoke(randomUUID(), payload);
    } finally {
      this.busy -= 1;
      if (env && (env.state === 'dead' || env.fn.generation !== this.currentGeneration(fn.name))) {
        env.kill();
        this.environments.delete(env);
      }
    }
  }

  private currentGeneration(name: string): number {
    try {
      return this.registry.get(name).generation;
    } catch {
      return -1;
    }
  }

  /** Event invocations: accepted at once, run in the background, retried while throttled (as Lambda's queue does). */
  private invokeAsync(name: string, payload: string): void {
    const run = async () => {
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          return await this.invoke(name, payload);
        } catch (error) {
          if (!(error instanceof ApiError && error.status === 429)) return null;
          await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        }
      }
      return null;
    };
    const p = run().finally(() => this.asyncInvocations.delete(p));
    this.asyncInvocations.add(p);
  }

  // ---------- HTTP ----------

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith('Logs_20140328.')) {
      return this.logsApi(target.slice('Logs_20140328.'.length), body, res);
    }
    const method = req.method ?? 'GET';
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (p === '/vcpu-bench/status' && method === 'GET') return sendJson(res, 200, this.status());
    m = /^\/vcpu-bench\/code\/([^/]+)$/.exec(p);
    if (m && method === 'GET') {
      // GetFunction's Code.Location: the deployment package, as AWS serves it from a presigned URL.
      const zip = readFileSync(`${this.registry.get(m[1]).codeDir}.zip`);
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length }).end(zip);
      return;
    }
    if (p === '/2016-08-19/account-settings' || p === '/2016-08-19/account-settings/') {
      return sendJson(res, 200, this.accountSettings());
    }
    if ((p === '/2015-03-31/functions' || p === '/2015-03-31/functions/') && method === 'POST') {
      const fn = this.registry.create(parseJson(body));
      return sendJson(res, 201, this.registry.configuration(fn));
    }
    if ((p === '/2015-03-31/functions' || p === '/2015-03-31/functions/') && method === 'GET') {
      return sendJson(res, 200, this.listFunctions(url.searchParams));
    }
    m = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/.exec(p);
    if (m && method === 'POST') {
      return this.invokeApi(m[1] as string, req, body, res);
    }
    m = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/.exec(p);
    if (m) {
      if (method === 'GET') return sendJson(res, 200, this.registry.configuration(this.registry.get(m[1])));
      if (method === 'PUT')
        return sendJson(
          res,
          200,
          this.registry.configuration(this.registry.updateConfiguration(m[1], parseJson(body))),
        );
    }
    m = /^\/2015-03-31\/functions\/([^/]+)\/code\/?$/.exec(p);
    if (m && method === 'PUT') {
      return sendJson(res, 200, this.registry.configuration(this.registry.updateCode(m[1], parseJson(body))));
    }
    m = /^\/2015-03-31\/functions\/([^/]+)\/?$/.exec(p);
    if (m) {
      if (method === 'GET') {
        const fn = this.registry.get(m[1]);
        return sendJson(res, 200, {
          Configuration: this.registry.configuration(fn),
          Code: { RepositoryType: 'S3', Location: `${this.endpoint}/vcpu-bench/code/${encodeURIComponent(fn.name)}` },
          Tags: fn.tags,
        });
      }
      if (method === 'DELETE') {
        this.registry.delete(m[1]);
        res.writeHead(204).end();
        return;
      }
    }
    m = /^\/2017-03-31\/tags\/(.+)$/.exec(p);
    if (m) {
      const fn = this.registry.byArn(m[1]);
      if (method === 'GET') return sendJson(res, 200, { Tags: fn.tags });
      if (method === 'POST') {
        const tags = (parseJson(body).Tags ?? {}) as Record<string, unknown>;
        for (const [k, v] of Object.entries(tags)) fn.tags[k] = String(v);
        res.writeHead(204).end();
        return;
      }
      if (method === 'DELETE') {
        for (const key of url.searchParams.getAll('tagKeys')) delete fn.tags[key];
        res.writeHead(204).end();
        return;
      }
    }
    throw new ApiError(404, 'UnknownOperationException', `The local emulator does not implement ${method} ${p}`);
  }

  private accountSettings(): Record<string, unknown> {
    const functions = this.registry.list();
    return {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: 262_144_000,
        CodeSizeZipped: 52_428_800,
        ConcurrentExecutions: this.concurrency,
        UnreservedConcurrentExecutions: this.concurrency,
      },
      AccountUsage: { TotalCodeSize: functions.reduce((n, f) => n + f.codeSize, 0), FunctionCount: functions.length },
    };
  }

  private listFunctions(params: URLSearchParams): Record<string, unknown> {
    const all = this.registry.list();
    const maxItems = params.has('MaxItems') ? Number(params.get('MaxItems')) : 50;
    if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10_000) {
      throw new ApiError(
        400,
        'ValidationException',
        `1 validation error detected: Value '${params.get('MaxItems')}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`,
      );
    }
    const marker = params.get('Marker');
    let start = 0;
    if (marker) {
      start = Number(Buffer.from(marker, 'base64url').toString('utf8'));
      if (!Number.isInteger(start) || start < 0) throw invalid('Invalid Marker');
    }
    const page = all.slice(start, start + maxItems);
    return {
      Functions: page.map((fn) => this.registry.configuration(fn)),
      ...(start + maxItems < all.length
        ? { NextMarker: Buffer.from(String(start + maxItems)).toString('base64url') }
        : {}),
    };
  }

  private async invokeApi(
    name: string,
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
  ): Promise<void> {
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const logType = String(req.headers['x-amz-log-type'] ?? 'None');
    if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
      throw invalid(`X-Amz-Invocation-Type ${type}: must be one of RequestResponse, Event, DryRun`);
    }
    const fn = this.registry.get(name);
    const payload = body.length > 0 ? body.toString('utf8') : '{}';
    if (body.length > 0) {
      try {
        JSON.parse(payload);
      } catch {
        throw new ApiError(
          400,
          'InvalidRequestContentException',
          'Could not parse request body into json: Unexpected character',
        );
      }
    }
    const requestId = randomUUID();
    if (type === 'DryRun') {
      res.writeHead(204, { 'x-amzn-requestid': requestId }).end();
      return;
    }
    if (type === 'Event') {
      if (body.length > LIMITS.asyncRequestBytes)
        throw new ApiError(
          413,
          'RequestTooLargeException',
          'Request must be smaller than 1048576 bytes for the InvokeAsync operation',
        );
      this.invokeAsync(fn.name, payload);
      res.writeHead(202, { 'x-amzn-requestid': requestId, 'content-length': 0 }).end();
      return;
    }
    if (body.length > LIMITS.syncRequestBytes)
      throw new ApiError(
        413,
        'RequestTooLargeException',
        'Request must be smaller than 6291456 bytes for the Invoke operation',
      );
    const outcome = await this.invoke(fn.name, payload);
    const out = Buffer.from(outcome.body);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': out.length,
      'x-amzn-requestid': outcome.requestId,
      'x-amz-executed-version': '$LATEST',
      // Not AWS's: what the emulator knows about the measurement, for the harness to record.
      'x-vcpu-bench-cpu-enforced': String(this.executor.cpuEnforced),
      'x-vcpu-bench-oversubscription': outcome.oversubscription.toFixed(3),
    };
    if (outcome.functionError) headers['x-amz-function-error'] = outcome.functionError;
    if (logType === 'Tail') headers['x-amz-log-result'] = tailOf(outcome.logLines);
    res.writeHead(200, headers);
    res.end(out);
  }

  private logsApi(operation: string, body: Buffer, res: http.ServerResponse): void {
    const input = parseJson(body);
    const handlers: Record<string, () => unknown> = {
      FilterLogEvents: () => this.logs.filterLogEvents(input),
      GetLogEvents: () => this.logs.getLogEvents(input),
      DescribeLogGroups: () => this.logs.describeLogGroups(input),
      DescribeLogStreams: () => this.logs.describeLogStreams(input),
      DeleteLogGroup: () => this.logs.deleteGroup(input),
    };
    const handler = handlers[operation];
    if (!handler)
      throw new ApiError(400, 'UnknownOperationException', `The local emulator does not implement Logs ${operation}`);
    const result = handler();
    const text = JSON.stringify(result);
    res.writeHead(200, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  }

  private sendError(res: http.ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const apiError =
      error instanceof ApiError
        ? error
        : new ApiError(500, 'ServiceException', error instanceof Error ? error.message : String(error));
    const text = JSON.stringify({
      Type: apiError.status >= 500 ? 'Service' : 'User',
      message: apiError.message,
      __type: apiError.type,
      ...apiError.extra,
    });
    res.writeHead(apiError.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-amzn-errortype': apiError.type,
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

/** The last 4 KB of the invocation's log, base64 (harness/lambda/README.md "Invoke API"). */
function tailOf(lines: string[]): string {
  const text = Buffer.from(`${lines.join('\n')}\n`);
  return text.subarray(Math.max(0, text.length - LIMITS.logTailBytes)).toString('base64');
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(options);
  await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return emulator;
}

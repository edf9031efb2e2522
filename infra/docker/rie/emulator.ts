/**
 * A stand-in for the Runtime Interface Emulator (RIE), for images built here without AWS's binary. It keeps RIE's
 * documented interface (https://github.com/aws/aws-lambda-runtime-interface-emulator, README, and what its
 * cmd/aws-lambda-rie does; harness/lambda/README.md "The Runtime Interface Emulator"):
 *
 * - `POST /2015-03-31/functions/function/invocations` (also under AWS_LAMBDA_FUNCTION_NAME) invokes the function;
 *   the body is the event, the answer the function's response or error document, HTTP 200.
 * - The runtime starts lazily, inside the first invocation: Init Duration is about 0 and init is folded into the
 *   first Duration. START, END and REPORT go to stdout in RIE's shape (harness/lambda/log-format.ts rieReportLine).
 * - One invocation at a time: a concurrent one is refused with HTTP 400, as RIE's "AlreadyReserved" path does
 *   (newer RIE builds crash on it instead; the stand-in stays up).
 * - A timeout answers HTTP 200 `Task timed out after N.00 seconds` and restarts the runtime at the next invocation.
 * - A runtime that exits during an invocation, or reports an init error, answers HTTP 502 with the error document,
 *   without END/REPORT lines, and is started again by the next invocation (RIE's "invoke done failed" path).
 *
 * Every request body it reads is bounded (6 MB in, Lambda's response limit out). It enforces no CPU or memory limit
 * and measures no memory, as RIE does not.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  endLine,
  rieReportLine,
  startLine,
  rieTimeoutBody as timeoutBody,
} from '../../../harness/lambda/log-format.js';
import { LIMITS, logGroupOf } from '../../../harness/lambda/platform.js';
import type { RieOptions } from './options.js';

/** Largest invoke request body read (harness/lambda/README.md "Limits"). */
export const MAX_INVOKE_BODY_BYTES = LIMITS.syncRequestBytes;
/**
 * Largest response the Runtime API takes from the runtime; larger is refused with 413 (harness/lambda/README.md
 * "Limits").
 */
export const MAX_RUNTIME_RESPONSE_BYTES = LIMITS.syncResponseBytes;
/** Error documents and the like from the runtime. */
const MAX_RUNTIME_ERROR_BYTES = 1024 * 1024;

const RUNTIME_PREFIX = '/2018-06-01/runtime';

interface Invocation {
  requestId: string;
  payload: Buffer;
  traceId: string | undefined;
  clientContext: string | undefined;
  cognitoIdentity: string | undefined;
  startedAt: number;
  deadlineMs: number;
  initDurationMs: number | null;
  res: http.ServerResponse;
  timer: NodeJS.Timeout | null;
  dispatched: boolean;
  done: boolean;
}

export interface RieLog {
  /** Platform lines (START, END, REPORT): stdout. */
  platform(line: string): void;
  /** The emulator's own diagnostics: stderr, filtered by level. */
  diag(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

/** Reads a request body up to `limit` bytes; past that it stops reading and rejects with BodyTooLarge. */
export function readBoundedBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLarge(`${declared} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge(`over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export class RuntimeInterfaceEmulator {
  private invokeServer: http.Server | null = null;
  private runtimeServer: http.Server | null = null;
  private runtime: ChildProcess | null = null;
  private runtimeApiAddress = '';
  /** Set once an Init Duration has been reported: RIE reports it for the first invocation only. */
  private initReported = false;
  /** Reserved from the moment an invoke request arrives until it is answered. */
  private busy = false;
  private invocation: Invocation | null = null;
  private heldNext: http.ServerResponse | null = null;
  private closing = false;

  constructor(
    private readonly options: RieOptions,
    private readonly log: RieLog,
    private readonly baseEnv: Record<string, string | undefined> = process.env,
  ) {}

  /** Starts both servers; resolves with the invoke endpoint's address. */
  async listen(): Promise<AddressInfo> {
    this.runtimeServer = http.createServer((req, res) => this.onRuntimeRequest(req, res));
    this.runtimeServer.keepAliveTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      this.runtimeServer?.once('error', reject);
      this.runtimeServer?.listen(this.options.runtimeApiPort, this.options.runtimeApiHost, resolve);
    });
    const api = this.runtimeServer.address() as AddressInfo;
    this.runtimeApiAddress = `${api.address}:${api.port}`;

    this.invokeServer = http.createServer((req, res) => this.onInvokeRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      this.invokeServer?.once('error', reject);
      this.invokeServer?.listen(this.options.listenPort, this.options.listenHost, resolve);
    });
    this.log.diag(
      'info',
      `exec '${this.options.bootstrap[0]}' (cwd=${this.options.cwd}, handler=${this.options.handler})`,
    );
    return this.invokeServer.address() as AddressInfo;
  }

  /** Kills the runtime and closes both servers. */
  async close(): Promise<void> {
    this.closing = true;
    this.killRuntime();
    for (const server of [this.invokeServer, this.runtimeServer]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // ---------- the invoke endpoint ----------

  private invokePaths(): string[] {
    const names = ['function'];
    if (this.options.functionName !== null && this.options.functionName !== 'function') {
      names.push(this.options.functionName);
    }
    return names.map((n) => `/2015-03-31/functions/${encodeURIComponent(n)}/invocations`);
  }

  private onInvokeRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const urlPath = (req.url ?? '').split('?')[0] ?? '';
    if (!this.invokePaths().includes(urlPath)) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    if (this.busy || this.closing) {
      // One invocation at a time (harness/lambda/README.md "The Runtime Interface Emulator"): RIE refuses to reserve a second one.
      this.log.diag('warn', 'ReserveFailed: AlreadyReserved');
      req.resume();
      res.writeHead(400);
      res.end();
      return;
    }
    // Reserve before reading the body, so a second request arriving meanwhile is refused.
    this.busy = true;
    readBoundedBody(req, MAX_INVOKE_BODY_BYTES).then(
      (payload) => this.startInvocation(req, res, payload),
      (error: unknown) => {
        this.busy = false;
        if (error instanceof BodyTooLarge) {
          sendJson(res, 413, {
            errorMessage: `Request must be smaller than ${MAX_INVOKE_BODY_BYTES} bytes for the InvokeFunction operation`,
            errorType: 'RequestEntityTooLargeException',
          });
        } else {
          res.destroy();
        }
      },
    );
  }

  private startInvocation(req: http.IncomingMessage, res: http.ServerResponse, payload: Buffer): void {
    let initDurationMs: number | null = null;
    if (this.runtime === null) {
      // Init starts the runtime and returns: the runtime's own start-up runs inside this invocation's Duration.
      const initStart = performance.now();
      this.startRuntime();
      if (!this.initReported) {
        initDurationMs = performance.now() - initStart;
        this.initReported = true;
      }
    }
    const inv: Invocation = {
      requestId: randomUUID(),
      payload,
      traceId: header(req, 'x-amzn-trace-id'),
      clientContext: header(req, 'x-amz-client-context'),
      cognitoIdentity: undefined,
      startedAt: performance.now(),
      deadlineMs: Date.now() + this.options.timeoutS * 1000,
      initDurationMs,
      res,
      timer: null,
      dispatched: false,
      done: false,
    };
    this.invocation = inv;
    this.log.platform(startLine(inv.requestId, this.options.functionVersion));
    inv.timer = setTimeout(() => this.onTimeout(inv), this.options.timeoutS * 1000);
    this.dispatch();
  }

  private dispatch(): void {
    const inv = this.invocation;
    const next = this.heldNext;
    if (!inv || inv.done || inv.dispatched || !next) return;
    this.heldNext = null;
    inv.dispatched = true;
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': inv.payload.length,
      'lambda-runtime-aws-request-id': inv.requestId,
      'lambda-runtime-deadline-ms': String(inv.deadlineMs),
      'lambda-runtime-invoked-function-arn': `arn:aws:lambda:us-east-1:012345678912:function:${this.options.functionName ?? 'test_function'}`,
    };
    if (inv.traceId) headers['lambda-runtime-trace-id'] = inv.traceId;
    if (inv.clientContext) headers['lambda-runtime-client-context'] = inv.clientContext;
    next.writeHead(200, headers);
    next.end(inv.payload);
  }

  /** Ends the invocation with END and REPORT lines and answers the caller. */
  private finish(
    inv: Invocation,
    status: number,
    body: Buffer | string,
    contentType: string | undefined,
    timedOut = false,
  ): void {
    if (inv.done) return;
    inv.done = true;
    if (inv.timer) clearTimeout(inv.timer);
    // A timed-out invocation reports the timeout itself: the timer may fire a fraction of a millisecond before
    // performance.now() says the timeout has passed (libuv times it from its cached loop time).
    const timeoutMs = this.options.timeoutS * 1000;
    const durationMs = timedOut ? timeoutMs : Math.min(performance.now() - inv.startedAt, timeoutMs);
    this.log.platform(endLine(inv.requestId));
    this.log.platform(
      rieReportLine({
        requestId: inv.requestId,
        initDurationMs: inv.initDurationMs,
        durationMs,
        memorySize: this.options.memorySize,
      }),
    );
    this.answer(inv, status, body, contentType);
  }

  /** Ends the invocation without END and REPORT lines (RIE's path for a runtime that failed). */
  private fail(inv: Invocation, body: string): void {
    if (inv.done) return;
    inv.done = true;
    if (inv.timer) clearTimeout(inv.timer);
    this.answer(inv, 502, body, 'application/json');
  }

  private answer(inv: Invocation, status: number, body: Buffer | string, contentType: string | undefined): void {
    if (this.invocation === inv) {
      this.invocation = null;
      this.busy = false;
    }
    if (inv.res.writableEnded || inv.res.destroyed) return;
    const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(body) };
    if (contentType) headers['content-type'] = contentType;
    inv.res.writeHead(status, headers);
    inv.res.end(body);
  }

  private onTimeout(inv: Invocation): void {
    if (inv.done) return;
    this.log.diag('warn', `Invoke timeout after ${this.options.timeoutS} s: resetting the runtime`);
    // The runtime is reset: killed now, started again by the next invocation (without a new Init Duration).
    this.killRuntime();
    this.finish(inv, 200, timeoutBody(this.options.timeoutS), undefined, true);
  }

  // ---------- the runtime ----------

  private runtimeEnv(): Record<string, string> {
    const env: Record<string, string> = {
      // RIE's defaults, which the container's own environment overrides.
      AWS_LAMBDA_LOG_GROUP_NAME: logGroupOf('Functions'),
      AWS_LAMBDA_LOG_STREAM_NAME: '$LATEST',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3008',
      AWS_LAMBDA_FUNCTION_NAME: 'test_function',
    };
    for (const [key, value] of Object.entries(this.baseEnv)) if (value !== undefined) env[key] = value;
    env.AWS_LAMBDA_RUNTIME_API = this.runtimeApiAddress;
    env._HANDLER = this.options.handler;
    return env;
  }

  private startRuntime(): void {
    const [command, ...args] = this.options.bootstrap;
    const child = spawn(command as string, args, {
      cwd: this.options.cwd,
      env: this.runtimeEnv(),
      stdio: ['ignore', 'inherit', 'inherit'],
      // Its own process group, so a reset also ends the workers and processes it started.
      detached: true,
    });
    this.runtime = child;
    const ended = (how: string) => {
      if (this.runtime !== child) return;
      this.runtime = null;
      this.heldNext = null;
      this.signalRuntimeGroup(child, 'SIGKILL');
      const inv = this.invocation;
      if (inv && !inv.done) {
        this.log.diag('warn', `Runtime exited during the invocation: ${how}`);
        this.fail(
          inv,
          JSON.stringify({
            errorType: 'Runtime.ExitError',
            errorMessage: `RequestId: ${inv.requestId} Error: Runtime exited with error: ${how}`,
          }),
        );
      }
    };
    child.once('error', (error) => ended(error.message));
    child.once('exit', (code, signal) =>
      ended(signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`),
    );
  }

  private signalRuntimeGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone
    }
  }

  private killRuntime(): void {
    const child = this.runtime;
    if (!child) return;
    this.runtime = null;
    this.heldNext = null;
    this.signalRuntimeGroup(child, 'SIGKILL');
  }

  // ---------- the Runtime API, for the runtime inside the container ----------

  private onRuntimeRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${RUNTIME_PREFIX}/invocation/next`) {
      req.resume();
      if (this.heldNext && !this.heldNext.writableEnded) {
        sendJson(this.heldNext, 409, { errorMessage: 'Another next request took its place', errorType: 'Conflict' });
      }
      this.heldNext = res;
      res.on('close', () => {
        if (this.heldNext === res) this.heldNext = null;
      });
      this.dispatch();
      return;
    }
    if (req.method === 'POST' && url === `${RUNTIME_PREFIX}/init/error`) {
      readBoundedBody(req, MAX_RUNTIME_ERROR_BYTES).then(
        (body) => {
          sendJson(res, 202, { status: 'OK' });
          const inv = this.invocation;
          this.log.diag('warn', 'Init failed: the runtime reported an init error');
          this.killRuntime();
          if (inv && !inv.done) this.fail(inv, body.toString('utf8'));
        },
        () => sendJson(res, 413, { errorMessage: 'Error document too large', errorType: 'RequestEntityTooLarge' }),
      );
      return;
    }
    const match = new RegExp(`^${RUNTIME_PREFIX}/invocation/([^/]+)/(response|error)$`).exec(url);
    if (req.method === 'POST' && match) {
      const [, id, kind] = match;
      const inv = this.invocation;
      const limit = kind === 'response' ? MAX_RUNTIME_RESPONSE_BYTES : MAX_RUNTIME_ERROR_BYTES;
      readBoundedBody(req, limit).then(
        (body) => {
          if (!inv || inv.done || inv.requestId !== id || !inv.dispatched) {
            sendJson(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
            return;
          }
          sendJson(res, 202, { status: 'OK' });
          this.finish(inv, 200, body, header(req, 'content-type') ?? 'application/json');
        },
        (error: unknown) => {
          if (!(error instanceof BodyTooLarge)) {
            res.destroy();
            return;
          }
          const document = {
            errorMessage: `Exceeded maximum allowed payload size (${MAX_RUNTIME_RESPONSE_BYTES} bytes).`,
            errorType: 'RequestEntityTooLarge',
          };
          sendJson(res, 413, document);
          if (inv && !inv.done && inv.requestId === id) this.finish(inv, 200, JSON.stringify(document), undefined);
        },
      );
      return;
    }
    req.resume();
    sendJson(res, 404, { errorMessage: `Unknown Runtime API path ${req.method} ${url}`, errorType: 'InvalidRequest' });
  }
}

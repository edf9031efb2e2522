/**
 * One execution environment: a Runtime API server (harness/lambda/README.md "Runtime API") in front of one executor-run
 * process, the invocation it is serving, its freeze between invocations, its log stream, and the REPORT figures it
 * measures: Duration from dispatch to the posted response, Init Duration from process start to the first `next`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  endLine,
  type InvocationStatus,
  initStartLine,
  jsonInitStart,
  jsonReport,
  jsonRuntimeDone,
  jsonStart,
  type ReportFigures,
  reportLine,
  startLine,
} from '../../harness/lambda/log-format.js';
import {
  INIT_BOOST_VCPUS,
  type InitCpuMode,
  LIMITS,
  logGroupOf,
  TIMEOUT_ERROR_TYPE,
  vcpuShare,
  visibleCores,
} from '../../harness/lambda/platform.js';
import { billedDurationMs } from '../../harness/lambda/pricing.js';
import type { CoreAllocator } from './cores.js';
import {
  type Environment,
  type EnvironmentState,
  errorDocument,
  type InvocationOutcome,
  LineSplitter,
  lambdaVariables,
  logStreamName,
} from './environment-common.js';
import type { AnyExecutor, EnvHandle } from './executor.js';
import type { LogStore } from './logs.js';
import type { Reaper } from './reaper.js';

export type { InvocationOutcome } from './environment-common.js';

export const RUNTIME_VERSION = `nodejs:${process.versions.node.split('.')[0]}.emulated`;

export interface EnvFunctionView {
  name: string;
  /** `$LATEST` or the version number this environment runs. */
  version: string;
  arn: string;
  memoryMb: number;
  timeoutS: number;
  handler: string;
  codeDir: string;
  logFormat: 'Text' | 'JSON';
  environment: Record<string, string>;
  /** EphemeralStorage.Size: the environment's /tmp, MB. */
  ephemeralStorageMb: number;
  generation: number;
}

interface Pending {
  requestId: string;
  payload: string;
  /** The caller's ClientContext (JSON), handed to the runtime; null when none. */
  clientContext: string | null;
  deadlineMs: number;
  dispatchedAt: number;
  logLines: string[];
  resolve: (outcome: InvocationOutcome) => void;
  timer: NodeJS.Timeout | null;
  /** The runtime has posted a result (or a too-large one): nothing more is dispatched for this invocation. */
  responded: boolean;
  settled: boolean;
  /** Streams on which the runtime has marked the end of this invocation's output. */
  outputEnded: Set<'stdout' | 'stderr'>;
  onOutputEnd: (() => void) | null;
  oversubscription: number;
}

export interface EnvironmentHost {
  readonly executor: AnyExecutor;
  readonly logs: LogStore;
  readonly region: string;
  /**
   * The emulator's Lambda API as environments reach it, for AWS_ENDPOINT_URL_LAMBDA (fan_out invokes itself through
   * it): where it listens, or its listener on the executor's network (EnvironmentNetwork).
   */
  readonly environmentEndpoint: string;
  /** Kills this environment should the emulator die before it can. */
  readonly reaper: Reaper;
  /** Where environments keep their private directories (EnvSpec.scratchDir). */
  readonly scratchRoot: string;
  /** The key the emulator requires requests to be signed with, if any: the function's credentials, as its role's. */
  readonly accessKey: { accessKeyId: string; secretAccessKey: string } | null;
  /** Hands each environment its cores, and takes them back. */
  readonly cores: CoreAllocator;
  /** How INIT's CPU is modelled: Lambda's measured boost, or the memory's own quota throughout. */
  readonly initCpu: InitCpuMode;
  oversubscription(): number;
  /** Called when an environment starts running: every invocation in flight notes the host's new load. */
  notePressure(): void;
}

let envCounter = 0;

export class ExecutionEnvironment implements Environment {
  readonly id: string;
  readonly logGroup: string;
  readonly logStream: string;
  state: EnvironmentState = 'init';
  frozen = false;
  /** Set from the end of an invocation until the runtime is frozen or the grace is over (see `running`). */
  private windDown: NodeJS.Timeout | null = null;
  lastUsedAt = Date.now();
  private handle: EnvHandle | null = null;
  private server: http.Server | null = null;
  private startedAt = 0;
  private initDurationMs: number | null = null;
  private initReported = false;
  private initError: { body: string; errorType: string } | null = null;
  private heldNext: http.ServerResponse | null = null;
  private pending: Pending | null = null;
  private readonly initWaiters: Array<() => void> = [];
  private readonly lines = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  /** Only the runtime this environment started knows it (see EnvSpec.runtimeToken). */
  private readonly runtimeToken = randomBytes(32).toString('hex');
  private assignedCores: readonly number[] = [];

  constructor(
    readonly fn: EnvFunctionView,
    private readonly host: EnvironmentHost,
  ) {
    envCounter += 1;
    this.id = `env-${process.pid}-${envCounter}`;
    this.logGroup = logGroupOf(fn.name);
    this.logStream = logStreamName(fn.version);
  }

  private get scratchDir(): string {
    return path.join(this.host.scratchRoot, this.id);
  }

  /** Raises the load the invocation in flight has seen (see InvocationOutcome.oversubscription). */
  notePressure(value: number): void {
    if (this.pending && !this.pending.settled)
      this.pending.oversubscription = Math.max(this.pending.oversubscription, value);
  }

  get pid(): number | null {
    return this.handle?.pid ?? null;
  }

  get cpuQuota(): number | null {
    return this.handle?.cpuQuota ?? null;
  }

  /** The host cores this environment runs on (assigned when it starts, given back when it is gone). */
  get cores(): readonly number[] {
    return this.assignedCores;
  }

  /**
   * Whether the environment is using its cores now: alive and not frozen. Just after a response the runtime takes a
   * moment to ask for its next event (and be frozen); in a serial sweep the next invocation, on another function,
   * starts in that moment. That overlap is not counted, unless it outlasts WIND_DOWN_GRACE_MS (work after the
   * response, as in background mode): then it counts, and every invocation in flight notes the load.
   */
  get running(): boolean {
    return this.state !== 'dead' && !this.frozen && this.windDown === null;
  }

  private startWindDown(): void {
    if (this.state !== 'idle' || this.frozen || this.windDown !== null) return;
    this.windDown = setTimeout(() => {
      this.windDown = null;
      if (this.running) this.host.notePressure();
    }, WIND_DOWN_GRACE_MS);
    this.windDown.unref();
  }

  private endWindDown(): void {
    if (this.windDown === null) return;
    clearTimeout(this.windDown);
    this.windDown = null;
  }

  private releaseCores(): void {
    if (this.assignedCores.length === 0) return;
    this.host.cores.release(this.assignedCores);
    this.assignedCores = [];
  }

  /** The handler's quota, and INIT's (harness/lambda/README.md "INIT": about two vCPUs whatever the memory). */
  private quotas(cores: readonly number[]): { cpus: number; initCpus: number } {
    const cpus = vcpuShare(this.fn.memoryMb);
    if (this.host.initCpu === 'quota') return { cpus, initCpus: cpus };
    return { cpus, initCpus: Math.max(cpus, Math.min(INIT_BOOST_VCPUS, cores.length)) };
  }

  /** Starts the Runtime API server and the environment's process; init runs until the runtime's first `next`. */
  async start(): Promise<void> {
    const executor = this.host.executor;
    if (executor.protocol === 'direct') throw new Error('a direct executor runs DirectEnvironment, not this one');
    const fn = this.fn;
    // What the executor readies for this code (a container image) is not the environment's INIT.
    await executor.prepare?.({ codeDir: fn.codeDir, handler: fn.handler });
    this.server = http.createServer((req, res) => this.onRuntimeRequest(req, res));
    this.server.keepAliveTimeout = 0;
    const listenHost = executor.network?.hostAddress ?? '127.0.0.1';
    await new Promise<void>((resolve) => this.server?.listen(0, listenHost, resolve));
    const runtimeApi = `${listenHost}:${(this.server.address() as AddressInfo).port}`;
    if (fn.logFormat === 'JSON') this.log(jsonInitStart(fn.name, RUNTIME_VERSION, fn.memoryMb, fn.version));
    else this.log(initStartLine(RUNTIME_VERSION));
    this.startedAt = performance.now();
    this.assignedCores = this.host.cores.assign(visibleCores(fn.memoryMb));
    this.handle = executor.start({
      id: this.id,
      functionName: fn.name,
      memoryMb: fn.memoryMb,
      ...this.quotas(this.assignedCores),
      cores: this.assignedCores,
      codeDir: fn.codeDir,
      handler: fn.handler,
      runtimeApi,
      runtimeToken: this.runtimeToken,
      tmpMb: fn.ephemeralStorageMb,
      scratchDir: this.scratchDir,
      env: lambdaVariables({
        fn,
        logGroup: this.logGroup,
        logStream: this.logStream,
        region: this.host.region,
        endpoint: this.host.environmentEndpoint,
        accessKey: this.host.accessKey,
        runtimeApi,
      }),
    });
    const pid = this.handle.pid;
    if (pid) this.host.reaper.watchEnvironment(pid, this.handle.cgroupDirs ?? []);
    this.handle.stdout.on('data', (chunk: Buffer) => this.onOutput('stdout', chunk));
    this.handle.stderr.on('data', (chunk: Buffer) => this.onOutput('stderr', chunk));
    void this.handle.exited.then((exit) => this.onExit(exit.code, exit.signal));
  }

  /** Resolves when init is over: the runtime asked for its first event, reported an init error, or died. */
  private initDone(): Promise<void> {
    if (this.initDurationMs !== null || this.initError || this.state === 'dead') return Promise.resolve();
    return new Promise((resolve) => this.initWaiters.push(resolve));
  }

  private finishInit(): void {
    for (const waiter of this.initWaiters.splice(0)) waiter();
  }

  /** Runs one invocation on this environment (which the caller has marked busy). */
  async invoke(requestId: string, payload: string, clientContext: string | null = null): Promise<InvocationOutcome> {
    this.state = 'busy';
    this.lastUsedAt = Date.now();
    this.endWindDown();
    if (this.frozen) {
      this.handle?.thaw();
      this.frozen = false;
    }
    await this.initDone();
    const dispatchedAt = performance.now();
    return new Promise<InvocationOutcome>((resolve) => {
      const pending: Pending = {
        requestId,
        payload,
        clientContext,
        deadlineMs: Date.now() + this.fn.timeoutS * 1000,
        dispatchedAt,
        logLines: [],
        resolve,
        timer: null,
        responded: false,
        settled: false,
        outputEnded: new Set(),
        onOutputEnd: null,
        oversubscription: 0,
      };
      this.pending = pending;
      // This environment now runs: it and every other invocation in flight see the host's load, itself included.
      this.host.notePressure();
      this.log(
        this.fn.logFormat === 'JSON' ? jsonStart(requestId, this.fn.version) : startLine(requestId, this.fn.version),
      );
      if (this.initError) {
        // The runtime failed to import the handler: the first invocation fails with its error (Lambda's behaviour).
        this.settle('error', this.initError.body, this.initError.errorType, 0);
        return;
      }
      if (this.state === 'dead') {
        this.settle(
          'error',
          errorDocument('Runtime.ExitError', `RequestId: ${requestId} Error: Runtime exited before init completed`),
          'Runtime.ExitError',
          0,
        );
        return;
      }
      pending.timer = setTimeout(() => this.onTimeout(pending), this.fn.timeoutS * 1000);
      this.dispatch();
    });
  }

  private dispatch(): void {
    const res = this.heldNext;
    const pending = this.pending;
    if (!res || !pending || pending.responded) return;
    this.heldNext = null;
    if (this.frozen) {
      this.handle?.thaw();
      this.frozen = false;
    }
    pending.dispatchedAt = performance.now();
    const body = Buffer.from(pending.payload);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      'lambda-runtime-aws-request-id': pending.requestId,
      'lambda-runtime-deadline-ms': String(pending.deadlineMs),
      'lambda-runtime-invoked-function-arn': this.fn.arn,
      'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Sampled=0`,
      ...(pending.clientContext === null ? {} : { 'lambda-runtime-client-context': pending.clientContext }),
    });
    res.end(body);
  }

  /** The environment's address and port, for its status line; useless without the runtime's token. */
  get runtimeApi(): string | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? `${address.address}:${address.port}` : null;
  }

  /**
   * A request from this environment's runtime: it carries the token, or comes from the address only the runtime can
   * connect from (EnvHandle.runtimeAddress: a container's own, for runtime clients that cannot send the token).
   */
  private authorized(req: http.IncomingMessage): boolean {
    const own = this.handle?.runtimeAddress;
    if (own && req.socket.remoteAddress === own) return true;
    const token = req.headers['x-vcpu-bench-runtime-token'];
    const given = Buffer.from(typeof token === 'string' ? token : '');
    const expected = Buffer.from(this.runtimeToken);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private onRuntimeRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.authorized(req)) {
      req.resume();
      json(res, 403, {
        errorMessage: 'This Runtime API belongs to another execution environment',
        errorType: 'Forbidden',
      });
      return;
    }
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      req.resume();
      this.onNext(res);
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    const isInitError = req.method === 'POST' && url === '/2018-06-01/runtime/init/error';
    if (!isInitError && !(req.method === 'POST' && match)) {
      req.resume();
      json(res, 404, { errorMessage: `Unknown Runtime API path ${req.method} ${url}`, errorType: 'InvalidRequest' });
      return;
    }
    readRuntimeBody(req).then((body) => {
      if (body === null) return this.onResponseTooLarge(res, match?.[1] ?? '');
      if (isInitError) return this.onInitError(req, res, body);
      return this.onResult(req, res, match?.[1] ?? '', match?.[2] === 'response', body);
    });
  }

  private onInitError(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    this.initError = { body, errorType: errorTypeOf(req, body, 'Runtime.Unknown') };
    this.accepted(res);
    this.finishInit();
  }

  private current(requestId: string): Pending | null {
    const pending = this.pending;
    return pending && pending.requestId === requestId && !pending.responded ? pending : null;
  }

  /** The function's response or error for the invocation in flight; Duration ends here. */
  private onResult(req: http.IncomingMessage, res: http.ServerResponse, id: string, ok: boolean, body: string): void {
    const pending = this.current(id);
    if (!pending) {
      json(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
      return;
    }
    const durationMs = performance.now() - pending.dispatchedAt;
    pending.responded = true;
    this.accepted(res);
    // A handler's own error leaves the platform status at success: the runtime answered.
    const settle = ok
      ? () => this.settle('success', body, null, durationMs)
      : () =>
          this.settle('error', body, errorTypeOf(req, body, 'Error'), durationMs, {
            status: 'success',
            errorType: null,
          });
    this.afterOutput(pending, settle);
  }

  /** A response over Lambda's limit: refused to the runtime, and the invocation fails as Lambda fails it. */
  private onResponseTooLarge(res: http.ServerResponse, id: string): void {
    const limit = LIMITS.syncResponseBytes;
    json(res, 413, {
      errorMessage: `Exceeded maximum allowed payload size (${limit} bytes).`,
      errorType: 'RequestEntityTooLarge',
    });
    const pending = this.current(id);
    if (!pending) return;
    const durationMs = performance.now() - pending.dispatchedAt;
    pending.responded = true;
    const errorType = 'Function.ResponseSizeTooLarge';
    const body = errorDocument(
      errorType,
      `Response payload size exceeded maximum allowed payload size (${limit} bytes).`,
    );
    this.afterOutput(pending, () => this.settle('error', body, errorType, durationMs));
  }

  /**
   * Runs `settle` once the invocation's output has all been read: the runtime marks the end of it on stdout and stderr
   * (runtime/bootstrap.ts flushOutput). A runtime that marks nothing is waited for a moment, no more.
   */
  private afterOutput(pending: Pending, settle: () => void): void {
    if (pending.timer) clearTimeout(pending.timer);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(fallback);
      pending.onOutputEnd = null;
      settle();
    };
    // A runtime that writes no marks (EnvHandle.marksOutputEnd) is not waited for.
    const fallback = setTimeout(finish, this.handle?.marksOutputEnd === false ? 0 : OUTPUT_WAIT_MS);
    pending.onOutputEnd = () => {
      if (pending.outputEnded.size === 2) finish();
    };
    pending.onOutputEnd();
  }

  private accepted(res: http.ServerResponse): void {
    json(res, 202, { status: 'OK' });
  }

  private onNext(res: http.ServerResponse): void {
    if (this.initDurationMs === null) {
      this.initDurationMs = performance.now() - this.startedAt;
      // INIT is over: the handler runs at the memory's own share from the first invocation on.
      this.handle?.endInit();
      this.finishInit();
    }
    this.heldNext = res;
    res.on('close', () => {
      if (this.heldNext === res) this.heldNext = null;
    });
    if (this.pending && !this.pending.responded) {
      this.dispatch();
      return;
    }
    this.freezeIfIdle();
  }

  /**
   * The runtime asks for more work after responding: freeze it, as Lambda does, until the next invocation. Its output
   * is in the pipes already (it flushes before posting), so the freeze need not wait for the emulator to read it. Not
   * while an invocation waits to be dispatched (init just finished, or a warm call is on its way).
   */
  private freezeIfIdle(): void {
    if (!this.heldNext || this.state === 'dead' || this.frozen || !this.handle) return;
    const pending = this.pending;
    if (pending ? !pending.responded : this.state === 'busy') return;
    this.handle.freeze();
    this.frozen = true;
    this.endWindDown();
  }

  private onTimeout(pending: Pending): void {
    if (pending.settled) return;
    const seconds = this.fn.timeoutS.toFixed(2);
    this.log(`${new Date().toISOString()} ${pending.requestId} Task timed out after ${seconds} seconds`);
    // Lambda's answer to a timed-out invocation (harness/lambda/README.md "Runtime API"), and the configured timeout as
    // its Duration.
    const answer = JSON.stringify({
      errorType: TIMEOUT_ERROR_TYPE,
      errorMessage: `RequestId: ${pending.requestId} Error: Task timed out after ${seconds} seconds`,
    });
    this.settle('timeout', answer, TIMEOUT_ERROR_TYPE, this.fn.timeoutS * 1000, { status: 'timeout', errorType: null });
    this.kill();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.state = 'dead';
    this.releaseCores();
    // Its process group id is free for reuse now: the reaper must not kill whatever gets it next.
    if (this.handle?.pid) this.host.reaper.forgetEnvironment(this.handle.pid);
    this.finishInit();
    this.closeServer();
    rmSync(this.scratchDir, { recursive: true, force: true });
    const pending = this.pending;
    if (pending?.responded && !pending.settled) {
      // It answered before it died: nothing more of its output will come.
      pending.outputEnded.add('stdout').add('stderr');
      pending.onOutputEnd?.();
    } else if (pending && !pending.settled) {
      const durationMs = performance.now() - pending.dispatchedAt;
      const how = signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`;
      const oom = this.handle?.outOfMemory() ?? false;
      const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
      this.log(
        `${new Date().toISOString()} ${pending.requestId} Error: Runtime exited with error: ${how}\tRuntime.${oom ? 'OutOfMemory' : 'ExitError'}`,
      );
      this.settle(
        'error',
        errorDocument(errorType, `RequestId: ${pending.requestId} Error: Runtime exited with error: ${how}`),
        errorType,
        durationMs,
      );
    }
  }

  /**
   * Ends the pending invocation. `reported` is what the REPORT line says: a handler's own error leaves the platform
   * status at success (the runtime answered); timeouts and runtime crashes carry Status and Error Type.
   */
  private settle(
    status: InvocationStatus,
    body: string,
    errorType: string | null,
    durationMs: number,
    reported: { status: InvocationStatus; errorType: string | null } = { status, errorType },
  ): void {
    const pending = this.pending;
    if (!pending || pending.settled) return;
    pending.settled = true;
    if (pending.timer) clearTimeout(pending.timer);
    // Let output the runtime wrote before posting reach the log ahead of END and REPORT.
    setImmediate(() => {
      const cold = !this.initReported;
      this.initReported = true;
      const initDurationMs = cold ? (this.initDurationMs ?? 0) : null;
      const report: ReportFigures = {
        requestId: pending.requestId,
        durationMs,
        billedDurationMs: billedDurationMs(durationMs, initDurationMs),
        memorySizeMb: this.fn.memoryMb,
        maxMemoryUsedMb: Math.min(this.fn.memoryMb, this.handle?.maxMemoryUsedMb() ?? 0),
        initDurationMs,
        status: reported.status,
        errorType: reported.status === 'success' ? null : reported.errorType,
      };
      if (this.fn.logFormat === 'JSON') {
        this.log(jsonRuntimeDone(pending.requestId, status));
        this.log(jsonReport(report));
      } else {
        this.log(endLine(pending.requestId));
        this.log(reportLine(report));
      }
      this.pending = null;
      this.lastUsedAt = Date.now();
      if (this.state !== 'dead') this.state = 'idle';
      this.freezeIfIdle();
      this.startWindDown();
      pending.resolve({
        requestId: pending.requestId,
        status,
        body,
        functionError: status === 'success' ? null : 'Unhandled',
        errorType: status === 'success' ? null : errorType,
        report,
        logLines: pending.logLines,
        oversubscription: pending.oversubscription,
      });
    });
  }

  private onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    // LineSplitter turns the \r the runtime writes for newlines inside one record (one record, one event) back into
    // newlines, as CloudWatch shows them; the output marker has no \r in it.
    for (const line of this.lines[stream].push(chunk)) {
      if (line.startsWith(OUTPUT_MARKER)) this.onOutputMarker(stream, line.slice(OUTPUT_MARKER.length));
      else this.log(line);
    }
  }

  private onOutputMarker(stream: 'stdout' | 'stderr', requestId: string): void {
    const pending = this.pending;
    if (!pending || pending.requestId !== requestId) return;
    pending.outputEnded.add(stream);
    pending.onOutputEnd?.();
  }

  private log(message: string): void {
    this.host.logs.append(this.logGroup, this.logStream, message);
    this.pending?.logLines.push(message);
  }

  /** Kills the environment; it takes no further invocation from this moment. */
  kill(): void {
    this.state = 'dead';
    this.releaseCores();
    if (this.handle) this.handle.kill();
    else {
      // It never started (the executor refused it): nothing will exit, so release what start took now.
      this.closeServer();
      rmSync(this.scratchDir, { recursive: true, force: true });
    }
  }

  private closeServer(): void {
    this.server?.close();
    this.server?.closeAllConnections();
  }

  /** Ends the environment and waits for its process to be gone. */
  async shutdown(): Promise<void> {
    this.kill();
    if (this.handle) await this.handle.exited;
    this.state = 'dead';
    this.closeServer();
  }
}

/** Marks the end of an invocation's output (runtime/bootstrap.ts OUTPUT_MARKER). */
const OUTPUT_MARKER = '\u0000vcpu-bench-output-end ';
/** How long a runtime may take, after its response, to ask for the next event before it counts as running. */
const WIND_DOWN_GRACE_MS = 20;
/** How long a result waits for its output markers before it is settled without them. */
const OUTPUT_WAIT_MS = 1000;

/** A result or error posted by the runtime, as text; null when it passes Lambda's response limit. */
function readRuntimeBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= LIMITS.syncResponseBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(bytes > LIMITS.syncResponseBytes ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function errorTypeOf(req: http.IncomingMessage, body: string, fallback: string): string {
  const header = req.headers['lambda-runtime-function-error-type'];
  if (typeof header === 'string' && header) return header;
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown };
    if (typeof parsed.errorType === 'string') return parsed.errorType;
  } catch {
    // not JSON
  }
  return fallback;
}

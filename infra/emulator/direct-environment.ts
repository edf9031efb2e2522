/**
 * An execution environment that takes invocations itself: the Runtime Interface Emulator (RIE) in a container, which
 * serves the Runtime API to its runtime inside the container and an invoke endpoint outside it
 * (harness/lambda/README.md "The Runtime Interface Emulator"). The emulator serves no Runtime API here and measures
 * nothing of its own: it invokes through the executor's handle, one invocation at a time, and takes RIE's START, END
 * and REPORT lines from the environment's output as they are (RIE's order, Max Memory Used = Memory Size, an Init
 * Duration of about 0 with init folded into the first Duration). It still freezes the environment between
 * invocations, as Lambda does, and answers through the Lambda API as Lambda would (timeouts, function errors, a
 * runtime that died).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ReportFigures } from '../../harness/lambda/log-format.js';
import { logGroupOf, TIMEOUT_ERROR_TYPE, vcpuShare, visibleCores } from '../../harness/lambda/platform.js';
import { parseReportLine } from '../../harness/lambda/report-line.js';
import type { EnvFunctionView, EnvironmentHost } from './environment.js';
import {
  type Environment,
  type EnvironmentState,
  errorDocument,
  type InvocationOutcome,
  LineSplitter,
  lambdaVariables,
  logStreamName,
} from './environment-common.js';
import type { DirectAnswer, DirectEnvHandle, DirectExecutor } from './executor.js';

/** How long after RIE answered its REPORT line may take to come through the container's output. */
const REPORT_WAIT_MS = 2000;
/** Beyond the function's timeout, how long RIE gets to answer before the emulator gives up on the environment. */
const TIMEOUT_GRACE_MS = 5000;
/** How long a dying environment gets to exit, so that an OOM kill can be told from other deaths. */
const EXIT_WAIT_MS = 2000;

let counter = 0;

interface DirectPending {
  /** RIE's request id, from the START line it printed for this invocation. */
  rieRequestId: string | null;
  reportLine: string | null;
  logLines: string[];
  oversubscription: number;
  onReport: (() => void) | null;
}

type Verdict = Pick<InvocationOutcome, 'status' | 'body' | 'functionError' | 'errorType'>;

/** A function's error as RIE passes it on: HTTP 200 and the runtime's error document (RIE sets no error header). */
function errorTypeOfDocument(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const { errorType, errorMessage } = parsed as Record<string, unknown>;
      if (typeof errorType === 'string' && typeof errorMessage === 'string') return errorType;
    }
  } catch {
    // not JSON: a result
  }
  return null;
}

function reportFigures(line: string | null): ReportFigures | null {
  const fields = line === null ? null : parseReportLine(line);
  if (!fields) return null;
  return {
    requestId: fields.requestId,
    durationMs: fields.durationMs,
    billedDurationMs: fields.billedDurationMs,
    memorySizeMb: fields.memorySizeMb,
    maxMemoryUsedMb: fields.maxMemoryUsedMb,
    initDurationMs: fields.initDurationMs,
    status: fields.status === 'failure' ? 'error' : fields.status,
    errorType: fields.errorType,
  };
}

export class DirectEnvironment implements Environment {
  readonly id: string;
  readonly logGroup: string;
  readonly logStream: string;
  state: EnvironmentState = 'init';
  frozen = false;
  lastUsedAt = Date.now();
  private handle: DirectEnvHandle | null = null;
  private assignedCores: readonly number[] = [];
  private pending: DirectPending | null = null;
  private readonly lines = { stdout: new LineSplitter(), stderr: new LineSplitter() };

  constructor(
    readonly fn: EnvFunctionView,
    private readonly host: EnvironmentHost,
    private readonly executor: DirectExecutor,
  ) {
    counter += 1;
    this.id = `env-${process.pid}-d${counter}`;
    this.logGroup = logGroupOf(fn.name);
    this.logStream = logStreamName(fn.version);
  }

  private get scratchDir(): string {
    return path.join(this.host.scratchRoot, this.id);
  }

  get pid(): number | null {
    return this.handle?.pid ?? null;
  }

  get cpuQuota(): number | null {
    return this.handle?.cpuQuota ?? null;
  }

  get cores(): readonly number[] {
    return this.assignedCores;
  }

  get running(): boolean {
    return !this.dead && !this.frozen;
  }

  /** Killed or exited (a method, so a check after an await is not narrowed away by the state set before it). */
  private get dead(): boolean {
    return this.state === 'dead';
  }

  /** None of the emulator's: RIE serves the Runtime API inside the environment. */
  get runtimeApi(): null {
    return null;
  }

  notePressure(value: number): void {
    if (this.pending) this.pending.oversubscription = Math.max(this.pending.oversubscription, value);
  }

  /**
   * Starts the environment at the memory's own quota throughout: RIE initialises lazily, inside the first invocation,
   * so there is no INIT phase the emulator could give Lambda's boost to.
   */
  async start(): Promise<void> {
    const fn = this.fn;
    await this.executor.prepare?.({ codeDir: fn.codeDir, handler: fn.handler });
    this.assignedCores = this.host.cores.assign(visibleCores(fn.memoryMb));
    this.handle = this.executor.start({
      id: this.id,
      functionName: fn.name,
      memoryMb: fn.memoryMb,
      cpus: vcpuShare(fn.memoryMb),
      cores: this.assignedCores,
      codeDir: fn.codeDir,
      handler: fn.handler,
      tmpMb: fn.ephemeralStorageMb,
      scratchDir: this.scratchDir,
      timeoutS: fn.timeoutS,
      env: lambdaVariables({
        fn,
        logGroup: this.logGroup,
        logStream: this.logStream,
        region: this.host.region,
        endpoint: this.host.environmentEndpoint,
        accessKey: this.host.accessKey,
        runtimeApi: null,
      }),
    });
    this.handle.stdout.on('data', (chunk: Buffer) => this.onOutput('stdout', chunk));
    this.handle.stderr.on('data', (chunk: Buffer) => this.onOutput('stderr', chunk));
    void this.handle.exited.then(() => this.onExit());
  }

  /** RIE takes no client context (its invoke endpoint reads the trace id only): it is not passed on. */
  async invoke(requestId: string, payload: string, _clientContext?: string | null): Promise<InvocationOutcome> {
    this.state = 'busy';
    this.lastUsedAt = Date.now();
    const pending: DirectPending = {
      rieRequestId: null,
      reportLine: null,
      logLines: [],
      oversubscription: 0,
      onReport: null,
    };
    this.pending = pending;
    this.host.notePressure();
    const answer = await this.call(payload);
    if (answer?.status === 200) await this.reportArrives(pending);
    const verdict = await this.verdictOf(answer, pending.rieRequestId ?? requestId);
    this.pending = null;
    this.lastUsedAt = Date.now();
    if (!this.dead) {
      this.state = 'idle';
      // Idle until the next invocation: frozen, as Lambda freezes an environment between invocations.
      this.handle?.freeze();
      this.frozen = true;
    }
    return {
      requestId: pending.rieRequestId ?? requestId,
      ...verdict,
      report: reportFigures(pending.reportLine),
      logLines: pending.logLines,
      oversubscription: pending.oversubscription,
    };
  }

  /** Thaws the environment and invokes it; null when it could not be reached or went away (or RIE never answered). */
  private async call(payload: string): Promise<DirectAnswer | null> {
    const handle = this.handle;
    if (!handle || this.dead) return null;
    if (this.frozen) {
      handle.thaw();
      this.frozen = false;
    }
    // RIE keeps the function's timeout itself; this only ends an environment that stopped answering altogether.
    const guard = setTimeout(() => this.kill(), this.fn.timeoutS * 1000 + TIMEOUT_GRACE_MS);
    try {
      return await handle.invoke(payload);
    } catch {
      return null;
    } finally {
      clearTimeout(guard);
    }
  }

  /** Resolves once RIE's REPORT line for the invocation is in, or after REPORT_WAIT_MS without it. */
  private reportArrives(pending: DirectPending): Promise<void> {
    if (pending.reportLine !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, REPORT_WAIT_MS);
      function done(): void {
        clearTimeout(timer);
        pending.onReport = null;
        resolve();
      }
      pending.onReport = done;
    });
  }

  /** The invocation's result as the Lambda API answers it, from RIE's HTTP answer. */
  private async verdictOf(answer: DirectAnswer | null, requestId: string): Promise<Verdict> {
    if (answer?.status === 200) {
      if (/^Task timed out after \d+\.\d\d seconds/.test(answer.body)) {
        const seconds = this.fn.timeoutS.toFixed(2);
        const message = `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`;
        return this.failed('timeout', TIMEOUT_ERROR_TYPE, errorDocument(TIMEOUT_ERROR_TYPE, message));
      }
      const errorType = errorTypeOfDocument(answer.body);
      if (errorType !== null) return this.failed('error', errorType, answer.body);
      return { status: 'success', body: answer.body, functionError: null, errorType: null };
    }
    if (answer === null) {
      // The environment went away: give it a moment to exit, so that an OOM kill can be told apart.
      await Promise.race([this.handle?.exited, new Promise((r) => setTimeout(r, EXIT_WAIT_MS).unref())]);
    }
    const oom = this.handle?.outOfMemory() ?? false;
    if (oom) {
      const message = `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`;
      return this.failed('error', 'Runtime.OutOfMemory', errorDocument('Runtime.OutOfMemory', message));
    }
    if (answer === null) {
      const message = `RequestId: ${requestId} Error: Runtime exited without answering`;
      return this.failed('error', 'Runtime.ExitError', errorDocument('Runtime.ExitError', message));
    }
    // 502: the runtime died or failed its init (RIE passes the error document on); anything else is RIE refusing.
    const errorType =
      errorTypeOfDocument(answer.body) ?? (answer.status === 502 ? 'Runtime.ExitError' : 'Runtime.Unknown');
    const body =
      errorTypeOfDocument(answer.body) === null
        ? errorDocument(errorType, `RequestId: ${requestId} Error: RIE answered HTTP ${answer.status}`)
        : answer.body;
    return this.failed('error', errorType, body);
  }

  private failed(status: 'error' | 'timeout', errorType: string, body: string): Verdict {
    return { status, body, functionError: 'Unhandled', errorType };
  }

  private onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    for (const line of this.lines[stream].push(chunk)) this.onLine(line);
  }

  /** Every line goes to the log stream; RIE's START and REPORT lines also tell the invocation its id and figures. */
  private onLine(line: string): void {
    this.host.logs.append(this.logGroup, this.logStream, line);
    const pending = this.pending;
    if (!pending) return;
    pending.logLines.push(line);
    const start = /^START RequestId: (\S+)/.exec(line);
    if (start?.[1] && pending.rieRequestId === null) pending.rieRequestId = start[1];
    const report = /^REPORT RequestId: (\S+)/.exec(line);
    if (report?.[1] && (pending.rieRequestId === null || report[1] === pending.rieRequestId)) {
      pending.reportLine = line;
      pending.onReport?.();
    }
  }

  private releaseCores(): void {
    if (this.assignedCores.length === 0) return;
    this.host.cores.release(this.assignedCores);
    this.assignedCores = [];
  }

  private onExit(): void {
    this.state = 'dead';
    this.releaseCores();
    rmSync(this.scratchDir, { recursive: true, force: true });
  }

  kill(): void {
    this.state = 'dead';
    this.releaseCores();
    if (this.handle) this.handle.kill();
    else rmSync(this.scratchDir, { recursive: true, force: true });
  }

  async shutdown(): Promise<void> {
    this.kill();
    if (this.handle) await this.handle.exited;
  }
}

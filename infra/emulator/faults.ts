/**
 * Faults the emulator injects on purpose (`emulator --fault NAME=VALUE`, `startEmulator({ faults })`), so the harness's
 * AWS path can be proven against the ways AWS misbehaves without an account:
 *  - throttle=FRACTION: that share of Invoke calls answers HTTP 429 TooManyRequestsException (Reason
 *    ConcurrentInvocationLimitExceeded), as Lambda does at the account's concurrency limit; nothing runs.
 *  - log-delay=SECONDS: log events reach the CloudWatch Logs API that much later (the Invoke tail is unaffected).
 *  - max-memory=MB: CreateFunction and UpdateFunctionConfiguration refuse a larger MemorySize with the
 *    ValidationException capped accounts get (harness/lambda/platform.ts MEMORY_QUOTA_ERROR).
 *  - init-error=FRACTION: that share of cold starts fails INIT: the invocation answers a function error
 *    (Runtime.ExitError) and logs a REPORT with `Status: error`; the environment is not kept.
 *  - timeout=FRACTION: that share of invocations times out: `Task timed out`, `Status: timeout`, Duration and
 *    Billed Duration at the function's timeout, answered at once rather than after the wait.
 * Injected init errors and timeouts never run the function; their log lines say they were injected. Every fault draws
 * from its own stream seeded by `seed`, so a test sees the same faults in the same order every time.
 */
import { randomUUID } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { endLine, type ReportFigures, reportLine, startLine } from '../../harness/lambda/log-format.js';
import { logGroupOf, MEMORY_QUOTA_ERROR, TIMEOUT_ERROR_TYPE } from '../../harness/lambda/platform.js';
import { billedDurationMs } from '../../harness/lambda/pricing.js';
import { ApiError, throttled } from './api-error.js';
import type { InvocationOutcome } from './environment.js';
import { logStreamName } from './environment-common.js';
import { LogStore } from './logs.js';

export const FAULT_NAMES = ['throttle', 'log-delay', 'max-memory', 'init-error', 'timeout'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export interface FaultSpec {
  /** Share of Invoke calls answered 429, 0 to 1. */
  throttle: number;
  /** Seconds before a log event is visible to the Logs API. */
  logDelayS: number;
  /** Largest MemorySize CreateFunction / UpdateFunctionConfiguration accept; null: no cap beyond Lambda's own. */
  maxMemoryMb: number | null;
  /** Share of cold starts that fail INIT, 0 to 1. */
  initError: number;
  /** Share of invocations that time out, 0 to 1. */
  timeout: number;
  /** Seeds every fault's random stream. */
  seed: number;
}

export const NO_FAULTS: FaultSpec = { throttle: 0, logDelayS: 0, maxMemoryMb: null, initError: 0, timeout: 0, seed: 1 };

export const FAULT_RULES: Readonly<Record<FaultName, string>> = {
  throttle: 'a fraction from 0 to 1',
  'log-delay': 'seconds from 0 to 3600',
  'max-memory': 'an integer number of MB from 128 to 10240',
  'init-error': 'a fraction from 0 to 1',
  timeout: 'a fraction from 0 to 1',
};

/** A fault's value, parsed; a message naming the fault and what it allows when it is not one. */
function faultValue(name: FaultName, text: string): number {
  const value = Number(text);
  const fraction = name === 'throttle' || name === 'init-error' || name === 'timeout';
  const ok =
    text.trim() !== '' &&
    Number.isFinite(value) &&
    (fraction
      ? value >= 0 && value <= 1
      : name === 'log-delay'
        ? value >= 0 && value <= 3600
        : Number.isInteger(value) && value >= 128 && value <= 10_240);
  if (!ok) throw new RangeError(`${name}=${text}: ${name} must be ${FAULT_RULES[name]}`);
  return value;
}

/** `NAME=VALUE` items (as `--fault` gives them) into a spec; a RangeError naming the bad item otherwise. */
export function parseFaults(items: readonly string[], seed = NO_FAULTS.seed): FaultSpec {
  const spec: FaultSpec = { ...NO_FAULTS, seed };
  for (const item of items) {
    const [name, value, ...rest] = item.split('=');
    if (value === undefined || rest.length > 0 || !(FAULT_NAMES as readonly string[]).includes(name ?? '')) {
      throw new RangeError(`${item}: must be NAME=VALUE with NAME one of ${FAULT_NAMES.join(', ')}`);
    }
    const fault = name as FaultName;
    const parsed = faultValue(fault, value);
    if (fault === 'throttle') spec.throttle = parsed;
    else if (fault === 'log-delay') spec.logDelayS = parsed;
    else if (fault === 'max-memory') spec.maxMemoryMb = parsed;
    else if (fault === 'init-error') spec.initError = parsed;
    else spec.timeout = parsed;
  }
  return spec;
}

/** One fault's random stream: uniform numbers in [0, 1), the same sequence for the same seed and stream. */
function stream(seed: number, index: number): () => number {
  const rng = xoroshiro128plus((Math.trunc(seed) + index * 0x9e3779b1) | 0);
  return () => uniformFloat64(rng);
}

/** Log events held back by log-delay: appended to the store once their delay has passed. */
class DelayedLogStore extends LogStore {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    region: string,
    accountId: string,
    private readonly delayMs: number,
  ) {
    super(region, accountId);
  }

  override append(groupName: string, streamName: string, message: string, timestamp = Date.now()): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      super.append(groupName, streamName, message, timestamp);
    }, this.delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** What an injected outcome needs of the function. */
export interface FaultFunctionView {
  name: string;
  memoryMb: number;
  timeoutS: number;
}

export type FaultCounts = Record<FaultName, number>;

export class Faults {
  /** How many times each fault was injected, for the emulator's status and the tests. */
  readonly counts: FaultCounts = { throttle: 0, 'log-delay': 0, 'max-memory': 0, 'init-error': 0, timeout: 0 };
  private readonly draws: Record<'throttle' | 'init-error' | 'timeout', () => number>;
  private logStore: DelayedLogStore | null = null;

  constructor(readonly spec: FaultSpec = NO_FAULTS) {
    this.draws = { throttle: stream(spec.seed, 1), 'init-error': stream(spec.seed, 2), timeout: stream(spec.seed, 3) };
  }

  get active(): boolean {
    const s = this.spec;
    return s.throttle > 0 || s.logDelayS > 0 || s.maxMemoryMb !== null || s.initError > 0 || s.timeout > 0;
  }

  /** `throttle=0.25, max-memory=3008`: what is injected, for the emulator's start-up line and status. */
  describe(): string {
    const s = this.spec;
    const parts = [
      s.throttle > 0 ? `throttle=${s.throttle}` : '',
      s.logDelayS > 0 ? `log-delay=${s.logDelayS}` : '',
      s.maxMemoryMb !== null ? `max-memory=${s.maxMemoryMb}` : '',
      s.initError > 0 ? `init-error=${s.initError}` : '',
      s.timeout > 0 ? `timeout=${s.timeout}` : '',
    ].filter((p) => p !== '');
    return parts.length === 0 ? 'none' : `${parts.join(', ')} (seed ${s.seed})`;
  }

  private hit(fault: 'throttle' | 'init-error' | 'timeout', fraction: number): boolean {
    if (fraction <= 0) return false;
    const drawn = this.draws[fault]() < fraction;
    if (drawn) this.counts[fault] += 1;
    return drawn;
  }

  /** The emulator's log store: log-delay holds events back; without it, a plain store. */
  logs(region: string, accountId: string): LogStore {
    if (this.spec.logDelayS <= 0) return new LogStore(region, accountId);
    this.logStore = new DelayedLogStore(region, accountId, this.spec.logDelayS * 1000);
    return this.logStore;
  }

  /**
   * Before an API operation's handler: CreateFunction and UpdateFunctionConfiguration refuse a MemorySize above
   * max-memory, as a capped account's do. A body that is not JSON is left to the handler to refuse.
   */
  beforeOperation(operation: string, body: Buffer): void {
    if (this.spec.maxMemoryMb === null) return;
    if (operation !== 'CreateFunction' && operation !== 'UpdateFunctionConfiguration') return;
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return;
    }
    if (typeof input === 'object' && input !== null) this.checkMemory(input as Record<string, unknown>);
  }

  /** CreateFunction / UpdateFunctionConfiguration: refuse a MemorySize above max-memory, as a capped account does. */
  checkMemory(input: Record<string, unknown>): void {
    const cap = this.spec.maxMemoryMb;
    const memory = input.MemorySize;
    if (cap === null || typeof memory !== 'number' || memory <= cap) return;
    this.counts['max-memory'] += 1;
    throw new ApiError(MEMORY_QUOTA_ERROR.status, MEMORY_QUOTA_ERROR.type, MEMORY_QUOTA_ERROR.message(cap));
  }

  /**
   * Before an invocation runs: throws the 429 of a throttle, or returns the outcome of an injected INIT failure (on a
   * cold start) or timeout, written to the function's log as Lambda would; null lets the invocation run.
   */
  beforeInvoke(fn: FaultFunctionView, cold: boolean, logs: LogStore): InvocationOutcome | null {
    if (this.hit('throttle', this.spec.throttle)) {
      throw throttled('Rate Exceeded.', 'ConcurrentInvocationLimitExceeded');
    }
    if (cold && this.hit('init-error', this.spec.initError)) return injectedInitError(fn, logs);
    if (this.hit('timeout', this.spec.timeout)) return injectedTimeout(fn, logs);
    return null;
  }

  dispose(): void {
    this.logStore?.dispose();
  }
}

function injectedOutcome(
  fn: FaultFunctionView,
  logs: LogStore,
  o: {
    status: 'error' | 'timeout';
    errorType: string;
    /** The answer and the log line, given the request id. */
    body: (requestId: string) => string;
    message: (requestId: string) => string;
    durationMs: number;
  },
): InvocationOutcome {
  const requestId = randomUUID();
  const report: ReportFigures = {
    requestId,
    durationMs: o.durationMs,
    billedDurationMs: billedDurationMs(o.durationMs),
    memorySizeMb: fn.memoryMb,
    maxMemoryUsedMb: 0,
    initDurationMs: null,
    status: o.status,
    errorType: o.status === 'timeout' ? null : o.errorType,
  };
  const logLines = [startLine(requestId), o.message(requestId), endLine(requestId), reportLine(report)];
  // A stream of its own: no environment ran this invocation.
  const stream = logStreamName('$LATEST');
  for (const line of logLines) logs.append(logGroupOf(fn.name), stream, line);
  return {
    requestId,
    status: o.status,
    body: o.body(requestId),
    functionError: 'Unhandled',
    errorType: o.errorType,
    report,
    logLines,
    oversubscription: 0,
  };
}

function injectedInitError(fn: FaultFunctionView, logs: LogStore): InvocationOutcome {
  const message =
    'Runtime exited with error: exit status 1 (INIT failure injected by the emulator: --fault init-error)';
  return injectedOutcome(fn, logs, {
    status: 'error',
    errorType: 'Runtime.ExitError',
    body: (id) =>
      JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${id} Error: ${message}` }),
    message: (id) => `${new Date().toISOString()} ${id} Error: ${message}\tRuntime.ExitError`,
    durationMs: 0,
  });
}

function injectedTimeout(fn: FaultFunctionView, logs: LogStore): InvocationOutcome {
  const seconds = fn.timeoutS.toFixed(2);
  const text = `Task timed out after ${seconds} seconds`;
  return injectedOutcome(fn, logs, {
    status: 'timeout',
    errorType: TIMEOUT_ERROR_TYPE,
    body: (id) =>
      JSON.stringify({ errorType: TIMEOUT_ERROR_TYPE, errorMessage: `${new Date().toISOString()} ${id} ${text}` }),
    message: (id) => `${new Date().toISOString()} ${id} ${text} (injected by the emulator: --fault timeout)`,
    durationMs: fn.timeoutS * 1000,
  });
}

/**
 * Asynchronous (Event) invocations as Lambda's internal queue runs them (harness/lambda/README.md "Asynchronous
 * invocation"): accepted at once; an invocation that fails (function error, timeout, crash) is retried up to
 * MaximumRetryAttempts times (2 unless PutFunctionEventInvokeConfig says otherwise), about 1 and then 2 minutes after
 * the failure; a throttled one is retried until the event is older than MaximumEventAgeInSeconds; an event past that
 * age is dropped. Nothing is delivered to destinations: a dropped event is only logged, in the function's log group.
 */
import { ASYNC_RETRY } from '../../harness/lambda/platform.js';
import { ApiError } from './api-error.js';
import type { InvocationOutcome } from './environment.js';
import type { FunctionRegistry, Resolved } from './functions.js';

export interface AsyncHost {
  readonly registry: FunctionRegistry;
  invoke(resolved: Resolved, payload: string, clientContext: string | null): Promise<InvocationOutcome>;
}

interface Event {
  name: string;
  qualifier: string | null;
  payload: string;
  queuedAtMs: number;
  /** Retries after function errors so far. */
  retries: number;
}

/** How long a throttled event waits before it is tried again. */
const THROTTLE_RETRY_MS = 1000;

export class AsyncInvoker {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly host: AsyncHost,
    /** Delay before the first retry, before the second, ...: Lambda's by default, shorter in tests. */
    private readonly retryDelaysMs: readonly number[] = ASYNC_RETRY.delaysMs,
  ) {}

  submit(resolved: Resolved, payload: string): void {
    this.attempt({
      name: resolved.fn.name,
      qualifier: resolved.qualifier,
      payload,
      queuedAtMs: Date.now(),
      retries: 0,
    });
  }

  /** The event's settings, from the config of the qualifier it was invoked with (none: Lambda's defaults). */
  private policy(resolved: Resolved): { maxRetries: number; maxAgeMs: number } {
    const config = resolved.fn.eventInvokeConfigs.get(resolved.qualifier ?? '$LATEST');
    return {
      maxRetries: config?.maximumRetryAttempts ?? ASYNC_RETRY.maxAttempts.default,
      maxAgeMs: (config?.maximumEventAgeS ?? ASYNC_RETRY.maxEventAgeS.default) * 1000,
    };
  }

  private later(event: Event, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(event);
    }, delayMs);
    this.timers.add(timer);
  }

  private attempt(event: Event): void {
    const run = this.runOnce(event).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async runOnce(event: Event): Promise<void> {
    if (this.closed) return;
    let resolved: Resolved;
    try {
      // Resolved again on every attempt: a retry runs what the qualifier names now; a deleted function ends the event.
      resolved = this.host.registry.resolve(event.name, event.qualifier);
    } catch {
      return;
    }
    const { maxRetries, maxAgeMs } = this.policy(resolved);
    const ageMs = () => Date.now() - event.queuedAtMs;
    try {
      const outcome = await this.host.invoke(resolved, event.payload, null);
      if (outcome.functionError === null || event.retries >= maxRetries) return;
      const delayMs = this.retryDelaysMs[Math.min(event.retries, this.retryDelaysMs.length - 1)] ?? 0;
      if (ageMs() + delayMs > maxAgeMs) return;
      this.later({ ...event, retries: event.retries + 1 }, delayMs);
    } catch (error) {
      const throttledNow = error instanceof ApiError && error.status === 429;
      if (throttledNow && ageMs() + THROTTLE_RETRY_MS <= maxAgeMs) this.later(event, THROTTLE_RETRY_MS);
    }
  }

  /** Resolves once no event is running or waiting for a retry. */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.running.size > 0) {
      await Promise.allSettled([...this.running]);
      if (this.timers.size > 0) await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Cancels every retry still waiting, and waits for the invocations in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}

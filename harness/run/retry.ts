/**
 * Throttling retries for measured invocations: a throttled Invoke (HTTP 429 TooManyRequestsException, or any error the
 * AWS SDK classifies as throttling) never ran the function, so it is retried after a jittered exponential back-off and
 * counted, never recorded as a measurement (harness/lambda/README.md "Invoke API").
 *
 * Written here rather than left to the SDK's own retry strategy (which the Invoke client has turned off): the SDK's
 * retry quota is shared by every call of a client and stops retrying after about a hundred throttles in a row (500
 * tokens, 5 per retry), its adaptive mode queues calls on the client side, and it reports no count of throttles
 * apart from other retries. A sweep needs each record to say how many times that invocation was throttled.
 */
import { isThrottlingError } from '@smithy/core/retry';
import { sleep } from '../../lib/timers.js';

export interface RetryPolicy {
  /** Retries after the first attempt; 0 records the first throttle as it is. */
  maxRetries: number;
  /** The back-off before retry n (0-based) is drawn from [0, min(maxDelayMs, baseDelayMs * 2^n)]: "full jitter". */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Uniform in [0, 1): Math.random unless a test fixes it. */
  random?: () => number;
}

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'maxRetries'> = { baseDelayMs: 100, maxDelayMs: 20_000 };

/** True for a throttling error: HTTP 429, or a throttling error code, as the AWS SDK's retry classification says. */
export function isThrottled(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return isThrottlingError(error as Parameters<typeof isThrottlingError>[0]);
}

/** The `Retry-After` the service sent with a throttle (Lambda's TooManyRequestsException carries it), in ms. */
export function retryAfterMs(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('retryAfterSeconds' in error)) return null;
  const seconds = Number((error as { retryAfterSeconds: unknown }).retryAfterSeconds);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

/**
 * How long to wait before retry `retry` (0-based): full jitter over the exponential ceiling, but never less than
 * the service's own Retry-After (itself capped at maxDelayMs, so a large one cannot stall a sweep).
 */
export function backoffMs(retry: number, policy: RetryPolicy, serviceHintMs: number | null = null): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = (policy.random ?? Math.random)() * ceiling;
  return Math.max(jittered, Math.min(serviceHintMs ?? 0, policy.maxDelayMs));
}

export type Attempted<T> =
  | { ok: true; value: T; retries: number }
  /**
   * The last error: a throttle when every attempt was throttled, else what ended it. `interrupted`: the sweep was
   * stopped while the call was being throttled, so nothing ran and nothing should be recorded.
   */
  | { ok: false; error: unknown; retries: number; throttled: boolean; interrupted: boolean };

/**
 * Calls `call` until it does not throw a throttling error, at most `maxRetries` more times, backing off between
 * attempts. Any other error ends it at once: only a throttle is known not to have run the function. A stopped
 * sweep (`signal`) retries no more, and says the call was interrupted rather than throttled.
 */
export async function withThrottleRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<Attempted<T>> {
  for (let retries = 0; ; retries++) {
    try {
      return { ok: true, value: await call(), retries };
    } catch (error: unknown) {
      const throttled = isThrottled(error);
      const interrupted = throttled && signal?.aborted === true;
      if (!throttled || retries >= policy.maxRetries || interrupted) {
        return { ok: false, error, retries, throttled, interrupted };
      }
      await sleep(backoffMs(retries, policy, retryAfterMs(error)), signal);
    }
  }
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TooManyRequestsException } from '@aws-sdk/client-lambda';
import { backoffMs, isThrottled, type RetryPolicy, withThrottleRetries } from '../../../harness/run/retry.js';

const throttle = (retryAfterSeconds?: string) =>
  new TooManyRequestsException({
    message: 'Rate Exceeded.',
    $metadata: { httpStatusCode: 429 },
    Reason: 'ConcurrentInvocationLimitExceeded',
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });

const policy = (maxRetries: number, random = () => 0): RetryPolicy => ({
  maxRetries,
  baseDelayMs: 1,
  maxDelayMs: 8,
  random,
});

test('full jitter: a draw from [0, min(cap, base * 2^retry)], never below the service Retry-After (capped)', () => {
  const p: RetryPolicy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((n) => backoffMs(n, p)),
    [50, 100, 200, 400, 500, 500],
  );
  assert.equal(backoffMs(0, { ...p, random: () => 0 }), 0);
  assert.equal(backoffMs(0, p, 700), 700, 'Retry-After wins over a shorter draw');
  assert.equal(backoffMs(0, p, 60_000), 1000, 'a huge Retry-After is capped');
});

test('Lambda 429, SDK throttling codes and HTTP 429 are throttles; other service errors are not', () => {
  assert.equal(isThrottled(throttle()), true);
  const throttling = Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: {} });
  assert.equal(isThrottled(throttling), true);
  const status429 = Object.assign(new Error('?'), { name: 'Whatever', $metadata: { httpStatusCode: 429 } });
  assert.equal(isThrottled(status429), true);
  const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  assert.equal(isThrottled(denied), false);
  assert.equal(isThrottled('not an error'), false);
});

test('throttled twice then answered: the value, with 2 retries', async () => {
  let calls = 0;
  const result = await withThrottleRetries(async () => {
    calls += 1;
    if (calls <= 2) throw throttle();
    return 'ok';
  }, policy(5));
  assert.deepEqual(result, { ok: true, value: 'ok', retries: 2 });
  assert.equal(calls, 3);
});

test('throttled past maxRetries: the last throttle, maxRetries counted', async () => {
  let calls = 0;
  const result = await withThrottleRetries(async () => {
    calls += 1;
    throw throttle('0');
  }, policy(3));
  assert.equal(calls, 4);
  assert.ok(!result.ok && result.throttled && !result.interrupted && result.retries === 3);
});

test('any other error ends it at once: it may have run the function, so it is never retried', async () => {
  let calls = 0;
  const boom = Object.assign(new Error('boom'), { name: 'ServiceException', $metadata: { httpStatusCode: 500 } });
  const result = await withThrottleRetries(async () => {
    calls += 1;
    throw boom;
  }, policy(5));
  assert.equal(calls, 1);
  assert.ok(!result.ok && !result.throttled && result.error === boom && result.retries === 0);
});

test('a stopped sweep retries no more and says the throttled call was interrupted', async () => {
  const controller = new AbortController();
  let calls = 0;
  const result = await withThrottleRetries(
    async () => {
      calls += 1;
      controller.abort();
      throw throttle();
    },
    policy(5),
    controller.signal,
  );
  assert.equal(calls, 1);
  assert.ok(!result.ok && result.interrupted && result.throttled);
});

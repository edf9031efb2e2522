import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogStore } from '../../../infra/emulator/logs.js';

function storeWith(messages: string[]): LogStore {
  const store = new LogStore('us-east-1', '000000000000');
  for (const [i, m] of messages.entries()) store.append('/aws/lambda/f', 's', m, 1_000 + i);
  return store;
}

test('GetLogEvents pages backward from the end without repeating an event, and stops with the same token', () => {
  const store = storeWith(Array.from({ length: 25 }, (_, i) => `event ${i}`));
  const seen: string[] = [];
  let token: string | undefined;
  for (let call = 0; call < 10; call++) {
    const page = store.getLogEvents({ logGroupName: '/aws/lambda/f', logStreamName: 's', limit: 10, nextToken: token });
    seen.unshift(...page.events.map((e) => e.message));
    if (page.nextBackwardToken === token) break;
    token = page.nextBackwardToken;
  }
  assert.deepEqual(
    seen,
    Array.from({ length: 25 }, (_, i) => `event ${i}`),
  );
  const forward: string[] = [];
  token = undefined;
  for (let call = 0; call < 10; call++) {
    const page = store.getLogEvents({
      logGroupName: '/aws/lambda/f',
      logStreamName: 's',
      limit: 10,
      startFromHead: true,
      nextToken: token,
    });
    forward.push(...page.events.map((e) => e.message));
    if (page.nextForwardToken === token) break;
    token = page.nextForwardToken;
  }
  assert.deepEqual(forward, seen);
});

const filtered = (store: LogStore, filterPattern: string) =>
  store.filterLogEvents({ logGroupName: '/aws/lambda/f', filterPattern }).events.map((e) => e.message);

test('JSON filter patterns select fields; regex patterns match; space-delimited ones are refused, not silently empty', () => {
  const store = storeWith([
    '{"level":"ERROR","latency":250,"user":{"id":"u-1"},"ok":false}',
    '{"level":"INFO","latency":20,"user":{"id":"u-2"},"ok":true}',
    'START RequestId: 1 Version: $LATEST',
    'plain ERROR text',
  ]);
  assert.equal(filtered(store, '{ $.level = "ERROR" }').length, 1);
  assert.equal(filtered(store, '{ $.latency > 100 || $.user.id = "u-2" }').length, 2);
  assert.equal(filtered(store, '{ ($.level = "INFO") && $.ok IS TRUE }').length, 1);
  assert.equal(filtered(store, '{ $.user.id = "u-*" && $.missing NOT EXISTS }').length, 2);
  assert.deepEqual(filtered(store, '%^START RequestId: \\d+%'), ['START RequestId: 1 Version: $LATEST']);
  assert.deepEqual(filtered(store, 'ERROR -level'), ['plain ERROR text']);
  assert.throws(
    () => filtered(store, '[ip, user, ...]'),
    (e: Error) => e.name === 'ApiError' && /space-delimited/.test(e.message),
  );
  assert.throws(
    () => filtered(store, '{ $.level = }'),
    (e: Error) => /Invalid filter pattern/.test(e.message),
  );
});

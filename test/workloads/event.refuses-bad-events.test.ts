import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventError, handler } from '../../workloads/handler.js';

const good = { mode: 'sequential', workers: 1, items: 1, algorithm: 'pbkdf2', cost: 1, seed: 'x' };

const table: Array<[string, unknown, RegExp]> = [
  [
    'unknown mode',
    { ...good, mode: 'threads' },
    /event\.mode "threads": must be one of sequential, worker_threads, child_process, fan_out, background/,
  ],
  ['unknown algorithm', { ...good, algorithm: 'md5' }, /event\.algorithm "md5": must be one of bcrypt, pbkdf2/],
  ['workers 0', { ...good, workers: 0 }, /event\.workers 0: must be an integer from 1 to 64/],
  ['workers 65', { ...good, workers: 65 }, /event\.workers 65: must be an integer from 1 to 64/],
  ['workers not an integer', { ...good, workers: 1.5 }, /event\.workers 1\.5: must be an integer from 1 to 64/],
  ['items 0', { ...good, items: 0 }, /event\.items 0: must be an integer from 1 to 100000/],
  ['bcrypt cost 3', { ...good, algorithm: 'bcrypt', cost: 3 }, /event\.cost 3: must be an integer from 4 to 16/],
  ['bcrypt cost 31', { ...good, algorithm: 'bcrypt', cost: 31 }, /event\.cost 31: must be an integer from 4 to 16/],
  ['pbkdf2 cost 0', { ...good, cost: 0 }, /event\.cost 0: must be an integer from 1 to 10000000/],
  ['missing mode', { ...good, mode: undefined }, /event\.mode is missing: must be one of sequential/],
  ['missing items', { ...good, items: undefined }, /event\.items is missing: must be an integer from 1 to 100000/],
  ['missing seed', { ...good, seed: undefined }, /event\.seed is missing/],
  ['unknown field', { ...good, threads: 2 }, /event\.threads is not a known field: allowed fields are mode, workers/],
  [
    'background mode without a kind',
    { ...good, mode: 'background' },
    /event\.background is missing: must be one of worker_threads, promise, timer, child_process/,
  ],
  [
    'background kind unknown',
    { ...good, mode: 'background', background: 'thread' },
    /event\.background "thread": must be one of worker_threads, promise, timer, child_process/,
  ],
  [
    'background kind in another mode',
    { ...good, background: 'promise' },
    /event\.background "promise": only with mode background/,
  ],
  ['collect in another mode', { ...good, collect: true }, /event\.collect true: only with mode background/],
  [
    'collect not a boolean',
    { ...good, mode: 'background', background: 'timer', collect: 'yes' },
    /event\.collect "yes": must be true or false/,
  ],
  [
    'background items above its cap',
    { ...good, mode: 'background', background: 'timer', items: 10001 },
    /event\.items 10001: must be an integer from 1 to 10000/,
  ],
  ['not an object', 'hello', /event must be an object/],
  ['null', null, /event must be an object/],
];

for (const [name, event, message] of table) {
  test(`a bad event is refused with the field and its allowed values: ${name}`, async () => {
    // JSON round trip drops undefined fields, as a real invocation payload would.
    const payload = event === null || typeof event !== 'object' ? event : JSON.parse(JSON.stringify(event));
    await assert.rejects(handler(payload), (error: unknown) => {
      assert.ok(error instanceof EventError);
      assert.match(error.message, message);
      return true;
    });
  });
}

test('cost has a documented default per algorithm, reported in the response', async () => {
  const { cost: _cost, ...noCost } = good;
  const out = await handler({ ...noCost, algorithm: 'bcrypt', items: 1, seed: 'd' });
  assert.equal(out.cost, 10);
});

test('fan_out without AWS_LAMBDA_FUNCTION_NAME says what it needs', async () => {
  const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  try {
    await assert.rejects(handler({ ...good, mode: 'fan_out', workers: 2 }), /fan_out needs AWS_LAMBDA_FUNCTION_NAME/);
  } finally {
    if (saved !== undefined) process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
  }
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ConfigError } from '../../harness/errors.js';
import { MB_PER_VCPU } from '../../harness/lambda/platform.js';
import { resolveBackgroundOptions } from '../../harness/options.js';
import { BACKGROUND_KINDS } from '../../workloads/event.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-bg-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('experiment background: defaults from its table, the sweep shared where it is the same option', () => {
  const o = resolveBackgroundOptions({});
  assert.deepEqual(o.memoryMb, [512, MB_PER_VCPU]);
  assert.deepEqual(o.kinds, [...BACKGROUND_KINDS]);
  assert.deepEqual(o.gapMs, [500, 2000]);
  assert.equal(o.reclaim, false);
  assert.equal(o.pairs, 3);
  assert.equal(o.workers, 2);
  assert.equal(o.items, 32);
  assert.equal(o.algorithm, 'bcrypt');
  assert.equal(o.cost, 7, "the experiment's own default cost for bcrypt (the sweep's is larger)");
  assert.equal(o.target, 'local');
  assert.equal(o.role, null);
});

test('flags win over --config, which wins over defaults; lists and switches parse as the sweep parses them', () => {
  const config = path.join(dir, 'bg.json');
  writeFileSync(config, JSON.stringify({ 'gap-ms': [100, 200], pairs: 5, reclaim: true, background: 'timer' }));
  const o = resolveBackgroundOptions({ config, pairs: '2', memory: '1024-2048:1024', algorithm: 'pbkdf2' });
  assert.deepEqual(o.gapMs, [100, 200]);
  assert.equal(o.pairs, 2);
  assert.equal(o.reclaim, true);
  assert.deepEqual(o.kinds, ['timer']);
  assert.deepEqual(o.memoryMb, [1024, 2048]);
  assert.equal(o.cost, 100_000, 'cost follows --algorithm');
});

const refused: Array<[Record<string, unknown>, RegExp]> = [
  [{ 'gap-ms': '700000' }, /^--gap-ms 700000: must be an integer from 0 to 600000 \(ms\)/],
  [{ items: '10001' }, /^--items 10001: must be an integer from 1 to 10000/],
  [{ background: 'thread' }, /^--background thread: must be one of worker_threads, promise, timer, child_process/],
  [{ pairs: '0' }, /^--pairs 0: must be an integer from 1 to 100/],
  [{ workers: '1,2' }, /^--workers 1,2: must be an integer from 1 to 64/],
  [{ reclaim: 'sometimes' }, /^--reclaim sometimes: must be true or false/],
];

for (const [argv, message] of refused) {
  test(`a bad value is refused naming the flag: ${JSON.stringify(argv)}`, () => {
    assert.throws(
      () => resolveBackgroundOptions(argv),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
    );
  });
}

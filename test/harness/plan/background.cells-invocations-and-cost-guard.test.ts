import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../harness/errors.js';
import { resolveBackgroundOptions } from '../../../harness/options.js';
import { backgroundCostGuard, planBackground } from '../../../harness/plan/background.js';

const calibration = { msPerItemAtOneVcpu: 10 };

test('one cell per memory, kind, reclaim setting and gap; three calls a pair, four after a reclaim', () => {
  const o = resolveBackgroundOptions({ memory: '512,1769', background: 'timer,worker_threads', 'gap-ms': '0,100' });
  const plain = planBackground(o, calibration);
  assert.equal(plain.cells.length, 2 * 2 * 2);
  assert.equal(plain.pairs, 8 * 3);
  assert.equal(plain.invocations, 8 * 3 * 3 + 4, 'plus one warm-up per function and kind');
  const reclaim = planBackground({ ...o, reclaim: true }, calibration);
  assert.equal(reclaim.cells.length, 16);
  assert.equal(reclaim.cells.filter((c) => c.reclaim).length, 8);
  assert.equal(reclaim.invocations, 8 * 3 * 3 + 8 * 3 * 4 + 4);
  assert.ok(reclaim.usd > plain.usd && reclaim.wallTimeS > plain.wallTimeS);
});

test('work estimated beyond the timeout is warned about; on AWS the cost guard refuses without --yes', () => {
  const o = resolveBackgroundOptions({ items: '10000', cost: '12', timeout: '10', target: 'aws' });
  const plan = planBackground(o, calibration);
  assert.match(plan.warnings.join('\n'), /beyond --timeout 10 s/);
  assert.throws(() => backgroundCostGuard(plan, { ...o, maxCostUsd: 0 }), ConfigError);
  assert.doesNotThrow(() => backgroundCostGuard(plan, { ...o, maxCostUsd: 0, yes: true }));
  assert.doesNotThrow(() => backgroundCostGuard(plan, { ...o, target: 'local', maxCostUsd: 0 }));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibrate } from '../../../harness/plan/plan.js';

test('calibration times real pbkdf2 hashes on this machine and labels the figure an estimate', () => {
  const c = calibrate('pbkdf2', 1000);
  assert.ok(Number.isFinite(c.msPerItemAtOneVcpu) && c.msPerItemAtOneVcpu > 0);
  assert.equal(c.estimate, true);
  assert.equal(c.measuredCost, 1000);
  assert.ok(c.samples >= 3);
  assert.match(c.method, /median of \d+ pbkdf2 hashes on one thread of this machine/);
});

test('an expensive bcrypt cost is timed at a cheap one and scaled by 2 per round', () => {
  const c = calibrate('bcrypt', 14);
  assert.equal(c.measuredCost, 8);
  assert.match(c.method, /scaled from cost 8 to 14/);
  // 64 times a cost-8 hash: far above a millisecond on any machine, yet measured in well under a second.
  assert.ok(c.msPerItemAtOneVcpu > 64 * 0.1, String(c.msPerItemAtOneVcpu));
});

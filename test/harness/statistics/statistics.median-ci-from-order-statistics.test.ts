import assert from 'node:assert/strict';
import { test } from 'node:test';
import { medianConfidenceInterval } from '../../../harness/statistics/statistics.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('no interval below 6 samples: even [min, max] covers only 1 - 2/2^5 = 93.75% at n = 5', () => {
  for (const n of [0, 1, 2, 3, 4, 5]) assert.equal(medianConfidenceInterval(range(n)), null, `n = ${n}`);
});

test('n = 6: [x(1), x(6)], coverage 1 - 2 * (1/64) = 0.96875', () => {
  // P(B <= 0) = 1/64 = 0.015625 <= 0.025; P(B <= 1) = 7/64 = 0.109 > 0.025 -> rank 1
  assert.deepEqual(medianConfidenceInterval([12, 15, 11, 14, 13, 40]), {
    low: 11,
    high: 40,
    lowRank: 1,
    highRank: 6,
    coverage: 0.96875,
  });
});

test('n = 10: [x(2), x(9)], coverage 1 - 2 * 11/1024', () => {
  // P(B <= 1) = (1 + 10) / 1024 = 0.0107 <= 0.025; P(B <= 2) = 56 / 1024 = 0.0547 > 0.025 -> rank 2
  const ci = medianConfidenceInterval([100, 30, 70, 10, 90, 50, 20, 80, 60, 40]);
  assert.deepEqual(ci, { low: 20, high: 90, lowRank: 2, highRank: 9, coverage: 1 - 22 / 1024 });
});

test('n = 20: [x(6), x(15)], coverage 1 - 2 * 21700/2^20', () => {
  // P(B <= 5) = (1 + 20 + 190 + 1140 + 4845 + 15504) / 1048576 = 21700 / 1048576 = 0.0207 <= 0.025
  // P(B <= 6) = (21700 + 38760) / 1048576 = 0.0577 > 0.025 -> rank 6
  const ci = medianConfidenceInterval(range(20).reverse());
  assert.equal(ci?.lowRank, 6);
  assert.equal(ci?.highRank, 15);
  assert.equal(ci?.low, 6);
  assert.equal(ci?.high, 15);
  assert.ok(Math.abs((ci?.coverage ?? 0) - (1 - 43400 / 1048576)) < 1e-12);
});

test('large n does not underflow 2^-n: rank is about n/2 - 1.96 sqrt(n)/2', () => {
  // n = 2000: n/2 - 1.96 * sqrt(2000) / 2 = 1000 - 43.8 = 956.2; the exact rank is within a couple of that.
  const ci = medianConfidenceInterval(range(2000));
  assert.ok(ci !== null);
  assert.ok(ci.lowRank >= 954 && ci.lowRank <= 958, `rank ${ci.lowRank}`);
  assert.ok(ci.coverage >= 0.95 && ci.coverage < 0.96, `coverage ${ci.coverage}`);
});

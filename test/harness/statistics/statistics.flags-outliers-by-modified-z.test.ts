import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outlierCount, outlierFlags } from '../../../harness/statistics/statistics.js';

test('a sample far from the median is flagged, in input order, and none is dropped', () => {
  // median 13.5, MAD 1.5 (worked in statistics.location-and-spread-hand-worked.test.ts)
  // z(40) = 0.6745 * 26.5 / 1.5 = 11.916 > 3.5 -> outlier
  // z(11) = 0.6745 * -2.5 / 1.5 = -1.124 -> not
  const samples = [12, 15, 11, 14, 13, 40];
  assert.deepEqual(outlierFlags(samples), [false, false, false, false, false, true]);
  assert.equal(outlierCount(samples), 1);
});

test('the 3.5 threshold is strict, on both sides of the median', () => {
  // [10, 10, 12, 14, 14, x] with x > 14: median (12 + 14) / 2 = 13; deviations 3 3 1 1 1 (x - 13)
  // -> sorted 1 1 1 3 3 (x - 13) -> MAD (1 + 3) / 2 = 2.
  // x = 23.3: z = 0.6745 * 10.3 / 2 = 3.473675 -> not flagged; x = 23.4: z = 0.6745 * 10.4 / 2 = 3.5074 -> flagged
  assert.deepEqual(outlierFlags([10, 10, 12, 14, 14, 23.3]), [false, false, false, false, false, false]);
  assert.deepEqual(outlierFlags([10, 10, 12, 14, 14, 23.4]), [false, false, false, false, false, true]);
  // x < 10: median (10 + 12) / 2 = 11; deviations (11 - x) 1 1 1 3 3 -> MAD (1 + 3) / 2 = 2.
  // x = 0.7: z = 0.6745 * -10.3 / 2 = -3.473675 -> not flagged; x = 0.6: z = -3.5074 -> flagged
  assert.deepEqual(outlierFlags([0.7, 10, 10, 12, 14, 14]), [false, false, false, false, false, false]);
  assert.deepEqual(outlierFlags([0.6, 10, 10, 12, 14, 14]), [true, false, false, false, false, false]);
});

test('MAD 0 (more than half the samples equal) flags nothing', () => {
  assert.deepEqual(outlierFlags([5, 5, 5, 5, 100]), [false, false, false, false, false]);
  assert.deepEqual(outlierFlags([]), []);
  assert.equal(outlierCount([7]), 0);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cv, mad, mean, median, quantile, sampleStdev } from '../../../harness/statistics/statistics.js';

// One sample, worked by hand below. Sorted: 11, 12, 13, 14, 15, 40 (n = 6).
const S = [12, 15, 11, 14, 13, 40];

function close(actual: number | null, expected: number, tolerance = 1e-9): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);
}

test('median: mean of the two middle order statistics for even n, the middle one for odd n', () => {
  // (13 + 14) / 2 = 13.5
  assert.equal(median(S), 13.5);
  // sorted 11, 12, 13, 15, 40 -> 13
  assert.equal(median([12, 15, 11, 13, 40]), 13);
  assert.equal(median([7]), 7);
  assert.equal(median([]), null);
});

test('quantile is type 7: h = (n-1)p, linear between the order statistics around h', () => {
  // p 0.9: h = 5 * 0.9 = 4.5 -> x[4] + 0.5 (x[5] - x[4]) = 15 + 0.5 * 25 = 27.5 (0-based on the sorted sample)
  close(quantile(S, 0.9), 27.5);
  // p 0.99: h = 4.95 -> 15 + 0.95 * 25 = 38.75
  close(quantile(S, 0.99), 38.75);
  // p 0.25: h = 1.25 -> 12 + 0.25 * (13 - 12) = 12.25
  close(quantile(S, 0.25), 12.25);
  // p 0 and 1 are the extremes; p 0.5 is the median
  assert.equal(quantile(S, 0), 11);
  assert.equal(quantile(S, 1), 40);
  assert.equal(quantile(S, 0.5), 13.5);
  assert.equal(quantile([], 0.5), null);
  assert.throws(() => quantile(S, 1.5), RangeError);
});

test('mean, sample standard deviation (n - 1) and coefficient of variation', () => {
  // mean = 105 / 6 = 17.5
  assert.equal(mean(S), 17.5);
  // deviations -5.5 -2.5 -6.5 -3.5 -4.5 22.5; squares 30.25 6.25 42.25 12.25 20.25 506.25; sum 617.5
  // variance = 617.5 / 5 = 123.5; stdev = sqrt(123.5) = 11.11305538544643...
  close(sampleStdev(S), Math.sqrt(123.5));
  close(sampleStdev(S), 11.113055385446435, 1e-12);
  // cv = 11.113055385446435 / 17.5 = 0.6350317363112249
  close(cv(S), 0.6350317363112249, 1e-12);
  assert.equal(sampleStdev([5]), null);
  assert.equal(cv([5]), null);
  assert.equal(cv([0, 0, 0]), null);
  assert.equal(mean([]), null);
});

test('MAD is the unscaled median of absolute deviations from the median', () => {
  // |x - 13.5| = 1.5 1.5 2.5 0.5 0.5 26.5 -> sorted 0.5 0.5 1.5 1.5 2.5 26.5 -> median (1.5 + 1.5) / 2 = 1.5
  assert.equal(mad(S), 1.5);
  // [5, 5, 5, 5, 100]: deviations 0 0 0 0 95 -> 0
  assert.equal(mad([5, 5, 5, 5, 100]), 0);
  assert.equal(mad([]), null);
});

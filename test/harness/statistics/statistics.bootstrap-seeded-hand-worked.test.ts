/** The seeded bootstrap: resampled medians and percentile intervals, against distributions worked out by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../../harness/statistics/random.js';
import { bootstrapInterval, resampledMedian } from '../../../harness/statistics/statistics.js';

test('the median of a resample of [1, 2, 3] follows the 27 equally likely resamples: 7/27, 13/27, 7/27', () => {
  // Of the 3^3 resamples, the median is 1 when at least two draws are 1: 3 * 2 (exactly two 1s) + 1 (three) = 7;
  // 3 likewise; 2 in the other 27 - 14 = 13.
  const random = seededRandom(7);
  const counts = new Map<number, number>();
  const draws = 27_000;
  for (let i = 0; i < draws; i++) {
    const m = resampledMedian([1, 2, 3], random);
    counts.set(m ?? -1, (counts.get(m ?? -1) ?? 0) + 1);
  }
  for (const [value, expected] of [
    [1, 7 / 27],
    [2, 13 / 27],
    [3, 7 / 27],
  ] as const) {
    const share = (counts.get(value) ?? 0) / draws;
    // Binomial standard error at 27,000 draws is under 0.0031; 0.015 is about five of them.
    assert.ok(Math.abs(share - expected) < 0.015, `median ${value}: ${share} vs ${expected}`);
  }
  assert.equal(counts.get(-1), undefined);
});

test('an even-sized resample takes the mean of its two middle values', () => {
  // Every draw the same index: the resample is [x, x] and its median x; a source that alternates 0 and 0.75 over
  // [10, 20] draws indices 0 and 1: resample [10, 20], median 15.
  assert.equal(
    resampledMedian([10, 20], () => 0),
    10,
  );
  let flip = false;
  const alternating = () => {
    flip = !flip;
    return flip ? 0 : 0.75;
  };
  assert.equal(resampledMedian([10, 20], alternating), 15);
  assert.equal(
    resampledMedian([], () => 0),
    null,
  );
});

test('the 95% percentile interval of the median of [1, 2, 3] is [1, 3]; a constant sample gives [5, 5]', () => {
  // P(median = 1) = 7/27 = 0.26 > 0.025, so the 2.5% quantile of the replicates is 1, the 97.5% one 3.
  const median = (sample: number[]) => (random: () => number) => resampledMedian(sample, random);
  const options = { resamples: 2000, seed: 1, level: 0.95 };
  assert.deepEqual(bootstrapInterval(median([3, 1, 2].sort()), options), { low: 1, high: 3, replicates: 2000 });
  assert.deepEqual(bootstrapInterval(median([5, 5, 5, 5]), options), { low: 5, high: 5, replicates: 2000 });
});

test('the same seed gives the same interval; replicates that do not exist are left out', () => {
  const sample = Array.from({ length: 50 }, (_, i) => (i * 37) % 101);
  const options = { resamples: 500, seed: 42, level: 0.9 };
  const replicate = (random: () => number) => resampledMedian(sample, random);
  assert.deepEqual(bootstrapInterval(replicate, options), bootstrapInterval(replicate, options));
  assert.notDeepEqual(bootstrapInterval(replicate, options), bootstrapInterval(replicate, { ...options, seed: 43 }));
  assert.equal(
    bootstrapInterval(() => null, options),
    null,
  );
});

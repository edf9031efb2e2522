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

test('an even-sized resample takes the mean of its two middle values: [10, 20] gives 10, 15, 20 as 1/4, 1/2, 1/4', () => {
  // The 4 equally likely resamples: [10, 10], [10, 20], [20, 10], [20, 20].
  const random = seededRandom(11);
  const counts = new Map<number, number>();
  const draws = 40_000;
  for (let i = 0; i < draws; i++) {
    const m = resampledMedian([10, 20], random);
    counts.set(m ?? -1, (counts.get(m ?? -1) ?? 0) + 1);
  }
  assert.deepEqual(
    [...counts.keys()].sort((a, b) => a - b),
    [10, 15, 20],
  );
  for (const [value, expected] of [
    [10, 1 / 4],
    [15, 1 / 2],
    [20, 1 / 4],
  ] as const) {
    const share = (counts.get(value) ?? 0) / draws;
    // Standard error at 40,000 draws is at most 0.0025; 0.0125 is five of them.
    assert.ok(Math.abs(share - expected) < 0.0125, `median ${value}: ${share} vs ${expected}`);
  }
  assert.equal(
    resampledMedian([], () => 0.5),
    null,
  );
});

/** The plain bootstrap resample, as the definition reads: n indices drawn with replacement, the median of their values. */
function plainResampledMedian(sorted: readonly number[], random: () => number): number {
  const drawn = Array.from({ length: sorted.length }, () => sorted[Math.floor(random() * sorted.length)] as number);
  drawn.sort((a, b) => a - b);
  const n = drawn.length;
  return ((drawn[Math.floor((n - 1) / 2)] as number) + (drawn[Math.floor(n / 2)] as number)) / 2;
}

/** The largest gap between the empirical distribution functions of two samples (Kolmogorov-Smirnov). */
function ksDistance(a: number[], b: number[]): number {
  const xs = [...new Set([...a, ...b])].sort((x, y) => x - y);
  a.sort((x, y) => x - y);
  b.sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let worst = 0;
  for (const x of xs) {
    while (i < a.length && (a[i] as number) <= x) i++;
    while (j < b.length && (b[j] as number) <= x) j++;
    worst = Math.max(worst, Math.abs(i / a.length - j / b.length));
  }
  return worst;
}

test('the constant-time resampled median has the distribution of the plain resample, odd and even n', () => {
  // Skewed samples with ties, as Durations are; 20,000 draws each way. Two samples from one distribution differ by
  // more than 1.95 * sqrt(2 / 20,000) = 0.0195 in KS distance once in a thousand; the seeds are fixed.
  for (const n of [5, 6, 101, 100, 1000]) {
    const sample = Array.from({ length: n }, (_, i) => Math.round(100 + 40 * Math.log1p(i % 37) + (i % 5))).sort(
      (a, b) => a - b,
    );
    const fast = seededRandom(n);
    const plain = seededRandom(n + 1);
    const draws = 20_000;
    const mine = Array.from({ length: draws }, () => resampledMedian(sample, fast) as number);
    const reference = Array.from({ length: draws }, () => plainResampledMedian(sample, plain));
    const distance = ksDistance(mine, reference);
    assert.ok(distance < 0.0195, `n = ${n}: KS distance ${distance.toFixed(4)}`);
    assert.ok(mine.every((m) => m >= (sample[0] as number) && m <= (sample[n - 1] as number)));
  }
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

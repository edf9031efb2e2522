/**
 * The statistics of a benchmark cell, in one pure module. Every function takes the raw samples (any order) and
 * returns null where the statistic does not exist for that many samples, instead of throwing: a cell with no warm
 * invocation is a result to report, not a crash.
 *
 * Quantiles are R's type 7 / numpy's default (linear interpolation between the order statistics at (n-1)p),
 * which is what simple-statistics' `quantile` implements.
 */
import {
  medianAbsoluteDeviation as ssMad,
  mean as ssMean,
  median as ssMedian,
  quantile as ssQuantile,
  sampleStandardDeviation as ssSampleStdev,
} from 'simple-statistics';
import { seededRandom } from './random.js';

export function median(samples: readonly number[]): number | null {
  return samples.length === 0 ? null : ssMedian(samples);
}

/** Type 7 quantile: h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]) over the sorted sample. */
export function quantile(samples: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p ${p}: must be from 0 to 1`);
  return samples.length === 0 ? null : ssQuantile(samples, p);
}

export function mean(samples: readonly number[]): number | null {
  return samples.length === 0 ? null : ssMean(samples);
}

/** Sample standard deviation (n - 1 denominator); null below 2 samples. */
export function sampleStdev(samples: readonly number[]): number | null {
  return samples.length < 2 ? null : ssSampleStdev(samples);
}

/** Coefficient of variation: sample stdev / mean; null when either is missing or the mean is 0. */
export function cv(samples: readonly number[]): number | null {
  const s = sampleStdev(samples);
  const m = mean(samples);
  return s === null || m === null || m === 0 ? null : s / m;
}

/** Median absolute deviation, unscaled: median(|x - median(x)|). */
export function mad(samples: readonly number[]): number | null {
  return samples.length === 0 ? null : ssMad(samples);
}

/** Iglewicz and Hoaglin's modified z-score constant and threshold. */
export const MODIFIED_Z_FACTOR = 0.6745;
export const MODIFIED_Z_THRESHOLD = 3.5;

/**
 * Outlier flags, one per sample in input order: |0.6745 (x - median) / MAD| > 3.5. With MAD 0 (more than half the
 * samples equal) the score is undefined and nothing is flagged. Outliers are flagged, never dropped.
 */
export function outlierFlags(samples: readonly number[]): boolean[] {
  const m = median(samples);
  const d = mad(samples);
  if (m === null || d === null || d === 0) return samples.map(() => false);
  return samples.map((x) => Math.abs((MODIFIED_Z_FACTOR * (x - m)) / d) > MODIFIED_Z_THRESHOLD);
}

export function outlierCount(samples: readonly number[]): number {
  return outlierFlags(samples).filter(Boolean).length;
}

export interface MedianInterval {
  low: number;
  high: number;
  /** 1-based ranks of the bounds in the sorted sample: [x(lowRank), x(highRank)], highRank = n + 1 - lowRank. */
  lowRank: number;
  highRank: number;
  /** Exact coverage, 1 - 2 P(B <= lowRank - 1) with B ~ Binomial(n, 1/2); at least the level asked for. */
  coverage: number;
}

/** P(B <= k) for B ~ Binomial(n, 1/2), summed in log space so large n does not underflow 2^-n. */
function binomialHalfCdf(n: number, k: number): number {
  let logChoose = 0; // log C(n, 0)
  let total = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log((n - i + 1) / i);
    total += Math.exp(logChoose - n * Math.LN2);
  }
  return total;
}

/**
 * Distribution-free confidence interval of the median from order statistics: the number of samples below the
 * true median is Binomial(n, 1/2), so [x(k), x(n+1-k)] covers it with probability 1 - 2 P(B <= k-1). k is the
 * largest rank keeping that coverage >= level. Null when even [min, max] falls short (n < 6 at 95%:
 * 1 - 2/2^5 = 0.9375).
 */
export function medianConfidenceInterval(samples: readonly number[], level = 0.95): MedianInterval | null {
  const n = samples.length;
  const alphaHalf = (1 - level) / 2;
  let lowRank = 0;
  // Ranks only grow while the tail below them stays within alpha/2; the tail is monotone in k. The tail P(B <= k) is
  // summed term by term as k grows (the same additions, in the same order, as binomialHalfCdf(n, k)), so a cell of
  // thousands of invocations costs n steps, not n^2.
  let logChoose = 0;
  let tail = Math.exp(-n * Math.LN2);
  while (lowRank + 1 <= n / 2 && tail <= alphaHalf) {
    lowRank++;
    logChoose += Math.log((n - lowRank + 1) / lowRank);
    tail += Math.exp(logChoose - n * Math.LN2);
  }
  if (lowRank === 0) return null;
  // A typed array sorts numbers by value without a comparator call per step: several times faster on a large cell.
  const sorted = Float64Array.from(samples).sort();
  const highRank = n + 1 - lowRank;
  const low = sorted[lowRank - 1];
  const high = sorted[highRank - 1];
  if (low === undefined || high === undefined) return null;
  return { low, high, lowRank, highRank, coverage: 1 - 2 * binomialHalfCdf(n, lowRank - 1) };
}

export interface RepetitionPolicy {
  /** Never stop before this many samples. */
  minReps: number;
  /** Always stop at this many samples. */
  maxReps: number;
  /** Stop once the 95% CI half-width of the median is at most this fraction of the median (0.05 = +-5%). */
  ciFraction: number;
}

/** Whether a cell has enough repetitions: n >= maxReps, or n >= minReps and the median's 95% CI is tight enough. */
export function repetitionsDone(samples: readonly number[], policy: RepetitionPolicy): boolean {
  const n = samples.length;
  if (n >= policy.maxReps) return true;
  if (n < policy.minReps) return false;
  const ci = medianConfidenceInterval(samples);
  const m = median(samples);
  if (ci === null || m === null) return false;
  return (ci.high - ci.low) / 2 <= policy.ciFraction * m;
}

/** A standard normal variate from two uniforms (Box-Muller). */
function standardNormal(random: () => number): number {
  const u = 1 - random(); // (0, 1]: the logarithm is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * A Gamma(shape, 1) variate for shape >= 1: Marsaglia and Tsang, "A simple method for generating gamma variables",
 * ACM TOMS 26(3), 2000, with their squeeze. Written here because no dependency of the project samples gammas.
 */
function gammaVariate(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** The k-th smallest (1-based) of n independent uniforms on (0, 1): a Beta(k, n + 1 - k) variate. */
function uniformOrderStatistic(k: number, n: number, random: () => number): number {
  const x = gammaVariate(k, random);
  return x / (x + gammaVariate(n + 1 - k, random));
}

/**
 * The median of one bootstrap resample of a sorted sample: what drawing n values with replacement and taking their
 * median gives, drawn from that same distribution in constant time instead of n draws. A resample draws indices
 * floor(n U) with U uniform, and floor(n u) keeps the order of u, so the resample's k-th smallest index is
 * floor(n U_(k)) with U_(k) the k-th smallest of n uniforms, a Beta(k, n + 1 - k) variate; the next one up is the
 * least of the n - k uniforms above it, U_(k) + (1 - U_(k)) (1 - V^(1 / (n - k))). The sample being sorted, the k-th
 * smallest drawn index holds the k-th smallest drawn value. (Drawing all n indices cost the analysis of a large run
 * seconds: amdahl.ts resamples every fitted cell a thousand times.)
 */
export function resampledMedian(sorted: readonly number[], random: () => number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  // 1-based rank of the middle order statistic, the lower of the two for even n.
  const k = Math.floor((n + 1) / 2);
  const low = uniformOrderStatistic(k, n, random);
  const at = (u: number) => sorted[Math.min(n - 1, Math.floor(u * n))] as number;
  if (n % 2 === 1) return at(low);
  const high = low + (1 - low) * (1 - (1 - random()) ** (1 / (n - k)));
  return (at(low) + at(high)) / 2;
}

export interface BootstrapOptions {
  /** Replicates drawn. */
  resamples: number;
  /** Seed of harness/statistics/random.ts seededRandom: the same seed gives the same interval. */
  seed: number;
  /** Coverage of the percentile interval, e.g. 0.95. */
  level: number;
}

/**
 * A seeded percentile bootstrap interval: `replicate` computes the statistic on one resample (drawing from the
 * random source it is given); the interval is the (1 - level) / 2 and (1 + level) / 2 type-7 quantiles of the
 * replicates that exist. Null when none does.
 */
export function bootstrapInterval(
  replicate: (random: () => number) => number | null,
  o: BootstrapOptions,
): { low: number; high: number; replicates: number } | null {
  const random = seededRandom(o.seed);
  const values: number[] = [];
  for (let b = 0; b < o.resamples; b++) {
    const value = replicate(random);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  if (values.length === 0) return null;
  const low = quantile(values, (1 - o.level) / 2);
  const high = quantile(values, (1 + o.level) / 2);
  return low === null || high === null ? null : { low, high, replicates: values.length };
}

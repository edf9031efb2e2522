/**
 * amdahl.csv's interval, drawn with the constant-time resampled median (harness/statistics/statistics.ts), is the
 * interval of the plain bootstrap: every fitted cell's and baseline's warm Durations resampled n at a time, their
 * medians taken, f refitted. Both on the same noisy cells, with the same number of replicates: the bounds agree to
 * within Monte Carlo error, a small share of the interval's width.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AMDAHL_BOOTSTRAP, amdahlRows, fitSerialFraction } from '../../../harness/analyze/amdahl.js';
import { sampleCells, summarize, summaryInput } from '../../../harness/analyze/summary.js';
import { memoryForVcpus } from '../../../harness/lambda/platform.js';
import { seededRandom } from '../../../harness/statistics/random.js';
import { bootstrapInterval } from '../../../harness/statistics/statistics.js';
import { invocationRow } from '../../support/report-fixtures.js';

function plainResampledMedian(sorted: readonly number[], random: () => number): number {
  const drawn = Array.from({ length: sorted.length }, () => sorted[Math.floor(random() * sorted.length)] as number);
  drawn.sort((a, b) => a - b);
  const n = drawn.length;
  return ((drawn[Math.floor((n - 1) / 2)] as number) + (drawn[Math.floor(n / 2)] as number)) / 2;
}

test('the Amdahl interval equals the plain bootstrap interval within Monte Carlo error', () => {
  const noise = seededRandom(5);
  // Durations with a right tail, as measured ones have: the median of many, plus an occasional slow one.
  const durations = (medianMs: number, n: number) =>
    Array.from({ length: n }, () => medianMs * (0.9 + 0.2 * noise() + (noise() < 0.1 ? 0.5 * noise() : 0)));
  // Two vCPUs (P = 2) and four (P = 4): threads at speedups near 1.7 and 2.9, 61 and 80 warm rows per cell.
  const cells = [
    { memory_mb: memoryForVcpus(2), workers: 2, sequentialMs: 400, threadsMs: 235, n: 61 },
    { memory_mb: memoryForVcpus(4), workers: 4, sequentialMs: 400, threadsMs: 138, n: 80 },
  ];
  const inputs = cells.flatMap((c) => [
    ...durations(c.sequentialMs, c.n).map((ms, rep) =>
      summaryInput(invocationRow({ memory_mb: c.memory_mb, rep, duration_ms: ms })),
    ),
    ...durations(c.threadsMs, c.n).map((ms, rep) =>
      summaryInput(
        invocationRow({ memory_mb: c.memory_mb, mode: 'worker_threads', workers: c.workers, rep, duration_ms: ms }),
      ),
    ),
  ]);
  const summary = summarize(inputs);
  const [fit] = amdahlRows(summary, sampleCells(inputs));
  assert.ok(fit?.serial_fraction_ci95_low != null && fit.serial_fraction_ci95_high != null);

  // The plain bootstrap, by the definition: the same cells, P from the same summary rows.
  const sorted = (mode: string, memory: number) =>
    inputs
      .filter((r) => r.mode === mode && r.memory_mb === memory)
      .map((r) => r.duration_ms as number)
      .sort((a, b) => a - b);
  const fitted = cells.map((c) => ({
    p: summary.find((s) => s.mode === 'worker_threads' && s.memory_mb === c.memory_mb)?.ideal_speedup as number,
    threads: sorted('worker_threads', c.memory_mb),
    sequential: sorted('sequential', c.memory_mb),
  }));
  assert.deepEqual(
    fitted.map((c) => c.p),
    [2, 4],
  );
  const plain = bootstrapInterval(
    (random) =>
      fitSerialFraction(
        fitted.map((c) => ({
          p: c.p,
          speedup: plainResampledMedian(c.sequential, random) / plainResampledMedian(c.threads, random),
        })),
      ),
    AMDAHL_BOOTSTRAP,
  );
  assert.ok(plain !== null);
  const width = plain.high - plain.low;
  assert.ok(width > 0.01, `a real interval to compare (${plain.low} to ${plain.high})`);
  // A 2.5% or 97.5% quantile of 1,000 replicates varies by about 2% of a normal interval's width from one set of
  // replicates to the next; two independent sets, by about 3%. 15% is five of those.
  for (const [bound, mine, theirs] of [
    ['low', fit.serial_fraction_ci95_low, plain.low],
    ['high', fit.serial_fraction_ci95_high, plain.high],
  ] as const) {
    assert.ok(
      Math.abs(mine - theirs) < 0.15 * width,
      `${bound}: ${mine.toFixed(4)} here, ${theirs.toFixed(4)} by the plain bootstrap (width ${width.toFixed(4)})`,
    );
  }
  // And the point estimate lies inside both.
  const f = fit.serial_fraction as number;
  assert.ok(plain.low < f && f < plain.high && fit.serial_fraction_ci95_low < f && f < fit.serial_fraction_ci95_high);
});

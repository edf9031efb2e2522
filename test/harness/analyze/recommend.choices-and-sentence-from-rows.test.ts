/** The recommendation: every choice and every figure of the sentence, worked out by hand from summary rows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { payoffSentence, recommend, renderRecommendation } from '../../../harness/analyze/recommend.js';
import { summaryRow } from '../../support/summary-fixtures.js';

const rows = [
  summaryRow({ memory_mb: 1769, median_ms: 100, cost_per_1k_items_usd: 0.25 }),
  summaryRow({
    memory_mb: 1769,
    mode: 'worker_threads',
    workers: 2,
    median_ms: 110,
    cost_per_1k_items_usd: 0.28,
    speedup_vs_sequential: 100 / 110,
  }),
  summaryRow({ memory_mb: 3538, median_ms: 100, cost_per_1k_items_usd: 0.5 }),
  summaryRow({
    memory_mb: 3538,
    mode: 'worker_threads',
    workers: 2,
    median_ms: 52,
    cost_per_1k_items_usd: 0.26,
    speedup_vs_sequential: 100 / 52,
  }),
];

test('the sentence: where threads pay off, by how much, at what cost, and what they do below', () => {
  // 100 / 52 = 1.923x; cost 1 - 0.26 / 0.5 = 48% cheaper; below 3538 MB the best is 100 / 110 = 0.91x.
  assert.equal(
    payoffSentence(rows),
    'threads pay off from 3538 MB: worker_threads x2 is 1.92x faster than sequential at 3538 MB and 48% cheaper per item ($0.26 vs $0.5 per 1,000); below 3538 MB they cost time (at best 0.91x, at 1769 MB).',
  );
  assert.equal(
    payoffSentence(rows.slice(0, 2)),
    'threads do not pay off in this run: at best worker_threads x2 is 0.91x sequential (at 1769 MB).',
  );
  assert.match(payoffSentence(rows.filter((r) => r.mode !== 'sequential')), /No sequential baseline/);
});

test('cost, speed and balanced picks', () => {
  const pick = (strategy: 'cost' | 'speed' | 'balanced', maxDurationMs: number | null = null) => {
    const p = recommend(rows, { strategy, maxDurationMs })[0]?.pick;
    return p ? `${p.mode} x${p.workers} ${p.memory_mb}` : null;
  };
  assert.equal(pick('cost'), 'sequential x1 1769'); // $0.25, the least
  assert.equal(pick('speed'), 'worker_threads x2 3538'); // 52 ms
  // balanced: 0.5 cost / 0.5 + 0.5 ms / 110: sequential 1769 0.25 + 0.4545; threads 3538 0.26 + 0.2364 = 0.4964.
  assert.equal(pick('balanced'), 'worker_threads x2 3538');
  assert.equal(pick('cost', 60), 'worker_threads x2 3538'); // only it is at most 60 ms
  assert.equal(pick('cost', 10), null);
});

test('per mode: the cheapest, the fastest and the balanced configuration', () => {
  const [r] = recommend(rows, { strategy: 'balanced', maxDurationMs: null });
  const sequential = r?.perMode.find((m) => m.mode === 'sequential');
  assert.equal(sequential?.cheapest.memory_mb, 1769);
  // Same Duration: the tie goes to the cheaper.
  assert.equal(sequential?.fastest.memory_mb, 1769);
  const threads = r?.perMode.find((m) => m.mode === 'worker_threads');
  assert.equal(threads?.cheapest.memory_mb, 3538);
  assert.equal(threads?.fastest.memory_mb, 3538);
  assert.equal(r?.emulated, false);
  assert.match(
    renderRecommendation(recommend(rows, { strategy: 'cost', maxDurationMs: null })),
    /Pick: sequential x1 at 1769 MB/,
  );
});

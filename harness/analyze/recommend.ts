/**
 * The recommendation: per mode, the cheapest, the fastest and the balanced configuration of the run, the one the
 * chosen strategy picks overall, and one sentence answering the question the tool exists for (does parallelism pay
 * off, from which memory size, at what cost). Pure data built from summary rows: every figure in it is one of theirs.
 */
import { groupBy } from '../../lib/collections.js';
import type { RecommendFlags, Strategy } from '../options.js';
import { formatSignificant } from '../text/format.js';
import type { SummaryRow } from './summary.js';

/** A parallel mode "pays off" at a speedup of at least this over sequential at the same memory (5%). */
export const PAYOFF_SPEEDUP = 1.05;
/** balanced: the weight of cost against Duration, each normalised by its largest value among the candidates. */
export const BALANCED_COST_WEIGHT = 0.5;

export type RecommendOptions = RecommendFlags;

/** A configuration with the figures a recommendation quotes. */
export type Choice = Pick<
  SummaryRow,
  'arch' | 'memory_mb' | 'mode' | 'workers' | 'median_ms' | 'cost_per_1k_items_usd' | 'speedup_vs_sequential'
> & { median_ms: number; cost_per_1k_items_usd: number };

export interface ModeChoices {
  mode: SummaryRow['mode'];
  cheapest: Choice;
  fastest: Choice;
  balanced: Choice;
}

export interface Recommendation {
  workload: string;
  strategy: Strategy;
  maxDurationMs: number | null;
  emulated: boolean;
  perMode: ModeChoices[];
  /** The strategy's pick over every mode; null when no configuration qualifies. */
  pick: Choice | null;
  sentence: string;
}

function isCandidate(row: SummaryRow): row is SummaryRow & Choice {
  return row.n > 0 && row.median_ms !== null && row.cost_per_1k_items_usd !== null;
}

function choice(row: SummaryRow & Choice): Choice {
  return {
    arch: row.arch,
    memory_mb: row.memory_mb,
    mode: row.mode,
    workers: row.workers,
    median_ms: row.median_ms,
    cost_per_1k_items_usd: row.cost_per_1k_items_usd,
    speedup_vs_sequential: row.speedup_vs_sequential,
  };
}

const byCost = (a: Choice, b: Choice) => a.cost_per_1k_items_usd - b.cost_per_1k_items_usd || a.median_ms - b.median_ms;
const bySpeed = (a: Choice, b: Choice) =>
  a.median_ms - b.median_ms || a.cost_per_1k_items_usd - b.cost_per_1k_items_usd;

/** balanced: the least of w cost / max cost + (1 - w) Duration / max Duration among the candidates. */
function balancedOrder(candidates: readonly Choice[]): (a: Choice, b: Choice) => number {
  const maxCost = Math.max(...candidates.map((c) => c.cost_per_1k_items_usd)) || 1;
  const maxMs = Math.max(...candidates.map((c) => c.median_ms)) || 1;
  const score = (c: Choice) =>
    (BALANCED_COST_WEIGHT * c.cost_per_1k_items_usd) / maxCost + ((1 - BALANCED_COST_WEIGHT) * c.median_ms) / maxMs;
  return (a, b) => score(a) - score(b) || bySpeed(a, b);
}

function best(candidates: readonly Choice[], order: (a: Choice, b: Choice) => number): Choice | null {
  return candidates.length === 0 ? null : ([...candidates].sort(order)[0] ?? null);
}

function orderFor(strategy: Strategy, candidates: readonly Choice[]): (a: Choice, b: Choice) => number {
  return strategy === 'cost' ? byCost : strategy === 'speed' ? bySpeed : balancedOrder(candidates);
}

const usd = (x: number) => `$${formatSignificant(x, 3)}`;

/**
 * The sentence: for the in-process parallel mode that gains most (threads or processes), from which memory it pays
 * off (a speedup of PAYOFF_SPEEDUP or more), its best configuration against sequential at the same memory in time
 * and cost per item, and what it does below that memory.
 */
export function payoffSentence(rows: readonly SummaryRow[]): string {
  const pool = rows.filter(
    (r) => (r.mode === 'worker_threads' || r.mode === 'child_process') && r.speedup_vs_sequential !== null,
  );
  if (!rows.some((r) => r.mode === 'sequential' && r.median_ms !== null)) {
    return 'No sequential baseline was measured, so whether parallelism pays off cannot be said.';
  }
  if (pool.length === 0) return 'No worker_threads or child_process cell has a speedup: nothing to compare.';
  const top = pool.reduce((a, b) =>
    (b.speedup_vs_sequential ?? 0) > (a.speedup_vs_sequential ?? 0) ? b : a,
  ) as SummaryRow & { speedup_vs_sequential: number };
  const lines = pool.filter((r) => r.mode === top.mode);
  const what = top.mode === 'worker_threads' ? 'threads' : 'child processes';
  if (top.speedup_vs_sequential < PAYOFF_SPEEDUP) {
    return `${what} do not pay off in this run: at best ${top.mode} x${top.workers} is ${top.speedup_vs_sequential.toFixed(2)}x sequential (at ${top.memory_mb} MB).`;
  }
  const paying = lines.filter((r) => (r.speedup_vs_sequential ?? 0) >= PAYOFF_SPEEDUP);
  const from = Math.min(...paying.map((r) => r.memory_mb));
  const sequential = rows.find((r) => r.mode === 'sequential' && r.memory_mb === top.memory_mb && r.arch === top.arch);
  let costPart = '';
  if (sequential?.cost_per_1k_items_usd && top.cost_per_1k_items_usd !== null) {
    const change = 1 - top.cost_per_1k_items_usd / sequential.cost_per_1k_items_usd;
    costPart = ` and ${Math.abs(change * 100).toFixed(0)}% ${change >= 0 ? 'cheaper' : 'dearer'} per item (${usd(top.cost_per_1k_items_usd)} vs ${usd(sequential.cost_per_1k_items_usd)} per 1,000)`;
  }
  const below = lines.filter((r) => r.memory_mb < from);
  let belowPart = '';
  if (below.length > 0) {
    const bestBelow = below.reduce((a, b) => ((b.speedup_vs_sequential ?? 0) > (a.speedup_vs_sequential ?? 0) ? b : a));
    const s = bestBelow.speedup_vs_sequential ?? 0;
    belowPart = `; below ${from} MB they ${s < 1 ? 'cost time' : `gain under ${Math.round((PAYOFF_SPEEDUP - 1) * 100)}%`} (at best ${s.toFixed(2)}x, at ${bestBelow.memory_mb} MB)`;
  }
  return `${what} pay off from ${from} MB: ${top.mode} x${top.workers} is ${top.speedup_vs_sequential.toFixed(2)}x faster than sequential at ${top.memory_mb} MB${costPart}${belowPart}.`;
}

function workloadKey(r: SummaryRow): string {
  return `${r.algorithm} cost ${r.cost}, ${r.items} items`;
}

/** One recommendation per workload the run measured (normally one). */
export function recommend(summary: readonly SummaryRow[], o: RecommendOptions): Recommendation[] {
  return [...groupBy(summary, workloadKey)].map(([workload, rows]) => {
    const candidates = rows
      .filter(isCandidate)
      .filter((r) => o.maxDurationMs === null || r.median_ms <= o.maxDurationMs)
      .map(choice);
    const perMode: ModeChoices[] = [];
    for (const [mode, list] of groupBy(candidates, (c) => c.mode)) {
      const cheapest = best(list, byCost);
      const fastest = best(list, bySpeed);
      const balanced = best(list, balancedOrder(list));
      if (cheapest && fastest && balanced) perMode.push({ mode, cheapest, fastest, balanced });
    }
    const emulated = rows.some((r) => r.emulated);
    const sentence = `${emulated ? 'Emulated: ' : ''}${payoffSentence(rows)}`;
    return {
      workload,
      strategy: o.strategy,
      maxDurationMs: o.maxDurationMs,
      emulated,
      perMode,
      pick: best(candidates, orderFor(o.strategy, candidates)),
      sentence,
    };
  });
}

function describe(c: Choice): string {
  const speedup = c.speedup_vs_sequential === null ? '' : `, ${c.speedup_vs_sequential.toFixed(2)}x sequential`;
  return `${c.mode} x${c.workers} at ${c.memory_mb} MB (${c.median_ms.toFixed(1)} ms, ${usd(c.cost_per_1k_items_usd)} per 1,000 items${speedup})`;
}

/** The recommendation for the terminal: the sentence, the pick, and the three choices per mode. */
export function renderRecommendation(recommendations: readonly Recommendation[]): string {
  const out: string[] = [];
  for (const r of recommendations) {
    const limit = r.maxDurationMs === null ? '' : `, median Duration at most ${r.maxDurationMs} ms`;
    out.push(`Recommendation (${r.workload}; strategy ${r.strategy}${limit}):`);
    out.push(`  ${r.sentence}`);
    out.push(r.pick === null ? '  No configuration qualifies.' : `  Pick: ${describe(r.pick)}`);
    for (const m of r.perMode) {
      // One configuration that is all three is said once.
      const same = m.cheapest === m.fastest && m.fastest === m.balanced;
      out.push(
        same
          ? `  ${m.mode}: cheapest, fastest and balanced: ${describe(m.cheapest)}`
          : `  ${m.mode}: cheapest ${describe(m.cheapest)}; fastest ${describe(m.fastest)}; balanced ${describe(m.balanced)}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

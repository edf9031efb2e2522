/** Summary rows for the tests of what is derived from them (knee, vCPU table, Amdahl fit, recommendation). */
import type { SummaryRow } from '../../harness/analyze/summary.js';

/** A summary row: sequential x1 at 1769 MB, 100 ms, unless overridden. */
export function summaryRow(overrides: Partial<SummaryRow> = {}): SummaryRow {
  const memory = overrides.memory_mb ?? 1769;
  return {
    arch: 'x86_64',
    memory_mb: memory,
    mode: 'sequential',
    workers: 1,
    emulated: false,
    cpu_enforced: true,
    algorithm: 'bcrypt',
    cost: 7,
    items: 4,
    n: 10,
    n_errors: 0,
    median_ms: 100,
    mean_ms: 100,
    stdev_ms: 1,
    cv: 0.01,
    p90_ms: 101,
    p99_ms: 102,
    ci95_low_ms: 99,
    ci95_high_ms: 101,
    outliers: 0,
    billed_median_ms: 100,
    cost_per_invocation_usd: 0.000001,
    cost_per_1k_items_usd: 0.00025,
    items_per_s: 40,
    speedup_vs_sequential: 1,
    ideal_speedup: 1,
    efficiency: 1,
    vcpu_share: memory / 1769,
    visible_cores: 2,
    n_oversubscribed: 0,
    n_cost_incomplete: 0,
    ...overrides,
  } as SummaryRow;
}

/**
 * vcpu.csv, Duration against vCPU count: one tidy row per (arch, memory, mode, workers) and workload, the CPU the
 * memory buys (share, visible cores, the parallelism model's usable CPUs and ideal speedup: harness/model/
 * parallelism.ts) beside what the cell measured. A plotting tool's input: one observation per row.
 */
import { parallelism } from '../model/parallelism.js';
import { csvExporter } from './csv.js';
import type { Exporter } from './exporter.js';
import { CELL_FIELDS, type SummaryRow } from './summary.js';

export const VCPU_COLUMNS = [
  ...CELL_FIELDS,
  'vcpu_share',
  'visible_cores',
  'usable_cpus',
  'ideal_speedup',
  'n',
  'median_ms',
  'ci95_low_ms',
  'ci95_high_ms',
  'speedup_vs_sequential',
  'efficiency',
  'cost_per_1k_items_usd',
] as const;

export type VcpuRow = Pick<SummaryRow, Exclude<(typeof VCPU_COLUMNS)[number], 'usable_cpus'>> & {
  /** CPUs the invocation can use at once, by the model (for fan_out, over all its children's environments). */
  usable_cpus: number;
};

export interface VcpuOptions {
  /** Host cores of an emulated run (they cap the model's bounds); null on Lambda. */
  hostCores?: number | null;
}

export function vcpuRows(summary: readonly SummaryRow[], o: VcpuOptions = {}): VcpuRow[] {
  return summary.map((s) => ({
    arch: s.arch,
    memory_mb: s.memory_mb,
    mode: s.mode,
    workers: s.workers,
    algorithm: s.algorithm,
    cost: s.cost,
    items: s.items,
    emulated: s.emulated,
    cpu_enforced: s.cpu_enforced,
    vcpu_share: s.vcpu_share,
    visible_cores: s.visible_cores,
    usable_cpus: parallelism({
      mode: s.mode,
      workers: s.workers,
      items: s.items,
      memoryMb: s.memory_mb,
      hostCores: s.emulated ? (o.hostCores ?? null) : null,
    }).usableCpus,
    ideal_speedup: s.ideal_speedup,
    n: s.n,
    median_ms: s.median_ms,
    ci95_low_ms: s.ci95_low_ms,
    ci95_high_ms: s.ci95_high_ms,
    speedup_vs_sequential: s.speedup_vs_sequential,
    efficiency: s.efficiency,
    cost_per_1k_items_usd: s.cost_per_1k_items_usd,
  }));
}

export const vcpuCsv: Exporter<VcpuRow> = csvExporter<VcpuRow, (typeof VCPU_COLUMNS)[number]>('vcpu.csv', VCPU_COLUMNS);

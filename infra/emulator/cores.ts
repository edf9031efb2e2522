/**
 * Which host cores each execution environment runs on. Every live environment gets its own set of cores from the
 * emulator's effective cpuset (the CPUs this process may use, which in a container or a restricted cgroup need not
 * start at CPU 0), least loaded first, as many as Lambda would show at its memory size (harness/lambda/README.md
 * "Visible cores") capped by what the cpuset holds. Concurrent environments (fan-out children, parallel cells) so
 * spread over the host instead of piling onto cores 0..k-1, and the host's oversubscription is computed per core,
 * from the quotas of the environments actually running there.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** `0-3,8,10-11` -> [0, 1, 2, 3, 8, 10, 11]. */
export function parseCpuList(text: string): number[] {
  const cpus = new Set<number>();
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from)) continue;
    const end = to === undefined ? from : to;
    if (!Number.isInteger(end)) continue;
    for (let cpu = from; cpu <= end; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** [0, 1, 2, 3, 8] -> `0-3,8`, the form cpuset.cpus and `docker --cpuset-cpus` take. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The CPUs this process may run on (its affinity, which follows its cpuset); all of os.cpus() when unknown. */
export function effectiveCpus(): number[] {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /^Cpus_allowed_list:\s*(\S+)/m.exec(status);
    const cpus = match?.[1] === undefined ? [] : parseCpuList(match[1]);
    if (cpus.length > 0) return cpus;
  } catch {
    // not Linux
  }
  return os.cpus().map((_cpu, i) => i);
}

/** Something the allocator places: its current CPU quota, and whether it is running (not frozen, not dead). */
export interface PlacedLoad {
  readonly cores: readonly number[];
  /** CPUs' worth of quota; null when none is enforced. */
  readonly cpuQuota: number | null;
  readonly running: boolean;
}

export class CoreAllocator {
  /** Live environments per core: how many placements hold it (frozen ones included, they will run again). */
  private readonly holders = new Map<number, number>();

  constructor(readonly cpus: readonly number[] = effectiveCpus()) {
    if (cpus.length === 0) throw new RangeError('CoreAllocator needs at least one CPU');
    for (const cpu of cpus) this.holders.set(cpu, 0);
  }

  /** Cores for a new environment: `wanted` of them (capped by the cpuset), the least held first, lowest id on a tie. */
  assign(wanted: number): number[] {
    const count = Math.max(1, Math.min(wanted, this.cpus.length));
    const chosen = [...this.cpus]
      .sort((a, b) => (this.holders.get(a) ?? 0) - (this.holders.get(b) ?? 0) || a - b)
      .slice(0, count)
      .sort((a, b) => a - b);
    for (const cpu of chosen) this.holders.set(cpu, (this.holders.get(cpu) ?? 0) + 1);
    return chosen;
  }

  /** Gives an environment's cores back when it is gone. */
  release(cores: readonly number[]): void {
    for (const cpu of cores) {
      const held = this.holders.get(cpu);
      if (held !== undefined && held > 0) this.holders.set(cpu, held - 1);
    }
  }

  /**
   * The busiest core's demand: each running environment spreads its quota evenly over its cores. Above 1, some core
   * is asked for more than it has: timings there measure the host. Environments without an enforced quota count for
   * nothing (their rows say cpu_enforced=false anyway: no timing of theirs is comparable).
   */
  static oversubscription(loads: Iterable<PlacedLoad>): number {
    const demand = new Map<number, number>();
    for (const load of loads) {
      if (!load.running || load.cores.length === 0) continue;
      if (load.cpuQuota === null) continue;
      const perCore = load.cpuQuota / load.cores.length;
      for (const cpu of load.cores) demand.set(cpu, (demand.get(cpu) ?? 0) + perCore);
    }
    return Math.max(0, ...demand.values());
  }
}

/** The plan as the terminal shows it. Every figure is labelled as the estimate it is. */
import { COST_RANGE } from '../../workloads/event.js';
import { USD_PER_GB_SECOND, USD_PER_REQUEST } from '../lambda/pricing.js';
import { counted, formatCount, formatMs, formatNumber, formatSeconds, formatUsd } from '../text/format.js';
import { renderTable } from '../text/table.js';
import type { Plan, PlanTotals } from './plan.js';

/** Plain columns, numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: number[]): string {
  return renderTable(header, rows, { style: 'plain', rightAligned: (column) => rightAligned.includes(column) });
}

/** Longer tables stop helping in a terminal; --json has every cell. */
const MAX_CELL_ROWS = 100;

function calibrationLine(plan: Plan): string {
  const c = plan.calibration;
  const method = 'method' in c && typeof c.method === 'string' ? c.method : 'given by the caller';
  return `${formatMs(c.msPerItemAtOneVcpu)} per item at 1 vCPU (estimate: ${method})`;
}

function cellRows(plan: Plan): string[] {
  const rows = plan.cells.slice(0, MAX_CELL_ROWS).map((cell) => {
    const fn = plan.functions.find((f) => f.name === cell.functionName);
    return [
      cell.arch,
      String(cell.memoryMb),
      fn ? fn.vcpuShare.toFixed(2) : '',
      fn ? String(fn.visibleCores) : '',
      cell.mode,
      String(cell.workers),
      cell.effectiveParallelism.toFixed(2),
      formatMs(cell.durationMs),
      cell.childInvocations > 0 ? String(cell.childInvocations) : '-',
      formatUsd(cell.usdPerInvocation),
    ];
  });
  const header = [
    'arch',
    'memory MB',
    'vCPU share',
    'cores seen',
    'mode',
    'workers',
    'parallelism',
    'est. duration',
    'fan-out children',
    'est. USD/invocation',
  ];
  const lines = table(header, rows, [1, 2, 3, 5, 6, 7, 8, 9]).split('\n');
  if (plan.cells.length > MAX_CELL_ROWS) {
    lines.push(`... and ${plan.cells.length - MAX_CELL_ROWS} more cells (--json lists every one)`);
  }
  return lines;
}

function totalsRows(plan: Plan): string[] {
  const o = plan.options;
  const columns: PlanTotals[] = [plan.atMinReps, plan.atMaxReps];
  const row = (label: string, value: (t: PlanTotals) => string) => [label, ...columns.map(value)];
  const rows = [
    row('measured invocations', (t) => formatCount(t.measuredInvocations)),
    row('warm-up invocations', (t) => formatCount(t.warmupInvocations)),
    row('fan-out child invocations', (t) => formatCount(t.childInvocations)),
    row('requests, all of the above', (t) => formatCount(t.requests)),
  ];
  for (const arch of o.arch) {
    const of = (t: PlanTotals) => t.byArch.find((a) => a.arch === arch);
    rows.push(row(`est. GB-seconds, ${arch}`, (t) => formatNumber(of(t)?.gbSeconds ?? 0)));
    rows.push(row(`est. USD, ${arch}`, (t) => formatUsd(of(t)?.usd ?? 0)));
  }
  if (o.arch.length > 1) rows.push(row('est. USD, total', (t) => formatUsd(t.usd)));
  const when = o.target === 'aws' ? `${counted(o.concurrency, 'invocation')} at a time` : 'one cell at a time';
  rows.push(row(`est. wall time (${when})`, (t) => formatSeconds(t.wallTimeS)));
  const header = ['', `at --min-reps ${o.minReps}`, `at --max-reps ${o.maxReps}`];
  return table(header, rows, [1, 2]).split('\n');
}

export function renderPlan(plan: Plan): string {
  const o = plan.options;
  const where = o.target === 'aws' ? `AWS, ${o.region}` : 'the local emulator';
  const unit = COST_RANGE[o.algorithm].unit;
  const pooled = o.modes.filter((m) => m !== 'sequential').length;
  const perFunction = [
    ...(o.modes.includes('sequential') ? ['sequential at workers 1'] : []),
    ...(pooled > 0 ? [`${pooled} mode(s) x ${o.workers.length} worker count(s)`] : []),
  ];
  const cellsFormula = `${plan.functions.length} function(s) x (${perFunction.join(' + ')})`;
  const priceNote = o.target === 'aws' ? 'AWS prices' : 'what it would cost on AWS; nothing is billed locally';
  const lines = [
    `Sweep plan for run ${o.runId} on ${where}`,
    'ESTIMATES: every duration, cost and time below comes from a model and a calibration on this machine, not from a measurement.',
    '',
    `workload    ${o.algorithm}, cost ${o.cost} ${unit}, ${o.items} items per invocation, seed "${o.seed}"`,
    `item time   ${calibrationLine(plan)}`,
    `functions   ${plan.functions.length}: ${o.prefix}-<arch>-<memory> for arch ${o.arch.join(', ')} and memory ${o.memoryMb.join(', ')} MB`,
    `cells       ${plan.cells.length} = ${cellsFormula}; sequential never starts a worker, so it is measured once per function`,
    `reps        ${o.minReps} to ${o.maxReps} per cell (stopping once the confidence interval is within ${o.ciPct}% of the median), plus ${o.warmup} warm-up(s) per cell`,
    `results     ${o.out}/${o.runId}`,
    '',
    'Per cell, one invocation:',
    ...cellRows(plan),
    '',
    `Totals (USD: ${priceNote}, ${formatUsd(USD_PER_GB_SECOND.x86_64 * 1e6)}/${formatUsd(USD_PER_GB_SECOND.arm64 * 1e6)} per million GB-s x86_64/arm64 + ${formatUsd(USD_PER_REQUEST * 1e6)} per million requests, billed ms rounded up):`,
    ...totalsRows(plan),
    '',
    'Model: duration = items x item time / min(1, vCPU share) / ideal speedup. With p = min(workers, items) slices of at',
    'most m = ceil(items / p) items, the ideal speedup is 1 for sequential, min(min(p, vCPU share, cores seen) / min(1,',
    'vCPU share), items / m) for worker_threads and child_process, and items / m for fan_out (each slice in its own',
    'environment; the parent waits for the slowest). Parallelism is the CPUs usable at once. Not modelled: cold starts',
    'and INIT billing, pool start-up, IPC, invoke latency, deployment.',
  ];
  if (plan.warnings.length > 0) {
    lines.push('', 'Warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  }
  return `${lines.join('\n')}\n`;
}

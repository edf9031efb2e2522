/**
 * The summary as a plain-text table for the terminal (valid Markdown too): one line per arch and memory size, its
 * vCPU share, then one column per mode x workers with the warm median Duration, the speedup over sequential and
 * the cost per 1,000 items. Emulated figures and figures measured without the CPU quota are marked, because
 * neither says what Lambda would do.
 */
import { groupBy } from '../../lib/collections.js';
import { MODES } from '../../workloads/event.js';
import { counted, formatCount, formatSignificant, formatUsd } from '../text/format.js';
import { renderTable } from '../text/table.js';
import type { ExpectedReport } from './completeness.js';
import type { Exporter } from './exporter.js';
import type { RunReport } from './run-report.js';
import type { SummaryRow } from './summary.js';

export const SUMMARY_MARKDOWN_FILE = 'summary.md';

const EMULATED_MARK = '*';
const UNENFORCED_MARK = '!';
const OVERSUBSCRIBED_MARK = '^';

function workloadKey(row: SummaryRow): string {
  return `${row.algorithm} cost ${row.cost}, ${row.items} items per invocation`;
}

function columnKey(row: Pick<SummaryRow, 'mode' | 'workers'>): string {
  return `${row.mode} x${row.workers}`;
}

function cellText(row: SummaryRow | undefined): string {
  if (row === undefined) return '';
  const ms = row.median_ms === null ? '-' : `${row.median_ms.toFixed(1)} ms`;
  const speedup = row.speedup_vs_sequential === null ? '-' : `${row.speedup_vs_sequential.toFixed(2)}x`;
  const cost = row.cost_per_1k_items_usd === null ? '-' : `$${formatSignificant(row.cost_per_1k_items_usd, 4)}`;
  const marks = `${row.cpu_enforced ? '' : ` ${UNENFORCED_MARK}`}${row.n_oversubscribed > 0 ? ` ${OVERSUBSCRIBED_MARK}` : ''}`;
  return `${ms} ${speedup} ${cost}${marks}`;
}

function renderWorkload(title: string, rows: readonly SummaryRow[]): string {
  // Columns by mode (sequential first, the baseline), then workers, whatever order the memory sizes list them in.
  const cells = [...new Map(rows.map((r) => [columnKey(r), { mode: r.mode, workers: r.workers }])).values()];
  cells.sort((a, b) => MODES.indexOf(a.mode) - MODES.indexOf(b.mode) || a.workers - b.workers);
  const columns = cells.map(columnKey);
  const memories = groupBy(rows, (row) => `${row.arch}\u0000${row.memory_mb}`);
  const lines: string[][] = [];
  for (const group of memories.values()) {
    const [first] = group;
    if (first === undefined) continue;
    const emulated = group.some((r) => r.emulated) ? ` ${EMULATED_MARK}` : '';
    const byColumn = new Map(group.map((r) => [columnKey(r), r]));
    lines.push([
      `${first.arch}${emulated}`,
      String(first.memory_mb),
      first.vcpu_share.toFixed(3),
      ...columns.map((c) => cellText(byColumn.get(c))),
    ]);
  }
  const table = renderTable(['arch', 'memory MB', 'vCPU share', ...columns], lines, {
    style: 'markdown',
    rightAligned: (column) => column > 0,
  });
  return `${title}\n\n${table}`;
}

/**
 * The summary table. Each cell reads `<median warm Duration> <speedup vs sequential> <USD per 1k items>`;
 * `-` where a figure does not exist (no warm invocation, no sequential baseline, no REPORT to cost).
 */
export function renderSummaryTable(summary: readonly SummaryRow[]): string {
  if (summary.length === 0) return 'No invocations to summarize.\n';
  const workloads = groupBy(summary, workloadKey);
  const sections = [...workloads].map(([title, rows]) => renderWorkload(title, rows));
  const legend = ['Cells: median warm Duration, speedup over sequential at the same memory, USD per 1,000 items.'];
  if (summary.some((r) => r.emulated)) {
    legend.push(`${EMULATED_MARK} emulated: measured on the local emulator, not on AWS Lambda.`);
  }
  if (summary.some((r) => !r.cpu_enforced)) {
    legend.push(`${UNENFORCED_MARK} CPU quota not enforced: ran unthrottled, not comparable with Lambda.`);
  }
  if (summary.some((r) => r.n_oversubscribed > 0)) {
    legend.push(
      `${OVERSUBSCRIBED_MARK} some warm invocations ran while the host was oversubscribed (see n_oversubscribed): they measure this host, not the CPU model.`,
    );
  }
  return `${sections.join('\n\n')}\n\n${legend.join('\n')}\n`;
}

/** The table behind the exporter interface, for callers that pick formats by name. */
export const summaryTable: Exporter<SummaryRow> = { name: 'table', serialize: renderSummaryTable };

function costLines(run: RunReport): string[] {
  const c = run.actualCost;
  const what = run.emulated ? 'cost at AWS prices (emulated: nothing was billed)' : 'actual cost';
  const children = c.childInvocations > 0 ? `, ${formatCount(c.childInvocations)} of them fan-out children` : '';
  const bound = c.complete ? '' : ' at least: some REPORT lines are missing (below)';
  const estimate = run.estimate
    ? ` The plan estimated ${formatUsd(run.estimate.usdAtMinReps)} (every cell at --min-reps) to ${formatUsd(run.estimate.usdAtMaxReps)} (at --max-reps).`
    : '';
  return [
    `Run ${what}: ${formatUsd(c.usd)}${bound}, ${formatSignificant(c.gbSeconds, 4)} GB-s over ${counted(c.invocations, 'billed invocation')}${children}; warm-ups, cold starts and failures included.${estimate}`,
  ];
}

function missingLine(m: ExpectedReport): string {
  const of = m.kind === 'fan-out child' ? ` child of ${m.parentRequestId}` : '';
  const rep = m.warmup ? `warm-up ${m.rep}` : `rep ${m.rep}`;
  return `  ${m.requestId}  ${m.functionName} ${m.mode} x${m.workers} ${rep}${of}`;
}

function completenessLines(run: RunReport, maxMissing: number): string[] {
  const { expected, found, missing } = run.completeness;
  const lines = [`REPORT lines: ${formatCount(found)} of ${formatCount(expected)} found.`];
  if (missing.length === 0) return lines;
  lines[0] += ' Missing, so their Duration and cost are left empty, not guessed:';
  lines.push(...missing.slice(0, maxMissing).map(missingLine));
  if (missing.length > maxMissing) lines.push(`  ... and ${missing.length - maxMissing} more (all in summary.md)`);
  return lines;
}

function throttlingLines(run: RunReport): string[] {
  if (run.retries === null) return [];
  if (run.retries === 0 && run.throttled === 0) return ['Throttling: none.'];
  const still =
    run.throttled > 0
      ? `; ${counted(run.throttled, 'invocation')} still throttled after every retry, recorded as throttled`
      : '';
  return [
    `Throttling: ${counted(run.retries, 'retry', 'retries')} over ${counted(run.records, 'invocation')} (never measured)${still}.`,
  ];
}

function skippedLines(run: RunReport): string[] {
  if (run.skipped.length === 0) return [];
  return [
    'Skipped memory sizes (the account refused them; the sweep ran the rest):',
    ...run.skipped.map((s) => `  ${s.memoryMb} MB ${s.arch} (${s.name}): ${s.reason}`),
  ];
}

/**
 * The run as a whole, under the table: cost against the estimate, REPORT completeness with the missing rows listed
 * (at most `maxMissing` of them), throttling, and skipped memory sizes.
 */
/** Missing rows a command's terminal report lists before it says how many more there are. */
export const MISSING_ROWS_SHOWN = 20;

export function renderRunReport(run: RunReport, maxMissing = Number.POSITIVE_INFINITY): string {
  const lines = [
    ...costLines(run),
    ...completenessLines(run, maxMissing),
    ...throttlingLines(run),
    ...skippedLines(run),
  ];
  return `${lines.join('\n')}\n`;
}

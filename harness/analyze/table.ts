/**
 * The summary as a plain-text table for the terminal (valid Markdown too): one line per arch and memory size, its
 * vCPU share, then one column per mode x workers with the warm median Duration, the speedup over sequential and
 * the cost per 1,000 items. Emulated figures and figures measured without the CPU quota are marked, because
 * neither says what Lambda would do.
 */
import { groupBy } from '../../lib/collections.js';
import { MODES } from '../../workloads/event.js';
import { formatSignificant } from '../text/format.js';
import { renderTable } from '../text/table.js';
import type { Exporter } from './exporter.js';
import type { SummaryRow } from './summary.js';

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

/** The same table as a file beside the CSVs. */
export const summaryMarkdown: Exporter<SummaryRow> = { name: 'summary.md', serialize: renderSummaryTable };

/**
 * report.html: one self-contained page per run. The answer first (the recommendation's sentence and picks), then the
 * charts as inline SVG (rendered by render.ts), the knee table, the Amdahl fits, the summary and the run's metadata,
 * with a banner when the figures come from the emulator. No script, no external stylesheet, font or image: it opens
 * from file:// offline, and its Content-Security-Policy forbids the browser to fetch anything at all.
 * A pure serializer of a ReportDocument: everything asynchronous happened before (render.ts).
 */
import { formatCount, formatSignificant } from '../../text/format.js';
import type { AmdahlRow } from '../amdahl.js';
import type { DocumentExporter } from '../exporter.js';
import type { Choice, Recommendation } from '../recommend.js';
import { KNEE_TOLERANCE, kneeRange, type ScalingRow } from '../scaling.js';
import type { SummaryRow } from '../summary.js';
import type { MetadataItem } from './metadata.js';
import type { RenderedChart } from './render.js';

export const REPORT_FILE = 'report.html';

export interface ReportDocument {
  /** The run's id (run.json, else the directory's name). */
  runId: string;
  metadata: readonly MetadataItem[];
  summary: readonly SummaryRow[];
  scaling: readonly ScalingRow[];
  amdahl: readonly AmdahlRow[];
  recommendations: readonly Recommendation[];
  charts: readonly RenderedChart[];
  /** Charts the data could not draw, each with the reason (no cold start reported an Init Duration, ...). */
  missingCharts: readonly string[];
  /** The files beside report.html that hold every figure, by name. */
  files: readonly string[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ms = (x: number | null) => (x === null ? '–' : `${x.toFixed(1)} ms`);
/** Fixed decimals, and never `-0.000` for a figure that rounds to zero from below. */
const ratio = (x: number | null, digits = 2) =>
  x === null ? '–' : (Math.abs(x) < 0.5 * 10 ** -digits ? 0 : x).toFixed(digits);
const usd = (x: number | null) => (x === null ? '–' : `$${formatSignificant(x, 4)}`);

/** An HTML table: cells are text (escaped here); numeric columns right-aligned. */
function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, numericFrom: number): string {
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    `<${tag}${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  const head = `<tr>${headers.map((h, i) => cell('th', h, i)).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Warnings that qualify every figure of the page, most important first. */
function banners(doc: ReportDocument): string[] {
  const out: string[] = [];
  if (doc.summary.some((r) => r.emulated)) {
    out.push(
      '<strong>Emulated.</strong> These figures were measured on the local Lambda emulator, which reproduces the memory-to-CPU model with a CPU quota on this host; they are not measurements of AWS Lambda.',
    );
  }
  if (doc.summary.some((r) => !r.cpu_enforced)) {
    out.push(
      '<strong>CPU quota not enforced.</strong> Some cells ran unthrottled (cpu_enforced false): their Durations and speedups say nothing about Lambda.',
    );
  }
  const over = doc.summary.reduce((sum, r) => sum + r.n_oversubscribed, 0);
  if (over > 0) {
    out.push(
      `<strong>Host oversubscribed.</strong> ${formatCount(over)} warm invocations ran while the host's cores were oversubscribed (n_oversubscribed): they measure this host, not the CPU model.`,
    );
  }
  return out.map((text) => `<p class="banner">${text}</p>`);
}

function describe(c: Choice): string {
  const speedup = c.speedup_vs_sequential === null ? '' : `, ${c.speedup_vs_sequential.toFixed(2)}x sequential`;
  return `${c.mode} x${c.workers} at ${c.memory_mb} MB (${ms(c.median_ms)}, ${usd(c.cost_per_1k_items_usd)} per 1,000 items${speedup})`;
}

function recommendationSection(recommendations: readonly Recommendation[]): string {
  const parts = recommendations.map((r) => {
    const limit = r.maxDurationMs === null ? '' : `, median Duration at most ${r.maxDurationMs} ms`;
    const pick = r.pick === null ? 'No configuration qualifies.' : `Pick (${r.strategy}${limit}): ${describe(r.pick)}`;
    const rows = r.perMode.map((m) => [m.mode, describe(m.cheapest), describe(m.fastest), describe(m.balanced)]);
    return [
      `<h3>${escapeHtml(r.workload)}</h3>`,
      `<p class="answer">${escapeHtml(r.sentence)}</p>`,
      `<p class="pick">${escapeHtml(pick)}</p>`,
      table(['mode', 'cheapest', 'fastest', 'balanced'], rows, 99),
    ].join('\n');
  });
  return `<section id="recommendation">\n<h2>Recommendation</h2>\n${parts.join('\n') || '<p>No cell to recommend.</p>'}\n</section>`;
}

function chartsSection(charts: readonly RenderedChart[], missing: readonly string[]): string {
  const figures = charts.map(
    (c) =>
      `<figure class="chart" id="${escapeHtml(c.id)}" data-chart="${escapeHtml(c.id)}">\n${c.svg}\n<figcaption><strong>${escapeHtml(c.title)}.</strong> ${escapeHtml(c.caption)}</figcaption>\n</figure>`,
  );
  const notes = missing.map((m) => `<p class="note">${escapeHtml(m)}</p>`);
  return `<section id="charts">\n<h2>Charts</h2>\n<div class="grid">\n${figures.join('\n')}\n</div>\n${notes.join('\n')}\n</section>`;
}

function kneeSection(rows: readonly ScalingRow[]): string {
  const lines = rows.map((r) => [
    r.arch,
    `${r.mode} x${r.workers}`,
    String(r.knee_memory_mb),
    kneeRange(r),
    ms(r.knee_median_ms),
    `${ms(r.best_median_ms)} at ${r.best_memory_mb} MB`,
    r.speedup_at_knee === null ? '–' : `${r.speedup_at_knee.toFixed(2)}x`,
    usd(r.cost_per_1k_items_usd),
  ]);
  const body =
    rows.length === 0
      ? '<p>No cell has a median Duration.</p>'
      : table(
          [
            'arch',
            'mode',
            'knee MB',
            'knee lies in',
            'median at knee',
            'best median',
            'speedup at knee',
            'USD per 1,000 items',
          ],
          lines,
          2,
        );
  return `<section id="knee">\n<h2>Knee: from which memory more memory stops paying</h2>\n<p>The smallest memory whose median Duration is within ${KNEE_TOLERANCE * 100}% of the best at that memory or above (scaling.csv). The sweep only resolves it to the step below it: the knee lies in the range shown.</p>\n${body}\n</section>`;
}

function amdahlSection(rows: readonly AmdahlRow[]): string {
  const lines = rows.map((r) => [
    r.arch,
    r.mode,
    `${r.algorithm} ${r.cost}, ${r.items} items`,
    String(r.n_cells),
    ratio(r.serial_fraction, 3),
    r.serial_fraction_ci95_low === null || r.serial_fraction_ci95_high === null
      ? '–'
      : `${r.serial_fraction_ci95_low.toFixed(3)} to ${r.serial_fraction_ci95_high.toFixed(3)}`,
    ratio(r.r2, 3),
  ]);
  const body =
    rows.length === 0
      ? '<p>No parallel mode was measured.</p>'
      : table(['arch', 'mode', 'workload', 'cells fitted', 'serial fraction f', '95% interval', 'R²'], lines, 3);
  return `<section id="amdahl">\n<h2>Amdahl fits</h2>\n<p>The serial fraction f of speedup = 1 / (f + (1 - f) / P), P the parallelism model's ideal speedup of each cell, fitted over the cells where P &gt; 1 (amdahl.csv); the interval is a seeded bootstrap over the invocations. f above 1: slower than sequential where the CPUs allow parallelism; below 0: faster than the model allows.</p>\n${body}\n</section>`;
}

function summarySection(rows: readonly SummaryRow[]): string {
  const lines = rows.map((r) => [
    r.arch,
    `${r.mode} x${r.workers}`,
    String(r.memory_mb),
    r.vcpu_share.toFixed(3),
    String(r.n),
    ms(r.median_ms),
    r.ci95_low_ms === null || r.ci95_high_ms === null ? '–' : `${ms(r.ci95_low_ms)} to ${ms(r.ci95_high_ms)}`,
    r.speedup_vs_sequential === null ? '–' : `${r.speedup_vs_sequential.toFixed(2)}x`,
    r.ideal_speedup === null ? '–' : `${r.ideal_speedup.toFixed(2)}x`,
    usd(r.cost_per_1k_items_usd),
  ]);
  return `<section id="summary">\n<h2>Summary</h2>\n<p>One row per cell: statistics of the warm invocations' Duration (summary.csv).</p>\n${table(['arch', 'mode', 'memory MB', 'vCPU share', 'n', 'median', 'median 95% CI', 'speedup', 'model ideal', 'USD per 1,000 items'], lines, 2)}\n</section>`;
}

function metadataSection(doc: ReportDocument): string {
  const items = doc.metadata.map((m) => `<dt>${escapeHtml(m.label)}</dt><dd>${escapeHtml(m.value)}</dd>`);
  const body = items.length === 0 ? '<p>run.json is missing or unreadable.</p>' : `<dl>\n${items.join('\n')}\n</dl>`;
  const files = doc.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ');
  return `<section id="run">\n<h2>Run</h2>\n${body}\n<p>Every figure on this page is a row of ${files}, in this directory (results/README.md defines each column).</p>\n</section>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif; color: #1b1b1b; margin: 0 auto; max-width: 1040px; padding: 16px 20px 40px; }
h1 { font-size: 22px; margin: 8px 0 12px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; } h3 { font-size: 15px; margin: 14px 0 6px; }
.banner { background: #fff4d6; border: 1px solid #e0b84c; border-radius: 4px; padding: 8px 12px; margin: 8px 0; }
.answer { font-size: 16px; font-weight: 600; } .pick { margin: 4px 0 10px; } .note { color: #555; font-style: italic; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 0; flex: 1 1 480px; max-width: 100%; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #444; margin-top: 4px; }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0; } th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } #knee td, #amdahl td, #summary td { white-space: nowrap; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; } dt { font-weight: 600; } dd { margin: 0; }
code { font-size: 12px; }
`;

/**
 * The page's Content-Security-Policy: nothing may be fetched or run. The charts are inline SVG and the style is
 * inline, which is all the page needs; a stray external reference fails closed instead of calling out.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function renderReportHtml(doc: ReportDocument): string {
  const title = `vcpu-bench report: ${doc.runId}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
${banners(doc).join('\n')}
</header>
${recommendationSection(doc.recommendations)}
${chartsSection(doc.charts, doc.missingCharts)}
${kneeSection(doc.scaling)}
${amdahlSection(doc.amdahl)}
${summarySection(doc.summary)}
${metadataSection(doc)}
</body>
</html>
`;
}

export const reportHtml: DocumentExporter<ReportDocument> = { name: REPORT_FILE, serialize: renderReportHtml };

/**
 * report.html as text: self-contained (no script, no external reference, a policy that forbids fetching), every
 * text escaped, the emulated banner exactly when a row is emulated, and the tables' figures as the rows hold them.
 * run.json's metadata is read leniently: what is there is shown, what is missing left out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amdahlRows } from '../../../../harness/analyze/amdahl.js';
import { recommend } from '../../../../harness/analyze/recommend.js';
import {
  REPORT_CSP,
  type ReportDocument,
  renderReportHtml,
  reportHtml,
} from '../../../../harness/analyze/report/html.js';
import { runMetadata } from '../../../../harness/analyze/report/metadata.js';
import { scalingRows } from '../../../../harness/analyze/scaling.js';
import { MB_PER_VCPU, memoryForVcpus } from '../../../../harness/lambda/platform.js';
import { summaryRow } from '../../../support/summary-fixtures.js';

const TWO = memoryForVcpus(2);
const summary = [
  summaryRow({ memory_mb: MB_PER_VCPU, median_ms: 100, cost_per_1k_items_usd: 0.25 }),
  summaryRow({ memory_mb: TWO, median_ms: 100, cost_per_1k_items_usd: 0.5 }),
  summaryRow({
    memory_mb: TWO,
    mode: 'worker_threads',
    workers: 2,
    median_ms: 52,
    cost_per_1k_items_usd: 0.26,
    speedup_vs_sequential: 100 / 52,
    ideal_speedup: 2,
  }),
];

function doc(overrides: Partial<ReportDocument> = {}): ReportDocument {
  return {
    runId: 'r-1',
    metadata: runMetadata({ runId: 'r-1', target: { description: 'AWS Lambda <eu-west-1>', emulated: false } }),
    summary,
    scaling: scalingRows(summary),
    amdahl: amdahlRows(summary, new Map()),
    recommendations: recommend(summary, { strategy: 'balanced', maxDurationMs: null }),
    charts: [{ id: 'duration-vs-memory', title: 'Duration vs memory', caption: 'a & b', svg: '<svg><g></g></svg>' }],
    missingCharts: ['Init Duration vs memory: none'],
    files: ['summary.csv'],
    ...overrides,
  };
}

test('the page is self-contained: no script, no external reference, and a policy that forbids fetching', () => {
  const html = renderReportHtml(doc());
  assert.ok(html.startsWith('<!doctype html>'));
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<link/i);
  assert.doesNotMatch(html, /\b(src|href)\s*=/i);
  assert.doesNotMatch(html, /@import|url\(/i);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`));
  assert.match(REPORT_CSP, /^default-src 'none';/);
  assert.ok(html.includes('<svg><g></g></svg>'), 'the chart inline, as rendered');
  assert.equal(reportHtml.name, 'report.html');
  assert.equal(reportHtml.serialize(doc()), html, 'the exporter is the function');
});

test('text is escaped: metadata, captions, notes', () => {
  const html = renderReportHtml(doc());
  assert.ok(html.includes('<dt>Target</dt><dd>AWS Lambda &lt;eu-west-1&gt;</dd>'));
  assert.ok(html.includes('a &amp; b'));
  assert.ok(!html.includes('<eu-west-1>'));
});

test('the emulated banner shows exactly when a row is emulated, and says so first', () => {
  assert.doesNotMatch(renderReportHtml(doc()), /class="banner"/);
  const emulated = summary.map((r) => ({ ...r, emulated: true }));
  const html = renderReportHtml(doc({ summary: emulated }));
  assert.match(
    html,
    /<header>\n<h1>[^<]*<\/h1>\n<p class="banner"><strong>Emulated\.<\/strong> These figures were measured on the local Lambda emulator/,
  );
  const unenforced = renderReportHtml(doc({ summary: summary.map((r) => ({ ...r, cpu_enforced: false })) }));
  assert.match(unenforced, /<strong>CPU quota not enforced\.<\/strong>/);
  const over = renderReportHtml(doc({ summary: summary.map((r) => ({ ...r, n_oversubscribed: 2 })) }));
  assert.match(over, /<strong>Host oversubscribed\.<\/strong> 6 warm invocations/);
});

test('the answer, the knee table and the Amdahl fit carry the rows figures', () => {
  const html = renderReportHtml(doc());
  // 100 / 52 = 1.92x; 1 - 0.26 / 0.5 = 48% cheaper.
  assert.ok(
    html.includes(
      `<p class="answer">threads pay off from ${TWO} MB: worker_threads x2 is 1.92x faster than sequential at ${TWO} MB and 48% cheaper per item`,
    ),
  );
  // balanced: sequential at one vCPU scores 0.5 * 0.25 / 0.5 + 0.5 * 100 / 100 = 0.75; threads 0.26 + 0.26 = 0.52.
  assert.ok(
    html.includes(`Pick (balanced): worker_threads x2 at ${TWO} MB (52.0 ms, $0.26 per 1,000 items, 1.92x sequential)`),
  );
  // Knee of sequential: both memories at 100 ms, so the smaller one.
  assert.ok(
    html.includes(
      `<td>sequential x1</td><td class="num">${MB_PER_VCPU}</td><td class="num">&lt;= ${MB_PER_VCPU} MB</td>`,
    ),
  );
  // One fitted cell, P = 2, s = 100 / 52: f = (1/s - 1/2) / (1 - 1/2) = 2 * 0.52 - 1 = 0.04.
  assert.match(
    html,
    /<td>worker_threads<\/td><td>bcrypt 7, 4 items<\/td><td class="num">1<\/td><td class="num">0\.040<\/td>/,
  );
  assert.ok(html.includes('<p class="note">Init Duration vs memory: none</p>'));
});

test('run.json metadata: what is there, in order; nothing for a file that is not an object', () => {
  assert.deepEqual(runMetadata(null), []);
  assert.deepEqual(runMetadata([1, 2]), []);
  const items = runMetadata({
    runId: 'r-9',
    createdAt: '2026-11-25T12:00:00.000Z',
    resumedAt: [],
    target: { kind: 'local', description: 'embedded emulator', emulated: true, cpuEnforced: false },
    host: { cpuModel: 'Some CPU', cores: 2, memoryGb: 7.8, platform: 'linux', arch: 'x64' },
    versions: { harness: '0.1.0', node: 'v20.20.2' },
    options: {
      memoryMb: [MB_PER_VCPU, TWO],
      modes: ['sequential'],
      workers: [1, 2],
      algorithm: 'bcrypt',
      cost: 4,
      items: 2,
      minReps: 3,
      maxReps: 5,
      warmup: 1,
    },
  });
  assert.deepEqual(
    items.map((i) => `${i.label}: ${i.value}`),
    [
      'Run: r-9',
      'Started: 2026-11-25T12:00:00.000Z',
      'Target: embedded emulator',
      'Emulated: yes',
      'CPU quota enforced: no',
      'Host: Some CPU, 2 cores, 7.8 GB, linux x64',
      'Versions: harness 0.1.0, Node.js v20.20.2',
      `Memory swept (MB): ${MB_PER_VCPU}, ${TWO}`,
      'Modes: sequential',
      'Workers: 1, 2',
      'Workload: bcrypt, cost 4, 2 items per invocation',
      'Repetitions: 3-5 per cell, 1 warm-up',
    ],
  );
});

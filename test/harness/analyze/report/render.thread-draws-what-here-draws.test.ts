/**
 * The report's charts drawn on a worker thread of their own (a large analysis's, render.ts chartsOnThread) are the
 * same SVG documents drawn on this thread (chartsHere), chart for chart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ChartSpec, reportCharts } from '../../../../harness/analyze/report/charts.js';
import { chartsHere, chartsOnThread } from '../../../../harness/analyze/report/render.js';
import { memoryForVcpus } from '../../../../harness/lambda/platform.js';
import { summaryRow } from '../../../support/summary-fixtures.js';

const summary = [1, 1.5, 2].flatMap((vcpus) => {
  const memory_mb = memoryForVcpus(vcpus);
  const threaded = 400 / Math.min(vcpus, 2);
  return [
    summaryRow({ memory_mb, median_ms: 400, cost_per_1k_items_usd: 0.2 * vcpus }),
    summaryRow({
      memory_mb,
      mode: 'worker_threads',
      workers: 2,
      median_ms: threaded,
      speedup_vs_sequential: 400 / threaded,
      cost_per_1k_items_usd: (0.2 * vcpus * threaded) / 400,
    }),
  ];
});
const initPoints = summary.map((row, i) => ({ ...row, init_ms: 200 + i }));

test('charts drawn on a thread of their own are the SVGs drawn here', async () => {
  const charts = reportCharts({ summary, recommendations: [], initPoints, hostCores: 2 });
  assert.equal(charts.length, 4);
  const here = chartsHere();
  const thread = await chartsOnThread();
  try {
    const [drawnHere, drawnThere] = await Promise.all([here.render(charts), thread.render(charts)]);
    assert.deepEqual(
      drawnThere.map((c) => c.id),
      charts.map((c) => c.id),
    );
    for (const [i, chart] of drawnThere.entries()) {
      assert.match(chart.svg, /^<svg[^>]*>.*<path/s, `${chart.id} is an SVG with marks`);
      assert.equal(chart.svg, drawnHere[i]?.svg, `${chart.id}: the same SVG on both threads`);
    }
  } finally {
    await Promise.all([here.close(), thread.close()]);
  }
});

test('a chart vega cannot draw is an error of render on the thread, as here, and the thread draws on after it', async () => {
  const [chart] = reportCharts({ summary, recommendations: [], initPoints, hostCores: 2 });
  assert.ok(chart);
  // A filter whose expression does not parse: vega throws while drawing.
  const broken = { ...chart, spec: { ...chart.spec, transform: [{ filter: 'datum.x ((' }] } } as ChartSpec;
  const here = chartsHere();
  const thread = await chartsOnThread();
  try {
    await assert.rejects(here.render([broken]), /Unexpected end of input/);
    await assert.rejects(thread.render([broken]), /Unexpected end of input/);
    assert.equal((await thread.render([chart])).length, 1);
  } finally {
    await Promise.all([here.close(), thread.close()]);
  }
});

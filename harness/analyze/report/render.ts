/**
 * Charts to SVG, in Node: each Vega-Lite specification compiled to Vega and rendered headless (`renderer: 'none'`,
 * `toSVG()`), so report.html carries its charts as inline SVG and needs no script to show them. The one asynchronous
 * step of the report: vega's `toSVG` returns a promise, so the charts are rendered here, before html.ts serializes
 * the page synchronously. vega and vega-lite are loaded on first use: most commands never draw a chart.
 */
import type { ChartSpec } from './charts.js';

export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  /** The chart as an SVG document: `<svg ...>...</svg>`. */
  svg: string;
}

let libraries: Promise<[typeof import('vega'), typeof import('vega-lite')]> | null = null;

/**
 * vega and vega-lite, loaded once. Loading them takes longer than rendering: analyze.ts starts it while the records
 * are read, so it is done by the time the charts are drawn.
 */
export function loadChartLibraries(): Promise<[typeof import('vega'), typeof import('vega-lite')]> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]);
  return libraries;
}

/** Renders every chart, in order. Pure in effect: no file, no network (the specs carry their data inline). */
export async function renderCharts(charts: readonly ChartSpec[]): Promise<RenderedChart[]> {
  if (charts.length === 0) return [];
  const [vega, vegaLite] = await loadChartLibraries();
  const rendered: RenderedChart[] = [];
  for (const chart of charts) {
    const view = new vega.View(vega.parse(vegaLite.compile(chart.spec).spec), { renderer: 'none' });
    try {
      rendered.push({ id: chart.id, title: chart.title, caption: chart.caption, svg: await view.toSVG() });
    } finally {
      view.finalize();
    }
  }
  return rendered;
}

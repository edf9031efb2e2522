/**
 * Charts to SVG, in Node: each Vega-Lite specification compiled to Vega and rendered headless (`renderer: 'none'`,
 * `toSVG()`), so report.html carries its charts as inline SVG and needs no script to show them. The one asynchronous
 * step of the report: vega's `toSVG` returns a promise, so the charts are rendered here, before html.ts serializes
 * the page synchronously. vega and vega-lite are loaded on first use: most commands never draw a chart.
 *
 * A ChartRenderer draws either here or on a worker thread of its own (chart-worker.ts): a large analysis starts one
 * at the beginning, so vega loads while the records are read and the charts are drawn while this thread computes the
 * Amdahl fits and writes the CSVs. Either way the SVGs are the same (a test holds them to it).
 */
import { destroyOnceLoaded } from '../../../lib/pool.js';
import type { ChartSpec } from './charts.js';

export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  /** The chart as an SVG document: `<svg ...>...</svg>`. */
  svg: string;
}

let libraries: Promise<typeof import('./chart-libraries.js')> | null = null;

/**
 * vega and vega-lite, loaded once (bundled: chart-libraries.ts). Loading them takes longer than rendering: analyze.ts
 * starts it while the records are read, so it is done by the time the charts are drawn.
 */
export function loadChartLibraries(): Promise<typeof import('./chart-libraries.js')> {
  libraries ??= import('./chart-libraries.js');
  return libraries;
}

/** Renders every chart, in order. Pure in effect: no file, no network (the specs carry their data inline). */
export async function renderCharts(charts: readonly ChartSpec[]): Promise<RenderedChart[]> {
  if (charts.length === 0) return [];
  const { vega, vegaLite } = await loadChartLibraries();
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

/** Draws a report's charts: renderCharts, here or on a thread. `close` when done (a thread holds the process open). */
export interface ChartRenderer {
  render(charts: readonly ChartSpec[]): Promise<RenderedChart[]>;
  close(): Promise<void>;
}

/** Draws on this thread; vega starts loading now. */
export function chartsHere(): ChartRenderer {
  // A failure to load shows when the charts are drawn.
  loadChartLibraries().catch(() => {});
  return { render: renderCharts, close: async () => {} };
}

/** Draws on a worker thread started now, which loads vega at once (chart-worker.ts). */
export async function chartsOnThread(): Promise<ChartRenderer> {
  const { Piscina } = await import('piscina');
  const pool = new Piscina<readonly ChartSpec[] | null, RenderedChart[]>({
    filename: new URL('./chart-worker.js', import.meta.url).href,
    minThreads: 1,
    maxThreads: 1,
  });
  // A thread that fails outside a task is an 'error' event of the pool, which would end the process unheard.
  let failure: unknown = null;
  pool.on('error', (error: unknown) => {
    failure ??= error;
  });
  // A failure to load shows when the charts are drawn, as chartsHere's does.
  const loaded = pool.run(null, { name: 'load' });
  loaded.catch(() => {});
  return {
    render: async (charts) => {
      await loaded;
      if (failure !== null) throw failure;
      return pool.run(charts);
    },
    // `load` is the thread's first task (an analysis that fails early waits for vega to load, a fraction of a second).
    close: () => destroyOnceLoaded(pool, [loaded]),
  };
}

/**
 * The worker thread that draws a large analysis's charts (render.ts chartsOnThread): a report's chart specifications
 * in, their SVGs out. Loading this module loads vega, which is why the thread is started early.
 */
import type { ChartSpec } from './charts.js';
import { loadChartLibraries, type RenderedChart, renderCharts } from './render.js';

await loadChartLibraries();

export default function renderChartsTask(charts: readonly ChartSpec[]): Promise<RenderedChart[]> {
  return renderCharts(charts);
}

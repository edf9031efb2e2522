/**
 * The worker thread that draws a large analysis's charts (render.ts chartsOnThread): a report's chart specifications
 * in, their SVGs out; `load` loads vega ahead of them, as a task, so a failure to load is that task's error.
 */
import type { ChartSpec } from './charts.js';
import { loadChartLibraries, type RenderedChart, renderCharts } from './render.js';

export default function renderChartsTask(charts: readonly ChartSpec[]): Promise<RenderedChart[]> {
  return renderCharts(charts);
}

export async function load(): Promise<void> {
  await loadChartLibraries();
}

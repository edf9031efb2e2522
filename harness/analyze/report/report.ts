/**
 * The report of an analysis: its charts as drawn (charts.ts built them, render.ts rendered them to SVG, the
 * asynchronous part, done by the caller so it can overlap other work), the run's metadata read from run.json as it
 * was parsed (metadata.ts), all gathered into the document html.ts serializes. Reads and writes no file itself.
 */
import { stringField } from '../../../lib/guards.js';
import type { AmdahlRow } from '../amdahl.js';
import type { Recommendation } from '../recommend.js';
import type { InitPoint } from '../rows.js';
import type { ScalingRow } from '../scaling.js';
import type { SummaryRow } from '../summary.js';
import type { ReportDocument } from './html.js';
import { runMetadata } from './metadata.js';
import type { RenderedChart } from './render.js';

export interface ReportInput {
  /** The run directory's name: the run id when run.json does not say. */
  dirName: string;
  /** run.json as parsed JSON, or null when it is missing or not JSON. */
  manifest: unknown;
  summary: readonly SummaryRow[];
  scaling: readonly ScalingRow[];
  amdahl: readonly AmdahlRow[];
  recommendations: readonly Recommendation[];
  initPoints: readonly InitPoint[];
  hostCores: number | null;
  /** The files beside the report that hold its figures, by name. */
  files: readonly string[];
}

/** The report, its charts drawn already (reportCharts of the same input, rendered: render.ts). */
export function reportDocument(input: ReportInput, charts: readonly RenderedChart[]): ReportDocument {
  const missingCharts =
    input.initPoints.length === 0
      ? ['Init Duration vs memory: no cold start of this run reported an Init Duration, so there is nothing to plot.']
      : [];
  return {
    runId: stringField(input.manifest, 'runId') ?? input.dirName,
    metadata: runMetadata(input.manifest),
    summary: input.summary,
    scaling: input.scaling,
    amdahl: input.amdahl,
    recommendations: input.recommendations,
    charts,
    missingCharts,
    files: input.files,
  };
}

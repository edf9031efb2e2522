/**
 * The run as a whole, beside the per-cell summary: what it actually cost (every REPORT of it) next to the plan's
 * estimate, how many of its REPORT lines were found and which are missing, how often it was throttled, and which
 * memory sizes the account refused. The estimate and the skipped sizes come from run.json, read defensively: an
 * older run.json, or none, just leaves them out.
 */
import { isFiniteNumber, isOneOf, isRecord } from '../../lib/guards.js';
import { ARCHITECTURES } from '../lambda/platform.js';
import type { RunEstimate, SkippedFunction } from '../run/run-dir.js';
import type { ActualCost, Completeness, RunTally } from './completeness.js';

export interface RunReport {
  completeness: Completeness;
  actualCost: ActualCost;
  /** The plan's estimate (run.json), null for runs written before it was saved. */
  estimate: RunEstimate | null;
  skipped: SkippedFunction[];
  /** True when the invocations ran on an emulator: the cost is what AWS would charge, not a bill. */
  emulated: boolean;
  /** Throttled attempts retried over the run; null when every record predates the count. */
  retries: number | null;
  /** Records still throttled after their retries. */
  throttled: number;
  records: number;
}

function estimateOf(manifest: unknown): RunEstimate | null {
  if (!isRecord(manifest) || !isRecord(manifest.estimate)) return null;
  const e = manifest.estimate;
  const { usdAtMinReps, usdAtMaxReps, requestsAtMinReps, requestsAtMaxReps } = e;
  if (![usdAtMinReps, usdAtMaxReps, requestsAtMinReps, requestsAtMaxReps].every(isFiniteNumber)) return null;
  return e as unknown as RunEstimate;
}

function skippedOf(manifest: unknown): SkippedFunction[] {
  if (!isRecord(manifest) || !Array.isArray(manifest.skipped)) return [];
  return manifest.skipped.filter(
    (s): s is SkippedFunction =>
      isRecord(s) &&
      typeof s.name === 'string' &&
      isOneOf(ARCHITECTURES, s.arch) &&
      isFiniteNumber(s.memoryMb) &&
      typeof s.reason === 'string' &&
      isFiniteNumber(s.capMb),
  );
}

export function runReportOf(tally: RunTally, manifest: unknown): RunReport {
  return {
    completeness: tally.completeness,
    actualCost: tally.cost,
    estimate: estimateOf(manifest),
    skipped: skippedOf(manifest),
    emulated: tally.emulated,
    retries: tally.retries,
    throttled: tally.throttled,
    records: tally.records,
  };
}

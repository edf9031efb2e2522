/**
 * Which invocations measure a warm function, and why the others do not. One rule, used by the sweep's stopping rule
 * and by the analyzer's `warm` column, so what a run counted and what its summary reports are the same rows.
 *
 * An invocation is warm when it is a measured repetition (not a warm-up or pool-sizing call), succeeded with the
 * right digest, has a REPORT line, was not a cold start (its Duration would include lazy initialisation), did not
 * create or resize its worker pool (`pool.created` in the response), and, for fan_out, reached no cold child
 * (the parent waits for its slowest child, whose INIT would then sit inside the parent's Duration).
 */
import { isRecord } from '../../lib/guards.js';
import type { ReportFields } from '../lambda/report-line.js';

export const NOT_WARM_REASONS = [
  'warmup',
  'failed',
  'wrong_digest',
  'no_report',
  'cold_start',
  'pool_created',
  'cold_child',
] as const;
export type NotWarmReason = (typeof NOT_WARM_REASONS)[number];

export interface WarmthInput {
  warmup: boolean;
  /** True when the invocation succeeded (the row's final status is ok). */
  ok: boolean;
  /** False when the function returned another digest than expected; null when unknown. */
  digestOk: boolean | null;
  report: ReportFields | null;
  /** The function's response (workloads/handler.ts WorkloadResponse), as recorded. */
  response: unknown;
}

export interface Warmth {
  warm: boolean;
  /** Why the row is not warm (the first reason that applies); null when it is. */
  reason: NotWarmReason | null;
}

/** True when the response says this call created or resized its worker pool. */
export function createdPool(response: unknown): boolean {
  return isRecord(response) && isRecord(response.pool) && response.pool.created === true;
}

/** True when a fan_out response lists a child that was a cold start. */
export function reachedColdChild(response: unknown): boolean {
  if (!isRecord(response) || !Array.isArray(response.children)) return false;
  return response.children.some((child) => isRecord(child) && child.coldStart === true);
}

export function warmthOf(input: WarmthInput): Warmth {
  const reason: NotWarmReason | null = input.warmup
    ? 'warmup'
    : !input.ok
      ? 'failed'
      : input.digestOk === false
        ? 'wrong_digest'
        : input.report === null
          ? 'no_report'
          : input.report.initDurationMs !== null || input.report.restoreDurationMs !== null
            ? 'cold_start'
            : createdPool(input.response)
              ? 'pool_created'
              : reachedColdChild(input.response)
                ? 'cold_child'
                : null;
  return { warm: reason === null, reason };
}

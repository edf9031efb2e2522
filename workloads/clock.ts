/**
 * The two clocks the background experiment reads inside the environment, at the same instant. `monoMs` is
 * CLOCK_MONOTONIC (process.hrtime): one clock for every thread and process of the environment, never set back, so
 * marks taken in a worker thread, a forked child and the handler compare directly. `wallMs` is the wall clock
 * (Date.now()), which the harness can set beside the times it saw, when both machines' clocks agree.
 */

export interface Stamp {
  /** CLOCK_MONOTONIC, ms (microsecond resolution). */
  monoMs: number;
  /** Wall clock, ms since the Unix epoch. */
  wallMs: number;
}

/** What the response says was used, so a reader of the CSV knows which clock classified what. */
export const CLOCK_DESCRIPTION = 'environment CLOCK_MONOTONIC (process.hrtime), shared by its threads and processes';

export function monotonicMs(): number {
  return Math.round(Number(process.hrtime.bigint()) / 1000) / 1000;
}

export function stamp(): Stamp {
  return { monoMs: monotonicMs(), wallMs: Date.now() };
}

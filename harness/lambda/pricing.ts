/**
 * What an invocation costs on Lambda (README "Pricing"): x86_64 and arm64 prices per GB-second, us-east-1 first
 * tier, plus the request fee. Billed Duration is Duration rounded up to the next 1 ms, and includes Init Duration on
 * a cold start of an on-demand zip function since 2025-08-01; cost is a plain product of it.
 */
import type { Architecture } from './platform.js';

/** The region whose prices these are. */
export const PRICED_REGION = 'us-east-1';

export const USD_PER_GB_SECOND: Record<Architecture, number> = {
  x86_64: 0.0000166667,
  arm64: 0.0000133334,
};
export const USD_PER_REQUEST = 0.2 / 1_000_000;

/** Lambda's GB is 1024 MB. */
export function gbSeconds(billedMs: number, memoryMb: number): number {
  return (billedMs / 1000) * (memoryMb / 1024);
}

/** Cost of one invocation: compute at the architecture's price plus one request fee. */
export function invocationCostUsd(billedMs: number, memoryMb: number, arch: Architecture): number {
  return gbSeconds(billedMs, memoryMb) * USD_PER_GB_SECOND[arch] + USD_PER_REQUEST;
}

/**
 * Billed Duration of an invocation: Duration, plus Init Duration on a cold start, rounded up to the next 1 ms (at
 * least 1). The epsilon keeps a float such as 40.000000000001 from billing 41 ms.
 */
export function billedDurationMs(durationMs: number, initDurationMs: number | null = null): number {
  return Math.max(1, Math.ceil(durationMs + (initDurationMs ?? 0) - 1e-9));
}

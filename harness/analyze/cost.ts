/**
 * AWS Lambda prices, us-east-1 first tier (LAMBDA_FACTS.md "Pricing"): per GB-second by architecture, plus the
 * request fee. Billed Duration is already rounded up to 1 ms by Lambda (and includes Init Duration on a cold start
 * since 2025-08-01), so cost is a plain product of it.
 */

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

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

/** vCPU share of a memory size: 1,769 MB buys one vCPU (LAMBDA_FACTS.md "Memory and CPU"). */
export const MB_PER_VCPU = 1769;
export function vcpuShare(memoryMb: number): number {
  return memoryMb / MB_PER_VCPU;
}

/** Cores a Lambda function sees at a memory size (LAMBDA_FACTS.md, measured table). */
export function lambdaVisibleCores(memoryMb: number): number {
  if (memoryMb <= 3008) return 2;
  if (memoryMb <= 5307) return 3;
  if (memoryMb <= 7076) return 4;
  if (memoryMb <= 8845) return 5;
  return 6;
}

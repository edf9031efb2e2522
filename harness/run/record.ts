/**
 * One measured invocation, as appended to results/<run-id>/invocations.jsonl the moment it returns.
 * A discriminated union on `status`: a failing invocation is a record, never an exception that stops a sweep.
 */
import type { Algorithm, Mode, WorkloadEvent } from '../../workloads/event.js';
import type { Architecture } from '../analyze/cost.js';

export type Target = 'local' | 'aws';

/** The event sent to the function (workloads/event.ts). */
export type InvocationRequest = Pick<WorkloadEvent, 'mode' | 'workers' | 'items' | 'algorithm' | 'cost' | 'seed'>;

interface RecordBase {
  runId: string;
  target: Target;
  /** True on the local emulator: the figures are measured, but on an emulated Lambda. */
  emulated: boolean;
  /** False when the emulator could not enforce the CPU quota (no writable cgroups): the row ran unthrottled. */
  cpuEnforced: boolean;
  arch: Architecture;
  functionName: string;
  memoryMb: number;
  /** Cell coordinates. */
  mode: Mode;
  workers: number;
  items: number;
  algorithm: Algorithm;
  cost: number;
  /** Repetition number within the cell, 0-based; warm-up invocations have their own counter. */
  rep: number;
  warmup: boolean;
  request: InvocationRequest;
  /** The digest every mode must return for this request (computed once per run by the harness). */
  expectedDigest: string | null;
  requestId: string | null;
  /** The REPORT line of this invocation as the target logged it (text, or a JSON `platform.report` record). */
  reportLine: string | null;
  /** For fan_out: the REPORT lines of the child invocations, from the target's logs. */
  childReportLines: string[];
  /**
   * Local emulator only: the peak, while this invocation ran, of the CPU quotas of the running environments (its
   * fan-out children included) summed over the host's cores. Above 1 the host was oversubscribed and the row's timing
   * is suspect. Null on AWS.
   */
  hostOversubscription: number | null;
  /** Wall time the client saw for the Invoke call. */
  clientMs: number;
  startedAt: string;
}

export interface OkRecord extends RecordBase {
  status: 'ok';
  /** The function's response body (workloads/handler.ts WorkloadResponse). */
  response: unknown;
}

export interface FailedRecord extends RecordBase {
  /** error: the function failed or returned a wrong digest; timeout: it ran out of time; throttled: retries exhausted. */
  status: 'error' | 'timeout' | 'throttled';
  errorType: string;
  errorMessage: string;
  response: unknown;
}

export type InvocationRecord = OkRecord | FailedRecord;

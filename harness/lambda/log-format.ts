/**
 * Platform log lines as Lambda writes them (README "The REPORT line", "JSON log format"): START, END and REPORT in the
 * text format, or `platform.*` records in the JSON format. The emulator writes them; report-line.ts reads them back.
 */
import type { ReportFields } from './report-line.js';

export type InvocationStatus = 'success' | 'error' | 'timeout';

/**
 * What the emulator writes: the fields the analyzer reads back (report-line.ts), less SnapStart's. Billed Duration
 * follows pricing.ts billedDurationMs.
 */
export type ReportFigures = Pick<
  ReportFields,
  'requestId' | 'durationMs' | 'billedDurationMs' | 'memorySizeMb' | 'maxMemoryUsedMb' | 'initDurationMs' | 'errorType'
> & { status: InvocationStatus };

export function startLine(requestId: string, version = '$LATEST'): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/** Text REPORT line: tab-separated fields, ending with a tab. */
export function reportLine(r: ReportFigures): string {
  let line =
    `REPORT RequestId: ${r.requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\tBilled Duration: ${r.billedDurationMs} ms\t` +
    `Memory Size: ${r.memorySizeMb} MB\tMax Memory Used: ${r.maxMemoryUsedMb} MB\t`;
  if (r.initDurationMs !== null) line += `Init Duration: ${r.initDurationMs.toFixed(2)} ms\t`;
  if (r.status !== 'success') line += `Status: ${r.status}\t`;
  if (r.errorType) line += `Error Type: ${r.errorType}\t`;
  return line;
}

export function initStartLine(runtimeVersion: string): string {
  return `INIT_START Runtime Version: ${runtimeVersion}\tRuntime Version ARN: arn:aws:lambda:local::runtime:${runtimeVersion}`;
}

const json = (type: string, record: Record<string, unknown>, time = new Date()) =>
  JSON.stringify({ time: time.toISOString(), type, record });

export function jsonInitStart(
  functionName: string,
  runtimeVersion: string,
  memoryMb: number,
  functionVersion = '$LATEST',
): string {
  return json('platform.initStart', {
    initializationType: 'on-demand',
    phase: 'init',
    runtimeVersion,
    functionName,
    functionVersion,
    instanceMaxMemory: memoryMb * 1024 * 1024,
  });
}

export function jsonStart(requestId: string, version = '$LATEST'): string {
  return json('platform.start', { requestId, version });
}

export function jsonRuntimeDone(requestId: string, status: InvocationStatus): string {
  return json('platform.runtimeDone', { requestId, status });
}

export function jsonReport(r: ReportFigures): string {
  const metrics: Record<string, number> = {
    durationMs: Number(r.durationMs.toFixed(3)),
    billedDurationMs: r.billedDurationMs,
    memorySizeMB: r.memorySizeMb,
    maxMemoryUsedMB: r.maxMemoryUsedMb,
  };
  if (r.initDurationMs !== null) metrics.initDurationMs = Number(r.initDurationMs.toFixed(3));
  return json('platform.report', {
    requestId: r.requestId,
    metrics,
    status: r.status,
    ...(r.errorType ? { errorType: r.errorType } : {}),
  });
}

/** What the Runtime Interface Emulator prints in its REPORT line (README "The Runtime Interface Emulator"). */
export interface RieReportFigures {
  requestId: string;
  /** Only on the first invocation after RIE started; null after. */
  initDurationMs: number | null;
  durationMs: number;
  /** AWS_LAMBDA_FUNCTION_MEMORY_SIZE as given: RIE prints it for both memory fields. */
  memorySize: string;
}

/**
 * RIE's REPORT line, in RIE's own shape: `Init Duration` comes BEFORE `Duration`, only on the first invocation; `Max
 * Memory Used` repeats `Memory Size` (RIE measures no memory); Billed Duration is the Duration rounded up to a whole
 * millisecond, init not included; the line ends with a tab. report-line.ts reads it by field name.
 */
export function rieReportLine(f: RieReportFigures): string {
  const init = f.initDurationMs === null ? '' : `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t`;
  return (
    `REPORT RequestId: ${f.requestId}\t${init}Duration: ${f.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${Math.ceil(f.durationMs)} ms\tMemory Size: ${f.memorySize} MB\t` +
    `Max Memory Used: ${f.memorySize} MB\t`
  );
}

/** The body RIE answers a timed-out invocation with (HTTP 200, README "The Runtime Interface Emulator"). */
export function rieTimeoutBody(timeoutS: number): string {
  return `Task timed out after ${timeoutS}.00 seconds`;
}

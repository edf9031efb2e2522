/**
 * The platform lines the Runtime Interface Emulator prints to stdout for each invocation, in its own shape
 * (LAMBDA_FACTS.md "The Runtime Interface Emulator (RIE) and its REPORT line"; the emulator's cmd/aws-lambda-rie,
 * https://github.com/aws/aws-lambda-runtime-interface-emulator): `Init Duration` comes BEFORE `Duration`, only on the
 * first invocation; `Max Memory Used` repeats `Memory Size` (RIE measures no memory); Billed Duration is the Duration
 * rounded up to a whole millisecond; the line ends with a tab.
 */

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface RieReportFigures {
  requestId: string;
  /** Only on the first invocation after the emulator started; null after. */
  initDurationMs: number | null;
  durationMs: number;
  /** AWS_LAMBDA_FUNCTION_MEMORY_SIZE as given: RIE prints it for both memory fields. */
  memorySize: string;
}

export function rieReportLine(f: RieReportFigures): string {
  const init = f.initDurationMs === null ? '' : `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t`;
  return (
    `REPORT RequestId: ${f.requestId}\t${init}Duration: ${f.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${Math.ceil(f.durationMs)} ms\tMemory Size: ${f.memorySize} MB\t` +
    `Max Memory Used: ${f.memorySize} MB\t`
  );
}

/** The body RIE answers a timed-out invocation with (HTTP 200). */
export function timeoutBody(timeoutS: number): string {
  return `Task timed out after ${timeoutS}.00 seconds`;
}

/**
 * One measured invocation: Invoke with LogType Tail (the REPORT line comes back with the response;
 * harness/lambda/README.md "Invoke API"), timed by the client, classified into a record. Nothing here throws for a
 * failed invocation.
 */
import { InvokeCommand, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { EMULATOR_HEADERS, type EmulatorInvokeHeaders, type TargetSession } from '../target/target.js';

export interface InvokeOutcome {
  requestId: string | null;
  /** Parsed response body (the function's result, or Lambda's error document); null when there was none. */
  body: unknown;
  functionError: string | null;
  /** The REPORT line of this invocation from the log tail (text or JSON format), null when absent. */
  reportLine: string | null;
  clientMs: number;
  startedAt: string;
  /** Local emulator only: how oversubscribed the host was at dispatch (see InvocationRecord). */
  hostOversubscription: number | null;
  /** The call itself failed (throttled after retries, network, service error). */
  callError: { name: string; message: string; throttled: boolean } | null;
}

function findReportLine(tail: string): string | null {
  for (const line of tail.split('\n').reverse()) {
    if (line.startsWith('REPORT RequestId:') || line.includes('"type":"platform.report"')) return line;
  }
  return null;
}

export async function invokeOnce(
  session: TargetSession,
  functionName: string,
  payload: unknown,
): Promise<InvokeOutcome> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  try {
    const out = await session.lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        LogType: 'Tail',
        Payload: JSON.stringify(payload),
      }),
    );
    const clientMs = performance.now() - started;
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    let body: unknown = null;
    try {
      body = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      body = text;
    }
    const tail = out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : '';
    return {
      requestId: out.$metadata.requestId ?? null,
      body,
      functionError: out.FunctionError ?? null,
      reportLine: findReportLine(tail),
      clientMs,
      startedAt,
      hostOversubscription:
        (out as { [EMULATOR_HEADERS]?: EmulatorInvokeHeaders })[EMULATOR_HEADERS]?.oversubscription ?? null,
      callError: null,
    };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return {
      requestId: null,
      body: null,
      functionError: null,
      reportLine: null,
      clientMs: performance.now() - started,
      startedAt,
      hostOversubscription: null,
      callError: {
        name: e.name,
        message: e.message.split('\n')[0] ?? '',
        throttled: error instanceof TooManyRequestsException,
      },
    };
  }
}

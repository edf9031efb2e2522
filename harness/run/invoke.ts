/**
 * One measured invocation: Invoke with LogType Tail (the REPORT line comes back with the response;
 * harness/lambda/README.md "Invoke API"), retried while throttled (harness/run/retry.ts), timed by the client,
 * classified into a record. Nothing here throws for a failed invocation.
 */
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { DEFAULT_MAX_RETRIES } from '../options.js';
import { EMULATOR_HEADERS, type EmulatorInvokeHeaders, type TargetSession } from '../target/target.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withThrottleRetries } from './retry.js';

/** Callers without a --max-retries of their own (the background experiment) retry throttles as the sweep's default. */
const DEFAULT_INVOKE_RETRY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxRetries: DEFAULT_MAX_RETRIES };

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
  /** Attempts repeated because the target throttled them. */
  retries: number;
  /** The sweep was stopped while this call was being throttled: nothing ran, and it is not to be recorded. */
  interrupted: boolean;
}

function findReportLine(tail: string): string | null {
  for (const line of tail.split('\n').reverse()) {
    if (line.startsWith('REPORT RequestId:') || line.includes('"type":"platform.report"')) return line;
  }
  return null;
}

function outcomeOf(out: InvokeCommandOutput, clientMs: number, startedAt: string, retries: number): InvokeOutcome {
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
    retries,
    interrupted: false,
  };
}

/**
 * Invokes `functionName` once, repeating the call while it is throttled (`retry`); a stopped sweep (`signal`)
 * backs off no more. The session's invoke client makes no retries of its own, so every attempt is counted here.
 */
export async function invokeOnce(
  session: TargetSession,
  functionName: string,
  payload: unknown,
  retry: RetryPolicy = DEFAULT_INVOKE_RETRY,
  signal?: AbortSignal,
): Promise<InvokeOutcome> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const command = new InvokeCommand({
    FunctionName: functionName,
    InvocationType: 'RequestResponse',
    LogType: 'Tail',
    Payload: JSON.stringify(payload),
  });
  const attempt = await withThrottleRetries(() => session.invoker.send(command), retry, signal);
  const clientMs = performance.now() - started;
  if (attempt.ok) return outcomeOf(attempt.value, clientMs, startedAt, attempt.retries);
  const e = attempt.error instanceof Error ? attempt.error : new Error(String(attempt.error));
  return {
    requestId: null,
    body: null,
    functionError: null,
    reportLine: null,
    clientMs,
    startedAt,
    hostOversubscription: null,
    callError: { name: e.name, message: e.message.split('\n')[0] ?? '', throttled: attempt.throttled },
    retries: attempt.retries,
    interrupted: attempt.interrupted,
  };
}

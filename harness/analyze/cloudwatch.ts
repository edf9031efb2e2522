/**
 * REPORT lines from CloudWatch Logs, for invocations whose REPORT the runner did not capture (a Tail cut short, a
 * fan-out child): FilterLogEvents on each function's log group over a time window, every page
 * (fetchReportLines), and saveRunReportLines, which merges them into <run-dir>/cloudwatch-reports.log where
 * `analyze` reads them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import { isNotFound, writeFileAtomic } from '../../lib/fs.js';
import { sleep } from '../../lib/timers.js';
import { logGroupOf } from '../lambda/platform.js';
import { asPlainLog, parseReportLine, reportRequestId } from '../lambda/report-line.js';
import type { InvocationRecord } from '../run/record.js';
import { isResourceNotFound } from '../target/target.js';
import type { Completeness, LateReportScope } from './completeness.js';
import { CLOUDWATCH_REPORTS_FILE } from './log-files.js';

export { CLOUDWATCH_REPORTS_FILE };

/**
 * Log events land in CloudWatch a little after the invocation, stamped with the environment's clock: a minute's
 * margin either side of the run keeps every REPORT of it inside the window.
 */
export const WINDOW_MARGIN_MS = 60_000;

/** Epoch milliseconds, both ends included (FilterLogEvents' startTime and endTime). */
export interface LogWindow {
  startMs: number;
  endMs: number;
}

/**
 * Text REPORT lines hold `REPORT`; JSON-format logs (LoggingConfig.LogFormat = JSON) hold `platform.report` instead
 * (harness/lambda/README.md "JSON log format", "Logs"). Terms are case-sensitive; `?` means either; the dot needs the
 * quotes.
 */
const REPORT_FILTER_PATTERN = '?REPORT ?"platform.report"';

/**
 * The functions a run invoked and the window its logs fall in: from the first invocation's start to the last
 * one's end (start + client time), widened by WINDOW_MARGIN_MS. Null for a run with no invocation.
 */
export function runLogScope(
  records: readonly Pick<InvocationRecord, 'functionName' | 'startedAt' | 'clientMs'>[],
): { functionNames: string[]; window: LogWindow } | null {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const names = new Set<string>();
  for (const record of records) {
    const started = Date.parse(record.startedAt);
    if (!Number.isFinite(started)) continue;
    names.add(record.functionName);
    first = Math.min(first, started);
    last = Math.max(last, started + Math.max(0, record.clientMs));
  }
  if (names.size === 0) return null;
  return {
    functionNames: [...names].sort(),
    window: { startMs: Math.floor(first - WINDOW_MARGIN_MS), endMs: Math.ceil(last + WINDOW_MARGIN_MS) },
  };
}

/**
 * The REPORT lines (text or JSON format) logged by these functions within the window, function by function, in log
 * order. A function without a log group (it never logged, or it was cleaned up) contributes nothing. Other lines the
 * pattern matched (a workload printing the word REPORT) are left out: only lines that parse as a REPORT are kept.
 */
export async function fetchReportLines(
  logs: CloudWatchLogsClient,
  functionNames: string[],
  window: LogWindow,
): Promise<string[]> {
  const lines: string[] = [];
  for (const name of new Set(functionNames)) {
    let nextToken: string | undefined;
    do {
      let page: FilterLogEventsCommandOutput;
      try {
        page = await logs.send(
          new FilterLogEventsCommand({
            logGroupName: logGroupOf(name),
            filterPattern: REPORT_FILTER_PATTERN,
            startTime: window.startMs,
            endTime: window.endMs,
            nextToken,
          }),
        );
      } catch (error: unknown) {
        if (isResourceNotFound(error)) break;
        throw error;
      }
      for (const event of page.events ?? []) {
        // A text event may end in a newline, and an XRAY part may follow on the next line of the same event.
        for (const line of (event.message ?? '').split(/\r?\n/)) {
          if (parseReportLine(line) !== null) lines.push(line);
        }
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return lines;
}

/**
 * Fetches the REPORT lines of these records' functions over the records' time window and merges them into
 * <dir>/cloudwatch-reports.log (lines saved earlier are kept: log retention may have expired some since), where
 * `analyze` reads them. Null when the records hold no invocation.
 */
export async function saveRunReportLines(
  dir: string,
  logs: CloudWatchLogsClient,
  records: readonly Pick<InvocationRecord, 'functionName' | 'startedAt' | 'clientMs'>[],
): Promise<{
  fetched: number;
  file: string;
  scope: { functionNames: string[]; window: LogWindow };
  /** The file's whole text as written. */
  text: string;
} | null> {
  const scope = runLogScope(records);
  if (scope === null) return null;
  const lines = await fetchReportLines(logs, scope.functionNames, scope.window);
  const file = path.join(dir, CLOUDWATCH_REPORTS_FILE);
  const saved = (await savedText(file)) ?? '';
  const merged = [...new Set([...saved.split('\n').filter((line) => line !== ''), ...lines])];
  const text = merged.map((line) => `${line}\n`).join('');
  await writeFileAtomic(file, text);
  return { fetched: lines.length, file, scope, text };
}

async function savedText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error: unknown) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export interface AwaitReportsOptions {
  /** Give up this long after the first fetch: what is still missing then is reported missing. */
  deadlineMs: number;
  /** First pause between fetches; it doubles up to maxPollMs. */
  firstPollMs?: number;
  maxPollMs?: number;
  /** Stops the wait (Ctrl-C); what was fetched so far is kept. */
  signal?: AbortSignal;
  /** Told after each fetch how many REPORT lines are found of those expected. */
  onPoll?(found: Completeness, polls: number): void;
}

export interface AwaitedReports {
  completeness: Completeness;
  /** Fetches made: 0 when every REPORT was already in the records. */
  polls: number;
}

/**
 * Late logs: CloudWatch Logs receives REPORT lines some time after the invocation (harness/lambda/README.md "Logs"),
 * and a fan-out child's REPORT exists only there. Fetches the REPORT lines of the functions whose invocations still
 * lack one into <dir>/cloudwatch-reports.log, again and again (pausing 2 s, then doubling up to 15 s), until every
 * request id of the run has its REPORT or the deadline passes. Nothing is fetched when the records already hold
 * every REPORT.
 */
export async function awaitRunReportLines(
  dir: string,
  logs: CloudWatchLogsClient,
  scope: LateReportScope,
  o: AwaitReportsOptions,
): Promise<AwaitedReports> {
  const file = path.join(dir, CLOUDWATCH_REPORTS_FILE);
  /** What the saved REPORT lines (the file's text) cover of the run's. */
  const completenessOf = (text: string): Completeness => {
    const saved = new Set<string>();
    for (const line of asPlainLog(text).split(/\r?\n/)) {
      const id = reportRequestId(line);
      if (id !== null) saved.add(id);
    }
    const missing = scope.wanted.filter((entry) => !saved.has(entry.requestId));
    return { expected: scope.expected, found: scope.expected - missing.length, missing };
  };
  const { records } = scope;
  let found = completenessOf((await savedText(file)) ?? '');
  const deadline = Date.now() + o.deadlineMs;
  let polls = 0;
  for (let delayMs = o.firstPollMs ?? 2000; found.missing.length > 0 && !o.signal?.aborted; ) {
    const functions = new Set(found.missing.map((m) => m.functionName));
    const saved = await saveRunReportLines(
      dir,
      logs,
      records.filter((r) => functions.has(r.functionName)),
    );
    polls += 1;
    found = completenessOf(saved?.text ?? (await savedText(file)) ?? '');
    o.onPoll?.(found, polls);
    if (found.missing.length === 0 || Date.now() + delayMs > deadline) break;
    await sleep(delayMs, o.signal);
    delayMs = Math.min(delayMs * 2, o.maxPollMs ?? 15_000);
  }
  return { completeness: found, polls };
}

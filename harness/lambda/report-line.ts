/**
 * Lambda's REPORT line, the one source of Duration, Billed Duration, Init Duration and Max Memory Used.
 * Two formats (README "The REPORT line" and "JSON log format"):
 *  - text: `REPORT RequestId: <id>\tName: value\t...`, fields parsed by NAME because the Runtime Interface Emulator
 *    puts `Init Duration` before `Duration` (README "The Runtime Interface Emulator");
 *  - JSON: a `{"type":"platform.report","record":{requestId, metrics, status, errorType?}}` log record.
 * Either may carry a prefix (CloudWatch export timestamps, docker log prefixes) before the REPORT.
 */

export const REPORT_STATUSES = ['success', 'timeout', 'error', 'failure'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Present on a cold start only. */
  initDurationMs: number | null;
  /** SnapStart only. */
  restoreDurationMs: number | null;
  billedRestoreDurationMs: number | null;
  /** Text lines without a `Status` field are successes (older lines never print one). */
  status: ReportStatus;
  errorType: string | null;
  format: 'text' | 'json';
}

/**
 * The text fields we read, longest first so that `Billed Restore Duration` is not read as `Restore Duration` and
 * `Billed Duration` not as `Duration` when a line has lost its tabs.
 */
const TEXT_FIELD_NAMES = [
  'Billed Restore Duration',
  'Restore Duration',
  'Billed Duration',
  'Init Duration',
  'Max Memory Used',
  'Memory Size',
  'Duration',
  'Status',
  'Error Type',
  // The XRAY part (README "The REPORT line"): recognised only so its values never run into a field we read.
  'XRAY TraceId',
  'SegmentId',
  'Sampled',
] as const;
type TextFieldName = (typeof TEXT_FIELD_NAMES)[number];

const FIELD_NAME_PATTERN = new RegExp(`(?:^|(?<=\\s))(${TEXT_FIELD_NAMES.join('|')}):`, 'g');
const TEXT_REPORT = /(?:^|[^A-Za-z0-9_])REPORT RequestId:[ \t]*([^\s"]+)(.*)$/;

function isTextFieldName(value: string | undefined): value is TextFieldName {
  return (TEXT_FIELD_NAMES as readonly (string | undefined)[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isReportStatus(value: unknown): value is ReportStatus {
  return typeof value === 'string' && (REPORT_STATUSES as readonly string[]).includes(value);
}

/** `128.83 ms`, `200 ms `, `128 MB` -> the leading number; null when there is none. */
function leadingNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^(\d+(?:\.\d+)?)/.exec(value);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/**
 * `Name: value` pairs of the part after the request id. Values end at the next known name or tab, so a line
 * whose tabs became spaces (a console copy) still parses; a trailing `"` is a CSV export's closing quote.
 */
function textFields(rest: string): Map<TextFieldName, string> {
  const fields = new Map<TextFieldName, string>();
  for (const segment of rest.split('\t')) {
    const matches = [...segment.matchAll(FIELD_NAME_PATTERN)];
    matches.forEach((match, i) => {
      const next = matches[i + 1];
      const start = match.index + match[0].length;
      const end = next === undefined ? segment.length : next.index;
      const value = segment.slice(start, end).trim().replace(/"+$/, '');
      const name = match[1];
      if (isTextFieldName(name) && !fields.has(name)) fields.set(name, value);
    });
  }
  return fields;
}

function parseTextReport(line: string): ReportFields | null {
  const match = TEXT_REPORT.exec(line);
  const requestId = match?.[1];
  if (match === null || requestId === undefined) return null;
  const fields = textFields(match[2] ?? '');
  const durationMs = leadingNumber(fields.get('Duration'));
  const billedDurationMs = leadingNumber(fields.get('Billed Duration'));
  const memorySizeMb = leadingNumber(fields.get('Memory Size'));
  const maxMemoryUsedMb = leadingNumber(fields.get('Max Memory Used'));
  if (durationMs === null || billedDurationMs === null || memorySizeMb === null || maxMemoryUsedMb === null) {
    return null;
  }
  const rawStatus = fields.get('Status');
  return {
    requestId,
    durationMs,
    billedDurationMs,
    memorySizeMb,
    maxMemoryUsedMb,
    initDurationMs: leadingNumber(fields.get('Init Duration')),
    restoreDurationMs: leadingNumber(fields.get('Restore Duration')),
    billedRestoreDurationMs: leadingNumber(fields.get('Billed Restore Duration')),
    // A status this parser does not know is still not a success: count it as an error rather than hide it.
    status: rawStatus === undefined ? 'success' : isReportStatus(rawStatus) ? rawStatus : 'error',
    errorType: fields.get('Error Type') || null,
    format: 'text',
  };
}

function finiteNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A parsed `platform.report` log record (README "JSON log format"), or null for anything else. */
function reportFromJson(value: unknown): ReportFields | null {
  if (!isRecord(value) || value.type !== 'platform.report' || !isRecord(value.record)) return null;
  const { requestId, metrics, status, errorType } = value.record;
  if (typeof requestId !== 'string' || requestId === '' || !isRecord(metrics)) return null;
  const durationMs = finiteNumber(metrics.durationMs);
  const billedDurationMs = finiteNumber(metrics.billedDurationMs);
  const memorySizeMb = finiteNumber(metrics.memorySizeMB);
  const maxMemoryUsedMb = finiteNumber(metrics.maxMemoryUsedMB);
  if (durationMs === null || billedDurationMs === null || memorySizeMb === null || maxMemoryUsedMb === null) {
    return null;
  }
  return {
    requestId,
    durationMs,
    billedDurationMs,
    memorySizeMb,
    maxMemoryUsedMb,
    initDurationMs: finiteNumber(metrics.initDurationMs),
    restoreDurationMs: finiteNumber(metrics.restoreDurationMs),
    billedRestoreDurationMs: finiteNumber(metrics.billedRestoreDurationMs),
    status: status === undefined ? 'success' : isReportStatus(status) ? status : 'error',
    errorType: typeof errorType === 'string' && errorType !== '' ? errorType : null,
    format: 'json',
  };
}

function parseJsonReport(line: string): ReportFields | null {
  // The record may follow a prefix (a timestamp, a docker stream name): try each `{` until one parses.
  for (let start = line.indexOf('{'); start !== -1; start = line.indexOf('{', start + 1)) {
    let value: unknown;
    try {
      value = JSON.parse(line.slice(start).trim());
    } catch {
      continue;
    }
    return reportFromJson(value);
  }
  return null;
}

/** The REPORT on one log line, text or JSON format; null when the line holds none (or a malformed one). */
export function parseReportLine(line: string): ReportFields | null {
  if (line.includes('platform.report')) {
    const json = parseJsonReport(line);
    if (json !== null) return json;
  }
  return line.includes('REPORT RequestId:') ? parseTextReport(line) : null;
}

/** Log messages of a CloudWatch FilterLogEvents / GetLogEvents JSON answer (`{"events":[{"message":...}]}`). */
export function cloudWatchMessages(text: string): string[] | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return null;
  }
  const events = isRecord(value) ? value.events : value;
  if (!Array.isArray(events)) return null;
  const messages: string[] = [];
  for (const event of events) {
    if (isRecord(event) && typeof event.message === 'string') messages.push(event.message);
  }
  return messages;
}

/**
 * A log as plain lines, so two logs can be joined into one text: a FilterLogEvents or GetLogEvents JSON answer
 * becomes its messages, one after another; anything else is already lines.
 */
export function asPlainLog(text: string): string {
  return cloudWatchMessages(text)?.join('\n') ?? text;
}

/**
 * Every REPORT in a blob: a saved CloudWatch export (text or FilterLogEvents JSON), a docker log, a decoded
 * `X-Amz-Log-Result` tail. One entry per line that holds a REPORT, in order; duplicates are kept.
 */
export function extractReportLines(text: string): ReportFields[] {
  const messages = cloudWatchMessages(text) ?? [text];
  const reports: ReportFields[] = [];
  for (const message of messages) {
    for (const line of message.split(/\r?\n/)) {
      const report = parseReportLine(line);
      if (report !== null) reports.push(report);
    }
  }
  return reports;
}

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

const TEXT_FIELD_NAME_SET: ReadonlySet<string | undefined> = new Set(TEXT_FIELD_NAMES);

function isTextFieldName(value: string | undefined): value is TextFieldName {
  return TEXT_FIELD_NAME_SET.has(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isReportStatus(value: unknown): value is ReportStatus {
  return typeof value === 'string' && (REPORT_STATUSES as readonly string[]).includes(value);
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DOT = 46;

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/**
 * `128.83 ms`, `200 ms `, `128 MB` -> the leading number (`^\d+(\.\d+)?`); null when there is none. Scanned by
 * hand rather than by a regular expression: it runs several times for each of the analyzer's many lines.
 */
function leadingNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  let end = 0;
  while (end < value.length && isDigitAt(value, end)) end++;
  if (end === 0) return null;
  if (value.charCodeAt(end) === DOT && isDigitAt(value, end + 1)) {
    end += 2;
    while (end < value.length && isDigitAt(value, end)) end++;
  }
  return Number(value.slice(0, end));
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

const PLAIN_PREFIX = 'REPORT RequestId: ';
/** Characters that make a line anything but plain: quotes (a CSV export), line terminators the pattern stops at. */
const NOT_PLAIN = /["\r\n\u2028\u2029]/;
const WHITESPACE = /\s/;

/**
 * The request id and fields of a REPORT line in the exact shape Lambda and the emulator write (no prefix, `\t`
 * between `Name: value` fields, nothing odd in the values), read with plain string operations: the analyzer reads
 * hundreds of thousands of these, and the general reader below costs several times more per line. Null for any
 * other shape, which the general reader then takes; for a line of this shape both give the same fields (a test
 * holds them to it).
 */
function plainTextReport(line: string): { requestId: string; fields: Map<TextFieldName, string> } | null {
  if (!line.startsWith(PLAIN_PREFIX) || NOT_PLAIN.test(line)) return null;
  const parts = line.split('\t');
  const requestId = (parts[0] ?? '').slice(PLAIN_PREFIX.length);
  if (requestId === '' || WHITESPACE.test(requestId)) return null;
  const fields = new Map<TextFieldName, string>();
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part === '') continue;
    const colon = part.indexOf(': ');
    // One `Name: value` per part, the name a known one: then the general reader's pattern can match nowhere else.
    if (colon <= 0 || part.indexOf(':', colon + 1) !== -1) return null;
    const name = part.slice(0, colon);
    if (!isTextFieldName(name)) return null;
    if (!fields.has(name)) fields.set(name, part.slice(colon + 2).trim());
  }
  return { requestId, fields };
}

/** The figures of a text REPORT, from its request id and `Name: value` fields; null when a required one is missing. */
function reportFromTextFields(requestId: string, fields: Map<TextFieldName, string>): ReportFields | null {
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

/** The general text reader: any prefix, lost tabs, a CSV export's quotes. Exported for the plain-shape test. */
export function parseTextReportGeneral(line: string): ReportFields | null {
  const match = TEXT_REPORT.exec(line);
  if (match === null || match[1] === undefined) return null;
  return reportFromTextFields(match[1], textFields(match[2] ?? ''));
}

function parseTextReport(line: string): ReportFields | null {
  const plain = plainTextReport(line);
  return plain === null ? parseTextReportGeneral(line) : reportFromTextFields(plain.requestId, plain.fields);
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

/**
 * The request id of the REPORT on a log line, without reading its figures: what parseReportLine(line)?.requestId
 * would be when the line parses, so a reader looking for a few request ids among many lines can skip the others
 * cheaply. A JSON-format line is parsed whole (its id is inside the record); null when the line holds no REPORT.
 */
export function reportRequestId(line: string): string | null {
  if (line.includes('platform.report')) {
    const json = parseJsonReport(line);
    if (json !== null) return json.requestId;
  }
  if (!line.includes('REPORT RequestId:')) return null;
  return TEXT_REPORT.exec(line)?.[1] ?? null;
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

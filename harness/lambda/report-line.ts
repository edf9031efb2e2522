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
const TAB = '\t';

const TEXT_FIELD_INDEX: ReadonlyMap<string, number> = new Map(TEXT_FIELD_NAMES.map((name, i) => [name, i]));

/** Digits whose integer is exact in a double (< 2^53), and powers of ten exact in one (10^22 is the last). */
const EXACT_DIGITS = 15;
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The leading number of the value that starts at `start` in `line` (leadingNumber of it, trimmed), read in place:
 * with at most 15 digits, `digits / 10^decimals` is the double nearest the decimal text (both operands are exact and
 * IEEE division rounds correctly), which is what Number() gives. Longer numbers and values that do not start with a
 * digit go through leadingNumber.
 */
function leadingNumberAt(line: string, start: number, end: number): number | null {
  let i = start;
  let digits = 0;
  let value = 0;
  while (i < end && isDigitAt(line, i)) {
    value = value * 10 + (line.charCodeAt(i) - DIGIT_0);
    digits++;
    i++;
  }
  if (digits === 0) return leadingNumber(line.slice(start, end).trim());
  let decimals = 0;
  if (i < end - 1 && line.charCodeAt(i) === DOT && isDigitAt(line, i + 1)) {
    i++;
    while (i < end && isDigitAt(line, i)) {
      value = value * 10 + (line.charCodeAt(i) - DIGIT_0);
      decimals++;
      i++;
    }
  }
  if (digits + decimals > EXACT_DIGITS) return Number(line.slice(start, i));
  return decimals === 0 ? value : value / (EXACT_POWERS_OF_TEN[decimals] as number);
}

/** Where each known field's value starts and ends in the line being read (-1: not in it); reused, never shared. */
const valueStarts = new Int32Array(TEXT_FIELD_NAMES.length);
const valueEnds = new Int32Array(TEXT_FIELD_NAMES.length);

/** The fields of the line plainTextReport is reading, found in place (valueStarts, valueEnds): one, reused. */
class InPlaceFields implements TextFieldReader {
  line = '';

  number(name: TextFieldName): number | null {
    const field = TEXT_FIELD_INDEX.get(name) as number;
    const start = valueStarts[field] as number;
    return start === -1 ? null : leadingNumberAt(this.line, start, valueEnds[field] as number);
  }

  text(name: TextFieldName): string | undefined {
    const field = TEXT_FIELD_INDEX.get(name) as number;
    const start = valueStarts[field] as number;
    return start === -1 ? undefined : this.line.slice(start, valueEnds[field]).trim();
  }
}

const inPlace = new InPlaceFields();

/**
 * A REPORT line in the exact shape Lambda and the emulator write (no prefix, `\t` between `Name: value` fields,
 * nothing odd in the values), read in place: the analyzer reads hundreds of thousands of these, and the general reader
 * below costs several times more per line. Undefined for any other shape, which the general reader then takes; for a
 * line of this shape both give the same REPORT (a test holds them to it).
 */
function plainTextReport(line: string): ReportFields | null | undefined {
  if (!line.startsWith(PLAIN_PREFIX) || NOT_PLAIN.test(line)) return undefined;
  let end = line.indexOf(TAB, PLAIN_PREFIX.length);
  if (end === -1) end = line.length;
  const requestId = line.slice(PLAIN_PREFIX.length, end);
  if (requestId === '' || WHITESPACE.test(requestId)) return undefined;
  valueStarts.fill(-1);
  while (end < line.length) {
    const start = end + 1;
    end = line.indexOf(TAB, start);
    if (end === -1) end = line.length;
    if (start === end) continue;
    const colon = line.indexOf(': ', start);
    // One `Name: value` per part, the name a known one: then the general reader's pattern can match nowhere else.
    if (colon <= start || colon >= end) return undefined;
    const extra = line.indexOf(':', colon + 1);
    if (extra !== -1 && extra < end) return undefined;
    const field = TEXT_FIELD_INDEX.get(line.slice(start, colon));
    if (field === undefined) return undefined;
    if (valueStarts[field] === -1) {
      valueStarts[field] = colon + 2;
      valueEnds[field] = end;
    }
  }
  inPlace.line = line;
  return reportFromFields(requestId, inPlace);
}

/** A text REPORT's fields by name: a value's leading number, or its text (trimmed); null or undefined when absent. */
interface TextFieldReader {
  number(name: TextFieldName): number | null;
  text(name: TextFieldName): string | undefined;
}

/** The fields the general reader found, as a TextFieldReader. */
function mapReader(fields: Map<TextFieldName, string>): TextFieldReader {
  return { number: (name) => leadingNumber(fields.get(name)), text: (name) => fields.get(name) };
}

/** The figures of a text REPORT, from its request id and fields; null when a required one is missing. */
function reportFromFields(requestId: string, fields: TextFieldReader): ReportFields | null {
  const durationMs = fields.number('Duration');
  const billedDurationMs = fields.number('Billed Duration');
  const memorySizeMb = fields.number('Memory Size');
  const maxMemoryUsedMb = fields.number('Max Memory Used');
  if (durationMs === null || billedDurationMs === null || memorySizeMb === null || maxMemoryUsedMb === null) {
    return null;
  }
  const rawStatus = fields.text('Status');
  return {
    requestId,
    durationMs,
    billedDurationMs,
    memorySizeMb,
    maxMemoryUsedMb,
    initDurationMs: fields.number('Init Duration'),
    restoreDurationMs: fields.number('Restore Duration'),
    billedRestoreDurationMs: fields.number('Billed Restore Duration'),
    // A status this parser does not know is still not a success: count it as an error rather than hide it.
    status: rawStatus === undefined ? 'success' : isReportStatus(rawStatus) ? rawStatus : 'error',
    errorType: fields.text('Error Type') || null,
    format: 'text',
  };
}

/** The general text reader: any prefix, lost tabs, a CSV export's quotes. Exported for the plain-shape test. */
export function parseTextReportGeneral(line: string): ReportFields | null {
  const match = TEXT_REPORT.exec(line);
  if (match === null || match[1] === undefined) return null;
  return reportFromFields(match[1], mapReader(textFields(match[2] ?? '')));
}

function parseTextReport(line: string): ReportFields | null {
  const plain = plainTextReport(line);
  return plain === undefined ? parseTextReportGeneral(line) : plain;
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

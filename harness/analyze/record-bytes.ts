/**
 * The records of invocations.jsonl read straight from their bytes: a record's invocations.csv line, summary fields and
 * tally, without JSON.parse and without the record and row objects (chunk.ts's first try at each line).
 *
 * Written by hand because no library turns JSON into CSV without first building each record's objects, and those are
 * most of the analyzer's cost: parsing a record, checking it, making its row and printing the row's numbers took about
 * 10 us a record, reading the same figures here about half that, mostly because a figure's digits are copied into the
 * CSV line instead of being parsed and printed again.
 *
 * It reads a line only when it gets what the object path gets (record.ts recordOfLine, rows.ts toInvocationRow,
 * completeness.ts completeTallyOf); anything else it turns down, and the line goes the object path:
 * - The line has the shape of a record the object path accepted before (same keys in the same order, the same kinds of
 *   value, no whitespace between them), so every check of a field's type holds; only checks of values are made here
 *   (the fields of record.ts RECORD_ENUMS, `retries`, numbers that a double holds exactly).
 * - The record succeeded (`status` ok), ran on no executor the record names, and carries its own REPORT and, for
 *   fan_out, every child's that its response lists, each as a plain text REPORT line (report-line.ts), no `Status`.
 * - The text it copies into the CSV needs no quotes, and the figures it copies print as the CSV writer prints them.
 * A test holds both paths to the same results over records of every kind and over the odd lines.
 */
import { bytesHash32 } from '../../lib/collections.js';
import { vcpuShare } from '../lambda/platform.js';
import { gbSeconds, invocationCostUsd } from '../lambda/pricing.js';
import { isRetries, RECORD_ENUMS } from '../run/record.js';
import type { NotWarmReason } from '../run/warmth.js';
import { type CsvBytes, cellFormatter } from './csv.js';
import type { INVOCATION_COLUMNS, InvocationRow } from './rows.js';
import type { SummaryInput } from './summary.js';

// ---------- tokens ----------

/**
 * Token kinds, in the low bits of a token's code; the high bits say what separates it from the token before (a colon,
 * a comma, nothing), so that the separators need no tokens of their own and a line's codes still say all of its
 * structure.
 */
const STRING = 1;
/** A string with an escape (`\t`, ...): its bytes are not its text. */
const ESCAPED = 2;
/** A string holding a comma: its text would need quotes in a CSV field. */
const COMMA_STRING = 3;
const NUMBER = 4;
const TRUE = 5;
const FALSE = 6;
const NULL = 7;
const OPEN_OBJECT = 8;
const CLOSE_OBJECT = 9;
const OPEN_ARRAY = 10;
const CLOSE_ARRAY = 11;
const KIND = 0x0f;
const AFTER_COLON = 0x10;
const AFTER_COMMA = 0x20;

const COLON = 0x3a;
const COMMA = 0x2c;
const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const SPACE = 0x20;
const TAB_ESCAPE = 0x74; // the `t` of `\t`

/** Most tokens a line may have (a record has about 250). */
const MAX_TOKENS = 4096;
/** Significant digits a double holds exactly (DBL_DIG): a figure of at most this many reads and prints back the same. */
const EXACT_DIGITS = 15;

/** Each token's code: kind and separator before. */
const kinds = new Uint8Array(MAX_TOKENS);
const kindAt = (t: number) => (kinds[t] as number) & KIND;
const isKey = (t: number) => kindAt(t) <= COMMA_STRING && ((kinds[t + 1] as number) & ~KIND) === AFTER_COLON;
const starts = new Int32Array(MAX_TOKENS);
const ends = new Int32Array(MAX_TOKENS);
/** Of a number token: 1 when it is a plain decimal of at most EXACT_DIGITS significant digits (see decimalAt). */
const exact = new Uint8Array(MAX_TOKENS);

const isDigit = (c: number | undefined) => c !== undefined && c >= DIGIT_0 && c <= DIGIT_9;
const isHex = (c: number | undefined) =>
  c !== undefined && ((c >= DIGIT_0 && c <= DIGIT_9) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

/** The `\` escapes JSON allows, after the backslash (`u` takes four hex digits). */
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, TAB_ESCAPE]);

/**
 * The last byte of the range that a string's loop stops at (control characters, space to comma, which holds the quote):
 * above it only the backslash needs a thought. Two comparisons a byte were 2% faster than a table lookup.
 */
const LAST_TO_LOOK_AT = COMMA;

/** `length` bytes equal: `a` from `aStart` on and `b` from `bStart` on (the one comparison of bytes here). */
function equalBytes(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

const latin1Bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const TRUE_WORD = latin1Bytes('true');
const FALSE_WORD = latin1Bytes('false');
const NULL_WORD = latin1Bytes('null');

/**
 * The tokens of `b[p, end)` into the arrays above; their count, or -1 when the line is not JSON written without
 * whitespace. Each token is lexically valid JSON; whether they make a document is left to the shape (a shape comes
 * from a line JSON.parse accepted).
 */
function tokenize(b: Uint8Array, p: number, end: number): number {
  let t = 0;
  let separator = 0;
  while (p < end) {
    if (t === MAX_TOKENS) return -1;
    const c = b[p] as number;
    if (c === COLON || c === COMMA) {
      if (separator !== 0 || t === 0) return -1;
      separator = c === COLON ? AFTER_COLON : AFTER_COMMA;
      p++;
      continue;
    }
    if (c === QUOTE) {
      const start = p++;
      let kind = STRING;
      for (;;) {
        while (p < end) {
          const x = b[p] as number;
          if (x <= LAST_TO_LOOK_AT || x === BACKSLASH) break;
          p++;
        }
        if (p >= end) return -1;
        const d = b[p] as number;
        if (d === QUOTE) break;
        if (d < SPACE) return -1;
        if (d === BACKSLASH) {
          const e = b[p + 1] as number;
          if (e === 0x75) {
            if (!(isHex(b[p + 2]) && isHex(b[p + 3]) && isHex(b[p + 4]) && isHex(b[p + 5]))) return -1;
            p += 6;
          } else if (SIMPLE_ESCAPES.has(e)) p += 2;
          else return -1;
          kind = ESCAPED;
          continue;
        }
        if (d === COMMA && kind === STRING) kind = COMMA_STRING;
        p++;
      }
      p++;
      kinds[t] = kind | separator;
      starts[t] = start;
      ends[t] = p;
      t++;
      separator = 0;
    } else if (c === LEFT_BRACE || c === LEFT_BRACKET) {
      kinds[t++] = (c === LEFT_BRACE ? OPEN_OBJECT : OPEN_ARRAY) | separator;
      separator = 0;
      p++;
    } else if (c === RIGHT_BRACE || c === RIGHT_BRACKET) {
      if (separator !== 0) return -1;
      kinds[t++] = c === RIGHT_BRACE ? CLOSE_OBJECT : CLOSE_ARRAY;
      p++;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const word = c === 0x74 ? TRUE_WORD : c === 0x66 ? FALSE_WORD : NULL_WORD;
      if (p + word.length > end || !equalBytes(b, p, word, 0, word.length)) return -1;
      kinds[t] = (c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL) | separator;
      starts[t] = p;
      p += word.length;
      ends[t] = p;
      t++;
      separator = 0;
    } else {
      const start = p;
      if (c === MINUS) p++;
      if (b[p] === DIGIT_0) p++;
      else if (p < end && (b[p] as number) >= DIGIT_1 && (b[p] as number) <= DIGIT_9) {
        while (p < end && isDigit(b[p])) p++;
      } else return -1;
      let fraction = 0;
      if (p < end && b[p] === DOT) {
        p++;
        if (!(p < end && isDigit(b[p]))) return -1;
        while (p < end && isDigit(b[p])) {
          p++;
          fraction++;
        }
      }
      let isExact = true;
      if (p < end && (b[p] === 0x65 || b[p] === 0x45)) {
        p++;
        if (b[p] === PLUS || b[p] === MINUS) p++;
        if (!(p < end && isDigit(b[p]))) return -1;
        while (p < end && isDigit(b[p])) p++;
        isExact = false;
      }
      const significant = significantDigits(b, start, p);
      kinds[t] = NUMBER | separator;
      starts[t] = start;
      ends[t] = p;
      exact[t] = isExact && significant <= EXACT_DIGITS && fraction <= 22 ? 1 : 0;
      t++;
      separator = 0;
    }
  }
  return separator === 0 ? t : -1;
}

/** Digits of a plain decimal after its leading zeros (`0.0012` has 2). */
function significantDigits(b: Uint8Array, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) {
    const c = b[i] as number;
    if (c > DIGIT_0 && c <= DIGIT_9) count++;
    else if (c === DIGIT_0 && count > 0) count++;
  }
  return count;
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The value of a plain decimal `b[start, end)` of at most EXACT_DIGITS significant digits and 22 decimals: its digits
 * as an integer over a power of ten, both exact, so the quotient is the double nearest the decimal, as JSON.parse's.
 */
function decimalAt(b: Uint8Array, start: number, end: number): number {
  let p = start;
  const negative = b[p] === MINUS;
  if (negative) p++;
  let value = 0;
  let fraction = -1;
  for (; p < end; p++) {
    const c = b[p] as number;
    if (c === DOT) fraction = 0;
    else {
      value = value * 10 + (c - DIGIT_0);
      if (fraction >= 0) fraction++;
    }
  }
  if (fraction > 0) value /= POWERS_OF_TEN[fraction] as number;
  return negative ? -value : value;
}

// ---------- shapes ----------

/** Where a shape has the fields the row reads: a token index, or -1 when the record has no such field. */
interface Fields {
  runId: number;
  retries: number;
  target: number;
  emulated: number;
  cpuEnforced: number;
  arch: number;
  functionName: number;
  memoryMb: number;
  mode: number;
  workers: number;
  items: number;
  algorithm: number;
  cost: number;
  rep: number;
  warmup: number;
  expectedDigest: number;
  requestId: number;
  reportLine: number;
  clientMs: number;
  startedAt: number;
  hostOversubscription: number;
  status: number;
  childReportLines: number;
  digest: number;
  workloadMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  visibleCores: number;
  poolCreated: number;
}

/** The record fields the row reads, by path. */
const FIELD_PATHS: Record<keyof Fields, string> = {
  runId: 'runId',
  retries: 'retries',
  target: 'target',
  emulated: 'emulated',
  cpuEnforced: 'cpuEnforced',
  arch: 'arch',
  functionName: 'functionName',
  memoryMb: 'memoryMb',
  mode: 'mode',
  workers: 'workers',
  items: 'items',
  algorithm: 'algorithm',
  cost: 'cost',
  rep: 'rep',
  warmup: 'warmup',
  expectedDigest: 'expectedDigest',
  requestId: 'requestId',
  reportLine: 'reportLine',
  clientMs: 'clientMs',
  startedAt: 'startedAt',
  hostOversubscription: 'hostOversubscription',
  status: 'status',
  childReportLines: 'childReportLines',
  digest: 'response.digest',
  workloadMs: 'response.workloadMs',
  cpuUserMs: 'response.cpuUserMs',
  cpuSystemMs: 'response.cpuSystemMs',
  visibleCores: 'response.visibleCores',
  poolCreated: 'response.pool.created',
};

/** A line's layout: its token kinds, its keys' bytes, where the fields are, and the fan-out children's tokens. */
interface Shape {
  kinds: Uint8Array;
  /** Token index of each key, and its bytes one after the other. */
  keyTokens: Int32Array;
  keyBytes: Uint8Array;
  fields: Fields;
  /** Token indices of each listed child's `requestId` value and `coldStart` value (-1 when absent). */
  childIds: Int32Array;
  childColdStarts: Int32Array;
  /** Token indices of the childReportLines strings. */
  childLines: Int32Array;
}

/** Shapes seen, by token count; a worker meets a handful (fan-out width, pool size, fields present or null). */
const shapes = new Map<number, Shape[]>();
/** At most this many: a file of ever-new shapes reads by the object path, as any shape beyond these does. */
const MAX_SHAPES = 256;
let shapeCount = 0;

function shapeOf(b: Uint8Array, count: number): Shape | null {
  const candidates = shapes.get(count);
  if (candidates === undefined) return null;
  next: for (const shape of candidates) {
    const known = shape.kinds;
    for (let i = 0; i < count; i++) {
      const code = kinds[i] as number;
      const knownCode = known[i] as number;
      // A string is a string, whatever the bytes in it hold; the fields that care look at their kind themselves.
      if (
        code !== knownCode &&
        !((code & ~KIND) === (knownCode & ~KIND) && (code & KIND) <= COMMA_STRING && (knownCode & KIND) <= COMMA_STRING)
      )
        continue next;
    }
    const keys = shape.keyTokens;
    const keyBytes = shape.keyBytes;
    let at = 0;
    for (let k = 0; k < keys.length; k++) {
      const token = keys[k] as number;
      const start = starts[token] as number;
      const length = (ends[token] as number) - start;
      // Quotes included: the byte after a key's closing quote ends the comparison, so lengths need no check. Not
      // equalBytes: every line compares its keys here, and the call made the whole reader 2% slower.
      for (let j = 0; j < length; j++) if (b[start + j] !== keyBytes[at + j]) continue next;
      at += length;
    }
    return shape;
  }
  return null;
}

/** Buffer's own latin1 decoder, which takes any Uint8Array: no Buffer made for each piece of text. */
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }
).latin1Slice;

/** The latin1 text of `b[start, end)`. */
function textOf(b: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(b, start, end);
}

/** The value tokens of the keys in the tokens of one line, by dotted path; null on a key seen twice in one object. */
function valuePaths(b: Uint8Array, count: number, keyTokens: number[]): Map<string, number> | null {
  const paths = new Map<string, number>();
  const path: string[] = [];
  const keysOf: Array<Set<string>> = [];
  let key = '[]';
  for (let i = 0; i < count; i++) {
    const kind = kindAt(i);
    if (isKey(i)) {
      if (kind === ESCAPED) return null;
      key = textOf(b, (starts[i] as number) + 1, (ends[i] as number) - 1);
      const keys = keysOf[keysOf.length - 1];
      if (keys === undefined || keys.has(key)) return null;
      keys.add(key);
      keyTokens.push(i);
      continue;
    }
    if (kind === CLOSE_OBJECT || kind === CLOSE_ARRAY) {
      path.pop();
      keysOf.pop();
      continue;
    }
    // A value: an object's under its key, an array's element under `[]`.
    if (i > 0) paths.set([...path, key].join('.'), i);
    if (kind === OPEN_OBJECT || kind === OPEN_ARRAY) {
      if (i > 0) path.push(key);
      keysOf.push(new Set());
    }
    key = '[]';
  }
  return paths;
}

/** The elements of the array or object opening at token `open`: each element's first token. */
function elementsOf(open: number): number[] {
  const elements: number[] = [];
  let depth = 0;
  for (let i = open; ; i++) {
    const kind = kindAt(i);
    if (kind === OPEN_OBJECT || kind === OPEN_ARRAY) {
      depth++;
      if (depth === 2) elements.push(i);
    } else if (kind === CLOSE_OBJECT || kind === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return elements;
    } else if (depth === 1) elements.push(i);
  }
}

/** The kinds a field may have in a shape this reader reads: a string, a number, null, ... */
const isStringKind = (kind: number | undefined) => kind !== undefined && kind <= COMMA_STRING;
const absentNullOr = (fields: Fields, field: keyof Fields, ok: (kind: number) => boolean) =>
  fields[field] === -1 || kindAt(fields[field]) === NULL || ok(kindAt(fields[field]));

/**
 * The shape of the line whose tokens are in the arrays, from a line the object path accepted as a record: null when
 * it is not one this reader reads (see the module's comment).
 */
function newShape(b: Uint8Array, count: number): Shape | null {
  const keyTokens: number[] = [];
  const paths = valuePaths(b, count, keyTokens);
  if (paths === null || kindAt(0) !== OPEN_OBJECT) return null;
  const fields = {} as Fields;
  for (const field of Object.keys(FIELD_PATHS) as Array<keyof Fields>)
    fields[field] = paths.get(FIELD_PATHS[field]) ?? -1;
  const response = paths.get('response');
  const executor = paths.get('executor');
  const isNumber = (kind: number) => kind === NUMBER;
  if (
    response === undefined ||
    kindAt(response) !== OPEN_OBJECT ||
    !(executor === undefined || kindAt(executor) === NULL) ||
    !isStringKind(kindAt(fields.requestId)) ||
    !isStringKind(kindAt(fields.reportLine)) ||
    kindAt(fields.childReportLines) !== OPEN_ARRAY ||
    !absentNullOr(fields, 'retries', isNumber) ||
    !absentNullOr(fields, 'hostOversubscription', isNumber) ||
    !(fields.digest === -1 || isStringKind(kindAt(fields.digest))) ||
    !absentNullOr(fields, 'workloadMs', isNumber) ||
    !absentNullOr(fields, 'cpuUserMs', isNumber) ||
    !absentNullOr(fields, 'cpuSystemMs', isNumber) ||
    !absentNullOr(fields, 'visibleCores', isNumber)
  ) {
    return null;
  }
  const pool = paths.get('response.pool');
  if (!(pool === undefined || kindAt(pool) === NULL || kindAt(pool) === OPEN_OBJECT)) return null;
  const childIds: number[] = [];
  const childColdStarts: number[] = [];
  const children = paths.get('response.children');
  if (children !== undefined && kindAt(children) !== NULL) {
    if (kindAt(children) !== OPEN_ARRAY) return null;
    for (const child of elementsOf(children)) {
      if (kindAt(child) !== OPEN_OBJECT) return null;
      const childPaths = new Map<string, number>();
      for (const token of elementsOf(child)) {
        // An object's elements are its keys and values, one after the other.
        if (isKey(token) && kindAt(token) === STRING) {
          childPaths.set(textOf(b, (starts[token] as number) + 1, (ends[token] as number) - 1), token + 1);
        }
      }
      const id = childPaths.get('requestId');
      if (id === undefined || !isStringKind(kindAt(id))) return null;
      childIds.push(id);
      childColdStarts.push(childPaths.get('coldStart') ?? -1);
    }
  }
  const childLines = elementsOf(fields.childReportLines);
  const keyBytes: number[] = [];
  for (const token of keyTokens)
    for (let i = starts[token] as number; i < (ends[token] as number); i++) keyBytes.push(b[i] as number);
  return {
    kinds: kinds.slice(0, count),
    keyTokens: Int32Array.from(keyTokens),
    keyBytes: Uint8Array.from(keyBytes),
    fields,
    childIds: Int32Array.from(childIds),
    childColdStarts: Int32Array.from(childColdStarts),
    childLines: Int32Array.from(childLines),
  };
}

// ---------- REPORT lines ----------

const REPORT_PREFIX = latin1Bytes('REPORT RequestId: ');
/** The fields of a REPORT this reader reads; a line with any other (Status, Restore Duration, XRAY) is not read. */
const REPORT_FIELDS = ['Duration', 'Billed Duration', 'Memory Size', 'Max Memory Used', 'Init Duration'] as const;
const REPORT_FIELD_NAMES = REPORT_FIELDS.map(latin1Bytes);
const DURATION = 0;
const BILLED = 1;
const MEMORY_SIZE = 2;
const MAX_MEMORY = 3;
const INIT = 4;

/**
 * One REPORT read in place: its request id and each field's figure as bytes of the line (-1: absent), and the figure's
 * value, worked out once (a row, its cost and the tally read the same fields).
 */
class ReportSpans {
  idStart = 0;
  idEnd = 0;
  readonly valueStarts = new Int32Array(REPORT_FIELDS.length);
  readonly valueEnds = new Int32Array(REPORT_FIELDS.length);
  readonly values = new Float64Array(REPORT_FIELDS.length);

  value(field: number): number {
    return this.values[field] as number;
  }

  /** The request id's requestIdHash. */
  requestIdHash(b: Uint8Array): number {
    return bytesHash32(b, this.idStart, this.idEnd);
  }
}

const isIdByte = (c: number) => c > SPACE && c < 0x7f && c !== QUOTE && c !== BACKSLASH && c !== LEFT_BRACE;
const isLetter = (c: number | undefined) => c !== undefined && ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));

/** The field a REPORT part's name `b[start, end)` is, or -1. */
function reportFieldAt(b: Uint8Array, start: number, end: number): number {
  for (let f = 0; f < REPORT_FIELD_NAMES.length; f++) {
    const name = REPORT_FIELD_NAMES[f] as Uint8Array;
    if (name.length === end - start && equalBytes(b, start, name, 0, name.length)) return f;
  }
  return -1;
}

/**
 * Reads the REPORT in the JSON string `b[start, end)` (its quotes excluded) into `into`: true when it is a plain text
 * REPORT (report-line.ts plainTextReport: the prefix, then `\t`-separated `Name: value` parts) whose fields are only
 * those of REPORT_FIELDS, once each, the first four present, each value a figure of at most EXACT_DIGITS digits and a
 * unit; then the two readers give the same REPORT. The line's tabs are `\t` escapes here, two bytes.
 */
function readReport(b: Uint8Array, start: number, end: number, into: ReportSpans): boolean {
  if (end - start < REPORT_PREFIX.length || !equalBytes(b, start, REPORT_PREFIX, 0, REPORT_PREFIX.length)) return false;
  let p = start + REPORT_PREFIX.length;
  into.idStart = p;
  while (p < end && isIdByte(b[p] as number)) p++;
  if (p === into.idStart) return false;
  into.idEnd = p;
  into.valueStarts.fill(-1);
  while (p < end) {
    // A part starts after `\t`.
    if (b[p] !== BACKSLASH || b[p + 1] !== TAB_ESCAPE) return false;
    p += 2;
    if (p === end || b[p] === BACKSLASH) continue;
    const nameStart = p;
    while (p < end && (isLetter(b[p]) || b[p] === SPACE)) p++;
    if (b[p] !== COLON || b[p + 1] !== SPACE) return false;
    const field = reportFieldAt(b, nameStart, p);
    if (field === -1 || into.valueStarts[field] !== -1) return false;
    p += 2;
    const valueStart = p;
    while (p < end && isDigit(b[p])) p++;
    if (p === valueStart) return false;
    if (b[p] === DOT) {
      p++;
      if (!isDigit(b[p])) return false;
      while (p < end && isDigit(b[p])) p++;
    }
    if (p - valueStart > 23 || significantDigits(b, valueStart, p) > EXACT_DIGITS) return false;
    into.valueStarts[field] = valueStart;
    into.valueEnds[field] = p;
    into.values[field] = decimalAt(b, valueStart, p);
    if (b[p] !== SPACE || !isLetter(b[p + 1])) return false;
    p++;
    while (p < end && isLetter(b[p])) p++;
  }
  for (let f = DURATION; f <= MAX_MEMORY; f++) if (into.valueStarts[f] === -1) return false;
  return true;
}

// ---------- rows ----------

/** What a record read here gives chunk.ts, in the order the object path gives it. */
export interface BytesRowSink {
  /** Where the row's invocations.csv line goes. */
  readonly csv: CsvBytes;
  /** The REPORTs the record carries (its own, then each child's), by requestIdHash. */
  carried(requestIdHash: number): void;
  /** The row's summary fields and Init Duration, after its CSV line. */
  row(fields: BytesRow): void;
  /** The record in the tally (completeness.ts completeTallyOf): then each of its expected invocations. */
  record(retries: number | null, emulated: boolean): void;
  /** `hash`: the request id's requestIdHash. */
  invocation(requestId: string, child: boolean, usd: number, gbSeconds: number, hash: number): void;
}

/** The row's fields beyond its CSV line: what packSummary, cellKey and initPointOf read. */
export type BytesRow = SummaryInput & Pick<InvocationRow, 'init_ms'>;

type Column = (typeof INVOCATION_COLUMNS)[number];
const formatter = (column: Column) => cellFormatter(column);
const FORMAT = {
  memory: formatter('memory_mb'),
  vcpu: formatter('vcpu_share'),
  visibleCores: formatter('visible_cores'),
  workers: formatter('workers'),
  items: formatter('items'),
  cost: formatter('cost'),
  rep: formatter('rep'),
  duration: formatter('duration_ms'),
  billed: formatter('billed_ms'),
  init: formatter('init_ms'),
  maxMemory: formatter('max_memory_used_mb'),
  workload: formatter('workload_ms'),
  client: formatter('client_ms'),
  cpuUser: formatter('cpu_user_ms'),
  cpuSystem: formatter('cpu_system_ms'),
  usd: formatter('cost_usd'),
  host: formatter('host_oversubscription'),
  retries: formatter('retries'),
};

/** How a column rounds a figure that is not whole (csv.ts): to decimals (`_ms`) or to significant digits. */
const MS = 0;
const OTHER = 1;

/**
 * True when the CSV writer prints the plain decimal `b[start, end)` (at most EXACT_DIGITS significant digits, as read
 * above) as those bytes: no leading zero, no trailing zero after a point, not negative zero, printed by String()
 * without an exponent (below 1e21, at least 1e-6), and, when not whole, within the column's rounding (3 decimals for
 * `_ms`, 6 significant digits otherwise). A figure of at most 15 digits that satisfies this is String() of its value:
 * no shorter text reads back as the same double.
 */
function printsAsItIs(b: Uint8Array, start: number, end: number, rounding: number): boolean {
  let p = start;
  if (b[p] === MINUS) p++;
  const integerStart = p;
  while (p < end && b[p] !== DOT) p++;
  const integerDigits = p - integerStart;
  if (integerDigits > 21 || (integerDigits > 1 && b[integerStart] === DIGIT_0)) return false;
  if (p === end) return !(b[start] === MINUS && integerDigits === 1 && b[integerStart] === DIGIT_0);
  const fraction = end - p - 1;
  if (b[end - 1] === DIGIT_0) return false;
  if (b[integerStart] === DIGIT_0) {
    // 0.000001 prints as it is, 0.0000001 as 1e-7.
    let zeros = 0;
    while (b[p + 1 + zeros] === DIGIT_0) zeros++;
    if (zeros >= 6) return false;
  }
  return rounding === MS ? fraction <= 3 : significantDigits(b, start, end) <= 6;
}

// The row's CSV line is put together here, then copied into the sink's CSV in one go.
let line = new Uint8Array(1 << 14);
let at = 0;

function put(b: Uint8Array, start: number, end: number): void {
  for (let i = start; i < end; i++) line[at++] = b[i] as number;
}

function putText(text: string): void {
  for (let i = 0; i < text.length; i++) line[at++] = text.charCodeAt(i);
}

/** The text of string token `t`, its quotes left out. */
function putString(b: Uint8Array, t: number): void {
  put(b, (starts[t] as number) + 1, (ends[t] as number) - 1);
}

/** A figure `b[start, end)` of value `x` in a column: its bytes when they are what the CSV writer prints. */
function putFigure(
  b: Uint8Array,
  start: number,
  end: number,
  x: number,
  rounding: number,
  format: (x: number) => string,
): void {
  if (printsAsItIs(b, start, end, rounding)) put(b, start, end);
  else putText(format(x));
}

function putNumber(b: Uint8Array, t: number, x: number, rounding: number, format: (x: number) => string): void {
  putFigure(b, starts[t] as number, ends[t] as number, x, rounding, format);
}

function putReported(
  b: Uint8Array,
  report: ReportSpans,
  field: number,
  rounding: number,
  format: (x: number) => string,
): void {
  putFigure(
    b,
    report.valueStarts[field] as number,
    report.valueEnds[field] as number,
    report.value(field),
    rounding,
    format,
  );
}

const putComma = () => {
  line[at++] = COMMA;
};

const enumBytes = (list: readonly string[]) => list.map((value) => latin1Bytes(`"${value}"`));
const ENUMS = {
  target: enumBytes(RECORD_ENUMS.target),
  arch: enumBytes(RECORD_ENUMS.arch),
  mode: enumBytes(RECORD_ENUMS.mode),
  algorithm: enumBytes(RECORD_ENUMS.algorithm),
};

/** The index in `list` of the string token `t` (its quotes included), or -1. */
function enumIndex(b: Uint8Array, t: number, list: readonly Uint8Array[]): number {
  if (kindAt(t) !== STRING) return -1;
  for (let k = 0; k < list.length; k++) if (bytesAre(b, t, list[k] as Uint8Array)) return k;
  return -1;
}

/** The value of number token `t` when it is exact; NaN when it is not, which no check here lets through. */
function numberOf(b: Uint8Array, t: number): number {
  return exact[t] === 0 ? Number.NaN : decimalAt(b, starts[t] as number, ends[t] as number);
}

/** A number field the object path reads with numberField (absent, null: null) or as a record's number. */
function optionalNumber(b: Uint8Array, t: number): number | null {
  return t === -1 || kindAt(t) !== NUMBER ? null : numberOf(b, t);
}

/** Bytes equal: the string tokens `s` and `t`, their quotes included. */
function sameBytes(b: Uint8Array, s: number, t: number): boolean {
  const start = starts[s] as number;
  const other = starts[t] as number;
  const length = (ends[s] as number) - start;
  return (ends[t] as number) - other === length && equalBytes(b, start, b, other, length);
}

const ok = 'ok';
const OK_BYTES = latin1Bytes(`"${ok}"`);
const MAX_CHILDREN = 1024;
const ownReport = new ReportSpans();
const childReports = Array.from({ length: 4 }, () => new ReportSpans());
const row = {} as BytesRow;

/** The line readRecord tokenized last: learnShape learns its shape. */
let lastCount = -1;
let lastBytes: Uint8Array | null = null;
let lastStart = -1;

/** Outcomes of readRecord. */
export const READ = 0;
/** Not read: a line of a shape not seen yet (learn it with learnShape once the object path accepts the line). */
export const NEW_SHAPE = 1;
/** Not read, for another reason: the object path reads it. */
export const NOT_READ = 2;

/**
 * Reads the record on `b[start, end)` into `sink` (nothing is written unless it returns READ); see the module's comment
 * for the lines it reads.
 */
export function readRecord(b: Uint8Array, start: number, end: number, sink: BytesRowSink): number {
  const count = tokenize(b, start, end);
  if (count < 0) return NOT_READ;
  lastCount = count;
  lastBytes = b;
  lastStart = start;
  const shape = shapeOf(b, count);
  if (shape === null) return NEW_SHAPE;
  return readShaped(b, shape, end - start, sink) ? READ : NOT_READ;
}

/** Learns the shape of the line readRecord last turned down as NEW_SHAPE, once the object path accepted it. */
export function learnShape(b: Uint8Array, start: number): void {
  if (b !== lastBytes || start !== lastStart || shapeCount >= MAX_SHAPES) return;
  lastBytes = null;
  const shape = newShape(b, lastCount);
  if (shape === null) return;
  let list = shapes.get(lastCount);
  if (list === undefined) {
    list = [];
    shapes.set(lastCount, list);
  }
  list.push(shape);
  shapeCount++;
}

function readShaped(b: Uint8Array, shape: Shape, length: number, sink: BytesRowSink): boolean {
  const f = shape.fields;
  // The checks of values (record.ts FIELDS): the shape holds the types.
  const target = enumIndex(b, f.target, ENUMS.target);
  const archIndex = enumIndex(b, f.arch, ENUMS.arch);
  const modeIndex = enumIndex(b, f.mode, ENUMS.mode);
  const algorithmIndex = enumIndex(b, f.algorithm, ENUMS.algorithm);
  if (target === -1 || archIndex === -1 || modeIndex === -1 || algorithmIndex === -1) return false;
  if (!bytesAre(b, f.status, OK_BYTES)) return false;
  const memoryMb = numberOf(b, f.memoryMb);
  const workers = numberOf(b, f.workers);
  const items = numberOf(b, f.items);
  const cost = numberOf(b, f.cost);
  const rep = numberOf(b, f.rep);
  const clientMs = numberOf(b, f.clientMs);
  // NaN for a figure that is not exact: the object path reads it.
  if (Number.isNaN(memoryMb + workers + items + cost + rep + clientMs)) return false;
  const retries = optionalNumber(b, f.retries);
  if (retries !== null && (Number.isNaN(retries) || !isRetries(retries) || b[starts[f.retries] as number] === MINUS)) {
    return false;
  }
  const hostOversubscription = optionalNumber(b, f.hostOversubscription);
  const visibleCores = optionalNumber(b, f.visibleCores);
  const workloadMs = optionalNumber(b, f.workloadMs);
  const cpuUserMs = optionalNumber(b, f.cpuUserMs);
  const cpuSystemMs = optionalNumber(b, f.cpuSystemMs);
  if (
    Number.isNaN(
      (hostOversubscription ?? 0) + (visibleCores ?? 0) + (workloadMs ?? 0) + (cpuUserMs ?? 0) + (cpuSystemMs ?? 0),
    )
  ) {
    return false;
  }
  // Text copied into the CSV: no escape, no comma.
  if (kindAt(f.runId) !== STRING || kindAt(f.functionName) !== STRING) return false;
  if (kindAt(f.requestId) !== STRING || kindAt(f.startedAt) !== STRING) return false;

  // The REPORTs: its own, then the children's, all carried, each child listed once and carried once.
  if (kindAt(f.reportLine) !== STRING && kindAt(f.reportLine) !== ESCAPED) return false;
  if (!readReport(b, (starts[f.reportLine] as number) + 1, (ends[f.reportLine] as number) - 1, ownReport)) return false;
  const listed = shape.childIds;
  const lines = shape.childLines;
  if (lines.length > childReports.length) {
    if (lines.length > MAX_CHILDREN) return false;
    while (childReports.length < lines.length) childReports.push(new ReportSpans());
  }
  for (let c = 0; c < lines.length; c++) {
    const t = lines[c] as number;
    if (!readReport(b, (starts[t] as number) + 1, (ends[t] as number) - 1, childReports[c] as ReportSpans))
      return false;
  }
  if (!childrenMatch(b, listed, lines.length)) return false;

  // The row (rows.ts toInvocationRow), for an ok record whose REPORT is a success.
  const arch = RECORD_ENUMS.arch[archIndex] as BytesRow['arch'];
  const cold = ownReport.valueStarts[INIT] !== -1;
  const warmup = kindAt(f.warmup) === TRUE;
  let digestOk: boolean | null = null;
  if (f.digest !== -1 && kindAt(f.expectedDigest) !== NULL) {
    if (kindAt(f.digest) !== STRING || kindAt(f.expectedDigest) !== STRING) return false;
    digestOk = sameBytes(b, f.digest, f.expectedDigest);
  }
  const poolCreated = f.poolCreated !== -1 && kindAt(f.poolCreated) === TRUE;
  let coldChild = false;
  for (const t of shape.childColdStarts) if (t !== -1 && kindAt(t) === TRUE) coldChild = true;
  const reason: NotWarmReason | null = warmup
    ? 'warmup'
    : digestOk === false
      ? 'wrong_digest'
      : cold
        ? 'cold_start'
        : poolCreated
          ? 'pool_created'
          : coldChild
            ? 'cold_child'
            : null;
  const billedMs = ownReport.value(BILLED);
  const reportMemoryMb = ownReport.value(MEMORY_SIZE);
  let costUsd = invocationCostUsd(billedMs, reportMemoryMb, arch);
  for (let c = 0; c < lines.length; c++) {
    const child = childReports[c] as ReportSpans;
    costUsd += invocationCostUsd(child.value(BILLED), child.value(MEMORY_SIZE), arch);
  }
  const durationMs = ownReport.value(DURATION);
  const initMs = cold ? ownReport.value(INIT) : null;

  // invocations.csv's line, column by column (rows.ts INVOCATION_COLUMNS); the line's bytes and a few figures of at
  // most 25 characters each are more than it can hold.
  if (line.length < length + 1024) line = new Uint8Array(2 * (length + 1024));
  at = 0;
  putString(b, f.runId);
  putComma();
  putString(b, f.target);
  putComma();
  put(b, starts[f.emulated] as number, ends[f.emulated] as number);
  putComma();
  put(b, starts[f.cpuEnforced] as number, ends[f.cpuEnforced] as number);
  putComma();
  putString(b, f.arch);
  putComma();
  putString(b, f.functionName);
  putComma();
  putNumber(b, f.memoryMb, memoryMb, OTHER, FORMAT.memory);
  putComma();
  putText(FORMAT.vcpu(vcpuShare(memoryMb)));
  putComma();
  if (visibleCores !== null) putNumber(b, f.visibleCores, visibleCores, OTHER, FORMAT.visibleCores);
  putComma();
  putString(b, f.mode);
  putComma();
  putNumber(b, f.workers, workers, OTHER, FORMAT.workers);
  putComma();
  putNumber(b, f.items, items, OTHER, FORMAT.items);
  putComma();
  putString(b, f.algorithm);
  putComma();
  putNumber(b, f.cost, cost, OTHER, FORMAT.cost);
  putComma();
  putNumber(b, f.rep, rep, OTHER, FORMAT.rep);
  putComma();
  put(b, starts[f.warmup] as number, ends[f.warmup] as number);
  putComma();
  putText(cold ? 'true' : 'false');
  putComma();
  putText(reason === null ? 'true' : 'false');
  putComma();
  if (reason !== null) putText(reason);
  putComma();
  putString(b, f.requestId);
  putComma();
  putText(ok);
  putComma();
  // error_type: none
  putComma();
  putReported(b, ownReport, DURATION, MS, FORMAT.duration);
  putComma();
  putReported(b, ownReport, BILLED, MS, FORMAT.billed);
  putComma();
  if (cold) putReported(b, ownReport, INIT, MS, FORMAT.init);
  putComma();
  putReported(b, ownReport, MAX_MEMORY, OTHER, FORMAT.maxMemory);
  putComma();
  if (workloadMs !== null) putNumber(b, f.workloadMs, workloadMs, MS, FORMAT.workload);
  putComma();
  putNumber(b, f.clientMs, clientMs, MS, FORMAT.client);
  putComma();
  if (cpuUserMs !== null) putNumber(b, f.cpuUserMs, cpuUserMs, MS, FORMAT.cpuUser);
  putComma();
  if (cpuSystemMs !== null) putNumber(b, f.cpuSystemMs, cpuSystemMs, MS, FORMAT.cpuSystem);
  putComma();
  if (digestOk !== null) putText(digestOk ? 'true' : 'false');
  putComma();
  putText(FORMAT.usd(costUsd));
  putComma();
  putString(b, f.startedAt);
  putComma();
  if (hostOversubscription !== null) putNumber(b, f.hostOversubscription, hostOversubscription, OTHER, FORMAT.host);
  putComma();
  if (retries !== null) putNumber(b, f.retries, retries, OTHER, FORMAT.retries);
  // executor, docker_mode, image, image_standin: none
  putComma();
  putComma();
  putComma();
  putComma();
  line[at++] = 0x0a;
  sink.csv.bytesOf(line, 0, at);

  // What chunk.ts keeps of the row, then the tally (completeness.ts completeTallyOf): the record's own invocation,
  // then each child its response lists, in that order, with the REPORT carried for it.
  sink.carried(ownReport.requestIdHash(b));
  for (let c = 0; c < lines.length; c++) sink.carried((childReports[c] as ReportSpans).requestIdHash(b));
  row.arch = arch;
  row.memory_mb = memoryMb;
  row.mode = RECORD_ENUMS.mode[modeIndex] as BytesRow['mode'];
  row.workers = workers;
  row.algorithm = RECORD_ENUMS.algorithm[algorithmIndex] as BytesRow['algorithm'];
  row.cost = cost;
  row.items = items;
  row.emulated = kindAt(f.emulated) === TRUE;
  row.cpu_enforced = kindAt(f.cpuEnforced) === TRUE;
  row.warmup = warmup;
  row.warm = reason === null;
  row.cold = cold;
  row.status = ok;
  row.digest_ok = digestOk;
  row.duration_ms = durationMs;
  row.billed_ms = billedMs;
  row.cost_usd = costUsd;
  row.visible_cores = visibleCores;
  row.host_oversubscription = hostOversubscription;
  row.init_ms = initMs;
  sink.row(row);
  sink.record(retries, row.emulated);
  const idStart = (starts[f.requestId] as number) + 1;
  const idEnd = (ends[f.requestId] as number) - 1;
  sink.invocation(
    textOf(b, idStart, idEnd),
    false,
    costOf(ownReport, arch),
    gbSecondsOf(ownReport),
    bytesHash32(b, idStart, idEnd),
  );
  for (let c = 0; c < listed.length; c++) {
    const child = childReports[childOrder[c] as number] as ReportSpans;
    const t = listed[c] as number;
    const childStart = (starts[t] as number) + 1;
    const childEnd = (ends[t] as number) - 1;
    sink.invocation(
      textOf(b, childStart, childEnd),
      true,
      costOf(child, arch),
      gbSecondsOf(child),
      bytesHash32(b, childStart, childEnd),
    );
  }
  return true;
}

function costOf(report: ReportSpans, arch: BytesRow['arch']): number {
  return invocationCostUsd(report.value(BILLED), report.value(MEMORY_SIZE), arch);
}

function gbSecondsOf(report: ReportSpans): number {
  return gbSeconds(report.value(BILLED), report.value(MEMORY_SIZE));
}

/** The token `t` (a string, its quotes included) is `bytes`. */
function bytesAre(b: Uint8Array, t: number, bytes: Uint8Array): boolean {
  const start = starts[t] as number;
  return (ends[t] as number) - start === bytes.length && equalBytes(b, start, bytes, 0, bytes.length);
}

/** For each listed child, the carried REPORT with its request id (an index into childReports). */
let childOrder = new Int32Array(16);

/**
 * True when the children the response lists and the REPORTs carried for children are the same request ids, each once
 * (then the object path finds every child's REPORT among those carried and costs each once); fills childOrder.
 */
function childrenMatch(b: Uint8Array, listed: Int32Array, carried: number): boolean {
  if (listed.length !== carried) return false;
  if (childOrder.length < listed.length) childOrder = new Int32Array(listed.length);
  for (let c = 0; c < listed.length; c++) {
    const t = listed[c] as number;
    if (kindAt(t) !== STRING) return false;
    const idStart = (starts[t] as number) + 1;
    const idLength = (ends[t] as number) - 1 - idStart;
    let match = -1;
    for (let r = 0; r < carried; r++) {
      const report = childReports[r] as ReportSpans;
      if (report.idEnd - report.idStart !== idLength || !equalBytes(b, report.idStart, b, idStart, idLength)) continue;
      if (match !== -1) return false;
      match = r;
    }
    if (match === -1) return false;
    for (let d = 0; d < c; d++) if (childOrder[d] === match) return false;
    childOrder[c] = match;
  }
  return true;
}

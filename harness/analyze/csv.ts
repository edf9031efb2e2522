/**
 * CSV exporters for invocation and summary rows: a header row, then one line per row, columns in the fixed order
 * results/README.md documents. Cells: null is empty; booleans are true/false; numbers are rounded by unit (the
 * column's suffix), written as plain decimals (never `2.1e-7`) so every spreadsheet reads them.
 */
import { formatDecimals, formatSignificant } from '../text/format.js';
import type { Exporter } from './exporter.js';
import { INVOCATION_COLUMNS, type InvocationRow } from './rows.js';
import { SUMMARY_COLUMNS, type SummaryRow } from './summary.js';

export type CellValue = string | number | boolean | null;

/** Milliseconds: 3 decimals is a microsecond, finer than Lambda reports (2 decimals). */
const MS_DECIMALS = 3;
/** USD: per-invocation costs are ~1e-7, so round by significant digits, not decimals. */
const USD_SIGNIFICANT = 10;
/** Ratios and shares (speedup, cv, vcpu_share, items_per_s): more than any measurement supports. */
const OTHER_SIGNIFICANT = 6;

/** A cell's text, rounded by what its column holds (`_ms`, `_usd`, other). */
export function formatCell(column: string, value: CellValue): string {
  return cellFormatter(column)(value);
}

/**
 * A column's rounding, remembered for the figures it saw last: a column's figures repeat (one vCPU share per memory
 * size, one cost per billed duration and size, Durations of 2 decimals), and rounding one costs several times looking
 * it up. A direct-mapped table (one slot per hash of the figure's bits, the newest figure wins) rather than a Map:
 * a Map keyed by doubles costs most of what it saves.
 */
function memoized(round: (x: number) => string): (x: number) => string {
  const keys = new Float64Array(MEMO_SLOTS).fill(Number.NaN);
  const texts = new Array<string>(MEMO_SLOTS).fill('');
  return (x) => {
    BITS_F64[0] = x;
    const mixed = (BITS_U32[0] as number) ^ (BITS_U32[1] as number);
    const slot = (mixed ^ (mixed >>> 12)) & (MEMO_SLOTS - 1);
    if (keys[slot] === x) return texts[slot] as string;
    const text = round(x);
    keys[slot] = x;
    texts[slot] = text;
    return text;
  };
}

/** Slots of a column's memo (a power of two). */
const MEMO_SLOTS = 4096;
/** One double's bits, as two 32-bit words: the memo's hash. */
const BITS_F64 = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS_F64.buffer);

/** The formatter of one column, chosen once per column rather than once per cell. */
export function cellFormatter(column: string): (value: CellValue) => string {
  const number = memoized(
    column.endsWith('_ms')
      ? (x: number) => formatDecimals(x, MS_DECIMALS)
      : column.endsWith('_usd')
        ? (x: number) => formatSignificant(x, USD_SIGNIFICANT)
        : (x: number) => formatSignificant(x, OTHER_SIGNIFICANT),
  );
  return (value) => {
    if (value === null) return '';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'string') return value;
    if (Number.isInteger(value)) return String(value);
    return number(value);
  };
}

/** Fields that must be quoted (RFC 4180): those holding a comma, a double quote or a line break. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field: quoted only when it must be, its quotes doubled. With csvRecord, the same bytes csv-stringify writes
 * with its defaults (a test holds them to that); written by hand because that library's per-field option handling
 * cost more than the rest of the analysis (1.5 s of 200,000 rows) for what is one regular-expression test a field.
 */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record: its fields, comma-separated, then `\n`. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/**
 * A CSV exporter that can also be written piece by piece: `header()` then `body(rows)` for each batch of rows gives
 * the same bytes as `serialize(allRows)`, so a streaming writer never holds every row. `bodyBytes` is `body` as UTF-8.
 */
export interface CsvExporter<Row> extends Exporter<Row> {
  header(): string;
  body(rows: readonly Row[]): string;
  bodyBytes(rows: readonly Row[]): Uint8Array;
  /** One row's line, written into `out`. */
  writeRow(out: CsvBytes, row: Row): void;
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const CARRIAGE_RETURN = 0x0d;
/** The last code unit copied as it is: ASCII without DEL. */
const LAST_PLAIN = 0x7e;

/**
 * UTF-8 bytes of CSV text, written cell by cell into one growing buffer. Written by hand because it is the analyzer's
 * largest cost after JSON.parse: joining each row's cells into a string, the rows into another, then encoding that
 * cost twice what copying ASCII code units into bytes does. Text that is not plain ASCII, or that must be quoted, goes
 * through csvField and TextEncoder.
 */
export class CsvBytes {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;
  private static readonly encoder = new TextEncoder();

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(b: number): void {
    this.room(1);
    this.bytes[this.length++] = b;
  }

  /** Text as one field: quoted when it must be (csvField), UTF-8 when it is not ASCII. */
  field(text: string): void {
    this.room(text.length);
    const start = this.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > LAST_PLAIN || c === COMMA || c === QUOTE || c === NEWLINE || c === CARRIAGE_RETURN) {
        this.length = start;
        this.encoded(csvField(text));
        return;
      }
      this.bytes[this.length++] = c;
    }
  }

  /** Bytes that need no quotes, copied as they are: `from[start, end)`, ASCII (record-bytes.ts checks them). */
  bytesOf(from: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.bytes.set(from.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** Text that needs no quotes (a formatted number, a boolean): ASCII, copied as it is. */
  plain(text: string): void {
    this.room(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i);
  }

  private encoded(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.room(text.length * 3);
    this.length += CsvBytes.encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  /** The bytes written, in a buffer of their own. */
  done(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

const decoder = new TextDecoder();

/** A CSV exporter for rows whose cells are keyed by `columns`, written in that order. */
export function csvExporter<Row extends { [K in Column]: CellValue }, Column extends string>(
  name: string,
  columns: readonly Column[],
): CsvExporter<Row> {
  const formatters = columns.map(cellFormatter);
  const header = () => csvRecord(columns);
  const writeRow = (out: CsvBytes, row: Row) => {
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) out.byte(COMMA);
      const value = row[columns[i] as Column];
      // Only text can hold a comma, a quote, a line break or a character beyond ASCII; numbers and booleans never do.
      if (typeof value === 'string') out.field(value);
      else if (value !== null) out.plain((formatters[i] as (value: CellValue) => string)(value));
    }
    out.byte(NEWLINE);
  };
  const bodyBytes = (rows: readonly Row[]) => {
    const out = new CsvBytes();
    for (const row of rows) writeRow(out, row);
    return out.done();
  };
  const body = (rows: readonly Row[]) => decoder.decode(bodyBytes(rows));
  return { name, header, body, bodyBytes, writeRow, serialize: (rows) => header() + body(rows) };
}

export const invocationsCsv: CsvExporter<InvocationRow> = csvExporter<
  InvocationRow,
  (typeof INVOCATION_COLUMNS)[number]
>('invocations.csv', INVOCATION_COLUMNS);

export const summaryCsv: Exporter<SummaryRow> = csvExporter<SummaryRow, (typeof SUMMARY_COLUMNS)[number]>(
  'summary.csv',
  SUMMARY_COLUMNS,
);

/**
 * One chunk of invocations.jsonl (whole lines, as bytes; analyzeRange reads the lines that start in a byte range of
 * the file, lib/lines.ts readRange) turned into what the streaming analyzer needs of it, with no state shared with other chunks, so chunks
 * can be analyzed on several threads (chunk-worker.ts) and their results joined in file order (analyze.ts). Each
 * record is parsed and checked once; a record that carries every REPORT it needs (nearly all do) becomes its
 * invocations.csv line, its summary fields and its share of the run's tally here.
 * A record that needs REPORTs from elsewhere (the run's other records, its logs) is handed back as its line, for
 * analyze.ts to finish once those are known, as before.
 *
 * What crosses threads is kept flat: the CSV lines of consecutive rows as one byte array, their summary fields as one
 * Float64Array with their cells as indices into a list of keys, and the tally as columns. CellSampler adds the
 * summary fields to their cells' samples on the other side.
 */

import { isAscii } from 'node:buffer';
import { stringHash32 } from '../../lib/collections.js';
import { type FileRange, readRange } from '../../lib/lines.js';
import { ALGORITHMS, MODES } from '../../workloads/event.js';
import { ARCHITECTURES } from '../lambda/platform.js';
import type { ReportFields } from '../lambda/report-line.js';
import { INVOCATION_STATUSES, type InvocationRecord, recordOfLine } from '../run/record.js';
import { completeTallyOf } from './completeness.js';
import { CsvBytes, invocationsCsv } from './csv.js';
import { type BytesRow, type BytesRowSink, learnShape, NEW_SHAPE, READ, readRecord } from './record-bytes.js';
import {
  type CarriedReports,
  carriedReports,
  type InitPoint,
  type InvocationRow,
  initPointOf,
  reportsWanted,
  toInvocationRow,
} from './rows.js';
import { type CellSamples, cellFor, cellKey, SUMMARY_INPUT_FIELDS, type SummaryInput } from './summary.js';

/**
 * Consecutive complete rows: their CSV lines, their summary fields (SUMMARY_WIDTH per row), their cells (each row's
 * index into `cells`, the cellKeys of the run) and Init Durations.
 */
export interface RowRun {
  /** invocations.csv's lines of the rows, as UTF-8. */
  csv: Uint8Array;
  count: number;
  summaries: Float64Array;
  cells: string[];
  cellOf: Uint32Array;
  initPoints: InitPoint[];
}

/** A chunk's records in file order: runs of complete rows, and the lines of records that wait for REPORTs. */
export type Segment = { rows: RowRun } | { waiting: string };

/** The tally of a chunk's complete records (RunTally.add of each, in order, as columns). */
export interface ChunkTally {
  records: number;
  /** Sum of the records' `retries`; null when none has the field. */
  retries: number | null;
  throttled: number;
  emulated: boolean;
  /**
   * Every expected invocation of the complete records, in order: request ids, one after the other in one string
   * (their lengths in requestIdLengths: one string crosses threads at the cost of a copy, an array of them does not),
   * fan-out child or not, cost.
   */
  requestIds: string;
  requestIdLengths: Uint32Array;
  requestIdHashes: Uint32Array;
  child: Uint8Array;
  usd: Float64Array;
  gbSeconds: Float64Array;
}

export interface ChunkResult {
  /** Lines in the chunk, blank ones included (line numbers continue from here). */
  lines: number;
  segments: Segment[];
  tally: ChunkTally;
  /** requestIdHash of every REPORT a record of the chunk carries: where to look when a record wants one. */
  carriedHashes: Uint32Array;
  /** The first bad line: its 0-based index in the chunk and what is wrong; the chunk's analysis stopped there. */
  problem: { lineIndex: number; message: string } | null;
}

/** A request id's hash: to find the chunks that may carry a REPORT (a collision only costs a reread), and the tally's. */
export const requestIdHash = stringHash32;

// ---------- summary fields, packed: one number per field, enums by index, null as NaN ----------

/** Numbers per row in RowRun.summaries: one per SummaryInput field. */
export const SUMMARY_WIDTH = SUMMARY_INPUT_FIELDS.length;

const bool = (b: boolean) => (b ? 1 : 0);
const nullableBool = (b: boolean | null) => (b === null ? Number.NaN : bool(b));
const nullableNumber = (x: number | null) => (x === null ? Number.NaN : x);
const fromNullableBool = (x: number) => (Number.isNaN(x) ? null : x !== 0);
const fromNullableNumber = (x: number) => (Number.isNaN(x) ? null : x);

function indexIn<T extends string>(list: readonly T[], value: T): number {
  return list.indexOf(value);
}

function fromIndex<T extends string>(list: readonly T[], x: number): T {
  const value = list[x];
  if (value === undefined) throw new RangeError(`packed summary field: no value at index ${x}`);
  return value;
}

/** Writes one row's summary fields at `offset` (SUMMARY_WIDTH numbers); unpackSummary reads them back. */
export function packSummary(s: SummaryInput, into: Float64Array, offset: number): void {
  into[offset] = indexIn(ARCHITECTURES, s.arch);
  into[offset + 1] = s.memory_mb;
  into[offset + 2] = indexIn(MODES, s.mode);
  into[offset + 3] = s.workers;
  into[offset + 4] = indexIn(ALGORITHMS, s.algorithm);
  into[offset + 5] = s.cost;
  into[offset + 6] = s.items;
  into[offset + 7] = bool(s.emulated);
  into[offset + 8] = bool(s.cpu_enforced);
  into[offset + 9] = bool(s.warmup);
  into[offset + 10] = bool(s.warm);
  into[offset + 11] = nullableBool(s.cold);
  into[offset + 12] = indexIn(INVOCATION_STATUSES, s.status);
  into[offset + 13] = nullableBool(s.digest_ok);
  into[offset + 14] = nullableNumber(s.duration_ms);
  into[offset + 15] = nullableNumber(s.billed_ms);
  into[offset + 16] = nullableNumber(s.cost_usd);
  into[offset + 17] = nullableNumber(s.visible_cores);
  into[offset + 18] = nullableNumber(s.host_oversubscription);
}

/**
 * A row's summary fields, read in place from the numbers packSummary wrote: a cell's samples read a few fields of each
 * row once, and one small object a row, its fields read when asked, costs a third of copying all 19 out of every row.
 */
class PackedSummaryInput implements SummaryInput {
  constructor(
    private readonly data: Float64Array,
    private readonly offset: number,
  ) {}

  private at(i: number): number {
    return this.data[this.offset + i] as number;
  }

  get arch() {
    return fromIndex(ARCHITECTURES, this.at(0));
  }
  get memory_mb() {
    return this.at(1);
  }
  get mode() {
    return fromIndex(MODES, this.at(2));
  }
  get workers() {
    return this.at(3);
  }
  get algorithm() {
    return fromIndex(ALGORITHMS, this.at(4));
  }
  get cost() {
    return this.at(5);
  }
  get items() {
    return this.at(6);
  }
  get emulated() {
    return this.at(7) !== 0;
  }
  get cpu_enforced() {
    return this.at(8) !== 0;
  }
  get warmup() {
    return this.at(9) !== 0;
  }
  get warm() {
    return this.at(10) !== 0;
  }
  get cold() {
    return fromNullableBool(this.at(11));
  }
  get status() {
    return fromIndex(INVOCATION_STATUSES, this.at(12));
  }
  get digest_ok() {
    return fromNullableBool(this.at(13));
  }
  get duration_ms() {
    return fromNullableNumber(this.at(14));
  }
  get billed_ms() {
    return fromNullableNumber(this.at(15));
  }
  get cost_usd() {
    return fromNullableNumber(this.at(16));
  }
  get visible_cores() {
    return fromNullableNumber(this.at(17));
  }
  get host_oversubscription() {
    return fromNullableNumber(this.at(18));
  }
}

/** The summary fields packed at `offset` of `from` (packSummary), read in place: `from` must not change after. */
export function unpackSummary(from: Float64Array, offset: number): SummaryInput {
  return new PackedSummaryInput(from, offset);
}

type NumberArray = Float64Array | Uint32Array | Uint8Array;

/**
 * A column of numbers that grows as they come, typed from the start. A number[] changes how it stores its elements
 * as values come (small integers, then doubles for a hash above 2^31 or a cost), and each change threw away the
 * compiled code of the loop that pushed them, in every worker, early in its first chunks.
 */
class Column<A extends NumberArray> {
  private values: A;
  private length = 0;

  constructor(
    private readonly make: (length: number) => A,
    initial = 1024,
  ) {
    this.values = make(initial);
  }

  /** Room for `n` more numbers. */
  private room(n: number): void {
    if (this.length + n <= this.values.length) return;
    const grown = this.make(Math.max(this.values.length * 2, this.length + n));
    grown.set(this.values);
    this.values = grown;
  }

  push(x: number): void {
    this.room(1);
    this.values[this.length++] = x;
  }

  /** Room for `n` more numbers, counted as pushed: the caller writes them into `array` from the offset returned. */
  extend(n: number): number {
    this.room(n);
    const at = this.length;
    this.length += n;
    return at;
  }

  /** The numbers so far, in place, with room after them (good until the next push or extend). */
  get array(): A {
    return this.values;
  }

  /** The numbers pushed, in an array of their own. */
  done(): A {
    return this.values.slice(0, this.length) as A;
  }
}

const uint8s = (length: number) => new Uint8Array(length);
const uint32s = (length: number) => new Uint32Array(length);
const float64s = (length: number) => new Float64Array(length);

/**
 * A run's cells' samples (summary.ts CellSamples), from the rows as they cross threads packed: all the streaming
 * analyzer keeps of a row once its CSV line is written. Each row's summary fields are read in place, once.
 */
export class CellSampler {
  readonly cells = new Map<string, CellSamples>();
  /** Rows added. */
  count = 0;

  /** A run's rows, each to its cell's samples (the run names each row's cell: no key is made again). */
  addRun(run: RowRun): void {
    const cells: Array<CellSamples | undefined> = [];
    for (let i = 0; i < run.count; i++) {
      const row = unpackSummary(run.summaries, i * SUMMARY_WIDTH);
      const index = run.cellOf[i] as number;
      cells[index] ??= cellFor(this.cells, run.cells[index] as string, row);
      (cells[index] as CellSamples).add(row);
    }
    this.count += run.count;
  }
}

/** Consecutive complete rows as they are read: their CSV lines, packed fields, cells and Init points. */
class RunBuilder {
  readonly csv = new CsvBytes();
  count = 0;
  private readonly summaries = new Column(float64s, 1024 * SUMMARY_WIDTH);
  private readonly cells = new Map<string, number>();
  private readonly cellOf = new Column(uint32s);
  private readonly initPoints: InitPoint[] = [];

  /** The fields of a row whose CSV line was just written. */
  add(row: BytesRow): void {
    const at = this.summaries.extend(SUMMARY_WIDTH);
    packSummary(row, this.summaries.array, at);
    const key = cellKey(row);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = this.cells.size;
      this.cells.set(key, cell);
    }
    this.cellOf.push(cell);
    const point = initPointOf(row);
    if (point) this.initPoints.push(point);
    this.count += 1;
  }

  done(): RowRun {
    return {
      csv: this.csv.done(),
      count: this.count,
      summaries: this.summaries.done(),
      cells: [...this.cells.keys()],
      cellOf: this.cellOf.done(),
      initPoints: this.initPoints,
    };
  }
}

/** Consecutive complete rows as they cross threads and reach the sink: CSV lines, packed fields, cells, Init points. */
export function rowRun(rows: readonly InvocationRow[]): RowRun {
  const run = new RunBuilder();
  for (const row of rows) {
    invocationsCsv.writeRow(run.csv, row);
    run.add(row);
  }
  return run.done();
}

// ---------- one chunk ----------

/** Builds a chunk's results record by record, from records read either way (objects, or bytes: record-bytes.ts). */
class ChunkBuilder implements BytesRowSink {
  readonly segments: Segment[] = [];
  private run: RunBuilder | null = null;
  private readonly hashes = new Column(uint32s);
  // The tally of the complete records, as columns.
  private records = 0;
  private retries: number | null = null;
  private throttled = 0;
  private emulated = false;
  private requestIds = '';
  private readonly requestIdLengths = new Column(uint32s);
  private readonly requestIdHashes = new Column(uint32s);
  private readonly child = new Column(uint8s);
  private readonly usd = new Column(float64s);
  private readonly gbSeconds = new Column(float64s);

  /** The run rows are being added to. */
  private get rows(): RunBuilder {
    this.run ??= new RunBuilder();
    return this.run;
  }

  get csv(): CsvBytes {
    return this.rows.csv;
  }

  carried(requestIdHash: number): void {
    this.hashes.push(requestIdHash);
  }

  row(row: BytesRow): void {
    this.rows.add(row);
  }

  record(retries: number | null, emulated: boolean): void {
    this.records += 1;
    if (retries !== null) this.retries = (this.retries ?? 0) + retries;
    if (emulated) this.emulated = true;
  }

  invocation(requestId: string, child: boolean, usd: number, gbSeconds: number, hash = requestIdHash(requestId)): void {
    this.requestIds += requestId;
    this.requestIdLengths.push(requestId.length);
    this.requestIdHashes.push(hash);
    this.child.push(child ? 1 : 0);
    this.usd.push(usd);
    this.gbSeconds.push(gbSeconds);
  }

  /** A record read as objects: the REPORTs it carries. */
  carriedReports(carried: CarriedReports): void {
    if (carried.own !== null) this.carried(requestIdHash(carried.own.requestId));
    for (const child of carried.children) this.carried(requestIdHash(child.requestId));
  }

  /** A complete record read as objects: its row and tally. */
  complete(record: InvocationRecord, row: InvocationRow, carried: CarriedReports): void {
    invocationsCsv.writeRow(this.csv, row);
    this.row(row);
    const tally = completeTallyOf(record, carried);
    this.record(tally.retries, tally.emulated);
    if (tally.throttled) this.throttled += 1;
    for (const entry of tally.entries) this.invocation(entry.requestId, entry.child, entry.usd, entry.gbSeconds);
  }

  waiting(line: string): void {
    this.closeRun();
    this.segments.push({ waiting: line });
  }

  private closeRun(): void {
    if (this.run === null || this.run.count === 0) return;
    this.segments.push({ rows: this.run.done() });
    this.run = null;
  }

  result(lines: number, problem: ChunkResult['problem']): ChunkResult {
    this.closeRun();
    return {
      lines,
      segments: this.segments,
      tally: {
        records: this.records,
        retries: this.retries,
        throttled: this.throttled,
        emulated: this.emulated,
        requestIds: this.requestIds,
        requestIdLengths: this.requestIdLengths.done(),
        requestIdHashes: this.requestIdHashes.done(),
        child: this.child.done(),
        usd: this.usd.done(),
        gbSeconds: this.gbSeconds.done(),
      },
      carriedHashes: this.hashes.done(),
      problem,
    };
  }
}

const NO_REPORTS: ReadonlyMap<string, ReportFields> = new Map();

/**
 * Analyzes one chunk: `bytes` are whole lines without the last `\n`; `unterminated` marks the file's last line when
 * it has no `\n` (a killed writer: skipped if it is not JSON, as record.ts reads it). Each line is read from its bytes
 * when record-bytes.ts reads it, else parsed and checked as record.ts reads it; both give the same results (with
 * `fromBytes` false, every line is parsed: the test that holds the two to the same results).
 */
export function analyzeChunk(bytes: Uint8Array, unterminated: boolean, fromBytes = true): ChunkResult {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Pure ASCII (the usual JSONL) is its own text byte for byte: read as bytes, or decoded as Latin-1, several times
  // cheaper than the UTF-8 decoder, which anything else goes through.
  const ascii = isAscii(buffer);
  const readBytes = ascii && fromBytes;
  const out = new ChunkBuilder();
  let lineIndex = 0;
  for (let start = 0; ; lineIndex++) {
    const newline = buffer.indexOf(0x0a, start);
    const last = newline === -1;
    const end = last ? buffer.length : newline;
    const read = readBytes ? readRecord(buffer, start, end, out) : NEW_SHAPE;
    if (read !== READ) {
      const line = buffer.toString(ascii ? 'latin1' : 'utf8', start, end);
      const parsed = recordOfLine(line, unterminated && last);
      if (typeof parsed === 'string')
        return out.result(linesIn(buffer, end, lineIndex + 1), { lineIndex, message: parsed });
      if (parsed !== null) {
        const carried = carriedReports(parsed);
        out.carriedReports(carried);
        if (reportsWanted(parsed, carried).length > 0) out.waiting(line);
        else {
          out.complete(parsed, toInvocationRow(parsed, NO_REPORTS, carried), carried);
          if (read === NEW_SHAPE && readBytes) learnShape(buffer, start);
        }
      }
    }
    if (last) return out.result(lineIndex + 1, null);
    start = newline + 1;
  }
}

/** Lines in a chunk: `counted` up to `from`, then one more for each `\n` from there. */
function linesIn(buffer: Buffer, from: number, counted: number): number {
  let lines = counted;
  for (let at = buffer.indexOf(0x0a, from); at !== -1; at = buffer.indexOf(0x0a, at + 1)) lines++;
  return lines;
}

/** The lines a range's chunk covers in the file: to read them again, or to tell where a record lies. */
export interface ChunkSpan {
  start: number;
  length: number;
  unterminated: boolean;
}

export interface AnalyzedRange {
  span: ChunkSpan;
  result: ChunkResult;
}

/** Reads the lines that start in a byte range (lib/lines.ts readRange) and analyzes them; null when none does. */
export function analyzeRange(range: FileRange): AnalyzedRange | null {
  const chunk = readRange(range);
  if (chunk === null) return null;
  return {
    span: { start: chunk.start, length: chunk.bytes.length, unterminated: chunk.unterminated },
    result: analyzeChunk(chunk.bytes, chunk.unterminated),
  };
}

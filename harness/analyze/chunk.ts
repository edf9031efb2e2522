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
 * Float64Array with their cells as indices into a list of keys, and the tally as columns. PackedCells keeps the
 * summary fields packed on the other side.
 */
import { stringHash32 } from '../../lib/collections.js';
import { decode, type FileRange, readRange } from '../../lib/lines.js';
import { ALGORITHMS, MODES } from '../../workloads/event.js';
import { ARCHITECTURES } from '../lambda/platform.js';
import type { ReportFields } from '../lambda/report-line.js';
import { INVOCATION_STATUSES, type InvocationRecord, recordOfLine } from '../run/record.js';
import { completeTallyOf } from './completeness.js';
import { invocationsCsv } from './csv.js';
import {
  type CarriedReports,
  carriedReports,
  type InitPoint,
  type InvocationRow,
  initPointOf,
  reportsWanted,
  toInvocationRow,
} from './rows.js';
import { type CellRows, cellKey, SUMMARY_INPUT_FIELDS, type SummaryInput } from './summary.js';

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
 * A row's summary fields, read in place from the numbers packSummary wrote: the summary reads a few fields of each row
 * once or twice, and one small object a row, its fields read when asked, costs a third of copying all 19 out of every
 * row (200,000 rows: unpacking them took 70 ms and as long again in garbage collection, on the thread that then waits
 * for the summary to draw the charts).
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

  constructor(private readonly make: (length: number) => A) {
    this.values = make(1024);
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

  /** The `count` numbers of `from` from `offset` on, in order. */
  pushFrom(from: ArrayLike<number>, offset: number, count: number): void {
    this.room(count);
    for (let i = 0; i < count; i++) this.values[this.length++] = from[offset + i] as number;
  }

  /** The numbers pushed so far, in place (a view that a later push may leave behind). */
  view(): A {
    return this.values.subarray(0, this.length) as A;
  }

  /** The numbers pushed, in an array of their own. */
  done(): A {
    return this.values.slice(0, this.length) as A;
  }
}

const uint8s = (length: number) => new Uint8Array(length);
const uint32s = (length: number) => new Uint32Array(length);
const float64s = (length: number) => new Float64Array(length);

/** One cell's rows, packed (SUMMARY_WIDTH numbers a row), in the order they were added. */
class PackedCell {
  private readonly fields = new Column(float64s);

  /** Adds the row packed at `offset` of `from`. */
  push(from: Float64Array, offset: number): void {
    this.fields.pushFrom(from, offset, SUMMARY_WIDTH);
  }

  rows(): SummaryInput[] {
    // Rows read these numbers in place: a later push only appends (past the view, or to a grown copy).
    const data = this.fields.view();
    return Array.from({ length: data.length / SUMMARY_WIDTH }, (_, i) => unpackSummary(data, i * SUMMARY_WIDTH));
  }
}

/**
 * A run's summary inputs by cell, packed: what the streaming analyzer keeps of each row once its CSV line is written,
 * at 152 bytes a row outside the heap the garbage collector walks. A cell's rows come back as objects when asked for
 * (CellRows), one cell at a time.
 */
export class PackedCells implements CellRows {
  private readonly cells = new Map<string, PackedCell>();
  /** Rows added. */
  count = 0;

  /** The cell of `key`, made empty the first time. */
  private cell(key: string): PackedCell {
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = new PackedCell();
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** A run's rows, each to its cell. */
  addRun(run: RowRun): void {
    const cells = run.cells.map((key) => this.cell(key));
    for (let i = 0; i < run.count; i++) {
      (cells[run.cellOf[i] as number] as PackedCell).push(run.summaries, i * SUMMARY_WIDTH);
    }
    this.count += run.count;
  }

  get(key: string): SummaryInput[] | undefined {
    return this.cells.get(key)?.rows();
  }

  *values(): Iterable<SummaryInput[]> {
    for (const cell of this.cells.values()) yield cell.rows();
  }
}

/** Consecutive complete rows as they cross threads and reach the sink: CSV lines, packed fields, cells, Init points. */
export function rowRun(rows: readonly InvocationRow[]): RowRun {
  const summaries = new Float64Array(rows.length * SUMMARY_WIDTH);
  const cells = new Map<string, number>();
  const cellOf = new Uint32Array(rows.length);
  const initPoints: InitPoint[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as InvocationRow;
    packSummary(row, summaries, i * SUMMARY_WIDTH);
    const key = cellKey(row);
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = cells.size;
      cells.set(key, cell);
    }
    cellOf[i] = cell;
    const point = initPointOf(row);
    if (point) initPoints.push(point);
  }
  return {
    csv: invocationsCsv.bodyBytes(rows),
    count: rows.length,
    summaries,
    cells: [...cells.keys()],
    cellOf,
    initPoints,
  };
}

// ---------- one chunk ----------

/** Builds a chunk's results record by record. */
class ChunkBuilder {
  readonly segments: Segment[] = [];
  private rows: InvocationRow[] = [];
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

  carried(carried: CarriedReports): void {
    if (carried.own !== null) this.hashes.push(requestIdHash(carried.own.requestId));
    for (const child of carried.children) this.hashes.push(requestIdHash(child.requestId));
  }

  complete(record: InvocationRecord, row: InvocationRow, carried: CarriedReports): void {
    this.rows.push(row);
    const tally = completeTallyOf(record, carried);
    this.records += 1;
    if (tally.retries !== null) this.retries = (this.retries ?? 0) + tally.retries;
    if (tally.throttled) this.throttled += 1;
    if (tally.emulated) this.emulated = true;
    for (const entry of tally.entries) {
      this.requestIds += entry.requestId;
      this.requestIdLengths.push(entry.requestId.length);
      this.requestIdHashes.push(requestIdHash(entry.requestId));
      this.child.push(entry.child ? 1 : 0);
      this.usd.push(entry.usd);
      this.gbSeconds.push(entry.gbSeconds);
    }
  }

  waiting(line: string): void {
    this.closeRun();
    this.segments.push({ waiting: line });
  }

  private closeRun(): void {
    if (this.rows.length === 0) return;
    this.segments.push({ rows: rowRun(this.rows) });
    this.rows = [];
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
 * it has no `\n` (a killed writer: skipped if it is not JSON, as record.ts reads it).
 */
export function analyzeChunk(bytes: Uint8Array, unterminated: boolean): ChunkResult {
  const lines = decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).split('\n');
  const out = new ChunkBuilder();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const parsed = recordOfLine(line, unterminated && i === lines.length - 1);
    if (parsed === null) continue;
    if (typeof parsed === 'string') return out.result(lines.length, { lineIndex: i, message: parsed });
    const carried = carriedReports(parsed);
    out.carried(carried);
    if (reportsWanted(parsed, carried).length > 0) out.waiting(line);
    else out.complete(parsed, toInvocationRow(parsed, NO_REPORTS, carried), carried);
  }
  return out.result(lines.length, null);
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

/**
 * The analyze step of the pipeline: results/<run-id>/invocations.jsonl (+ any saved logs) -> rows -> summary ->
 * invocations.csv, summary.csv, summary.json, summary.md, scaling.csv, vcpu.csv, amdahl.csv and report.html in the
 * same directory. Reads and writes files only; no network.
 *
 * It streams: invocations.jsonl and the logs are read chunk by chunk, each row's CSV line is written as soon as the
 * row is complete, and only what the summary needs (summary.ts SummaryInput) stays in memory. The chunks of
 * invocations.jsonl are analyzed by chunk.ts, on worker threads for a large file (chunk-worker.ts), and joined here in
 * file order. Most records carry their REPORT line; those that do not (a Tail cut short, a fan-out child) wait until
 * the records and the logs have been searched for the request ids they need, and the rows after them wait with
 * them, so the CSV keeps the file's order.
 * analyzeInMemory is the same analysis over whole texts, the reference the streaming path is held to.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { errnoCode, errorReason, isNotFound, temporaryPath, writeFileAtomic } from '../../lib/fs.js';
import { isRecord, numberField } from '../../lib/guards.js';
import { decode, type FileRange, fileRanges } from '../../lib/lines.js';
import { destroyOnceLoaded } from '../../lib/pool.js';
import { removeStaleTemporaries } from '../../lib/process.js';
import { RunDirError } from '../errors.js';
import {
  asPlainLog,
  extractReportLines,
  parseReportLine,
  type ReportFields,
  reportRequestId,
} from '../lambda/report-line.js';
import { INVOCATIONS_FILE, type InvocationRecord, parseInvocationsJsonl, recordOfLine } from '../run/record.js';
import { RUN_FILE, RunDir, type RunManifest } from '../run/run-dir.js';
import { type AmdahlRow, amdahlCsv, amdahlRows } from './amdahl.js';
import {
  type AnalyzedRange,
  analyzeRange,
  CellSampler,
  type ChunkSpan,
  type ChunkTally,
  type RowRun,
  requestIdHash,
  rowRun,
} from './chunk.js';
import { RunTally } from './completeness.js';
import { invocationsCsv, summaryCsv } from './csv.js';
import type { Exporter } from './exporter.js';
import { summaryJson } from './json.js';
import { logLineBatches } from './log-files.js';
import { type Recommendation, type RecommendOptions, recommend } from './recommend.js';
import { reportCharts } from './report/charts.js';
import { reportHtml } from './report/html.js';
import { type ChartRenderer, chartsHere, chartsOnThread } from './report/render.js';
import { reportDocument } from './report/report.js';
import {
  type CarriedReports,
  carriedReports,
  type InitPoint,
  type InvocationRow,
  reportsWanted,
  toInvocationRow,
} from './rows.js';
import { type RunReport, runReportOf } from './run-report.js';
import { type ScalingRow, scalingCsv, scalingRows } from './scaling.js';
import { type SummaryRow, summarize, summarizeCells } from './summary.js';
import { renderRunReport, renderSummaryTable, SUMMARY_MARKDOWN_FILE } from './table.js';
import { vcpuCsv, vcpuRows } from './vcpu.js';

export interface AnalyzeOptions {
  /** Saved logs holding more REPORT lines, as text: a CloudWatch export (text or FilterLogEvents JSON), a docker log. */
  extraLogText?: string;
  /** The same, as files, read line by line after extraLogText, in order (cloudwatch-reports.log, `--logs`). */
  extraLogFiles?: readonly string[];
  /**
   * Worker threads to analyze invocations.jsonl on; 0 analyzes it on this thread. Default: defaultThreads, one per
   * core (at most MAX_THREADS) from PARALLEL_MIN_BYTES of file on, 0 below. The output is the same either way.
   */
  threads?: number;
}

export interface AnalyzeResult {
  /** Rows written to invocations.csv: one per record. */
  invocationCount: number;
  summary: SummaryRow[];
  scaling: ScalingRow[];
  amdahl: AmdahlRow[];
  recommendations: Recommendation[];
  /** The run as a whole: actual cost against the estimate, REPORT completeness, retries, skipped sizes. */
  run: RunReport;
  /** The files written, absolute. */
  files: string[];
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (error: unknown) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Every REPORT of the run by request id: the records' own lines first (the runner attributed them), then logs. */
export function collectReports(records: readonly InvocationRecord[], extraLogText?: string): Map<string, ReportFields> {
  const reports = new Map<string, ReportFields>();
  const add = (report: ReportFields | null) => {
    if (report !== null && !reports.has(report.requestId)) reports.set(report.requestId, report);
  };
  for (const record of records) {
    if (record.reportLine !== null) add(parseReportLine(record.reportLine));
    for (const line of record.childReportLines) add(parseReportLine(line));
  }
  if (extraLogText !== undefined) for (const report of extractReportLines(extraLogText)) add(report);
  return reports;
}

/**
 * The analysis over whole texts, everything in memory: the simple form of what analyzeRun streams, kept as the
 * reference its output is checked against (tests, `npm run bench:analyzer`).
 */
export function analyzeInMemory(
  jsonlText: string,
  source: string,
  o: { extraLogText?: string; hostCores?: number | null } = {},
): { invocations: InvocationRow[]; summary: SummaryRow[] } {
  const records = parseInvocationsJsonl(jsonlText, source);
  const reports = collectReports(records, o.extraLogText);
  const invocations = records.map((record) => toInvocationRow(record, reports));
  return { invocations, summary: summarize(invocations, { hostCores: o.hostCores ?? null }) };
}

/** Written to a temporary name and renamed, so a reader never sees half a CSV. */
async function writeExport<Row>(dir: string, exporter: Exporter<Row>, rows: readonly Row[]): Promise<string> {
  const file = path.join(dir, exporter.name);
  await writeFileAtomic(file, exporter.serialize(rows));
  return file;
}

/**
 * The cores of the host an emulated run ran on (run.json), which cap the parallelism model's bounds; null for a run
 * on Lambda itself, or when run.json is missing or holds no such figure (a run directory from elsewhere).
 */
export async function emulatedHostCores(dir: string): Promise<number | null> {
  return hostCoresOf(await rawManifest(dir));
}

function hostCoresOf(manifest: unknown): number | null {
  if (!isRecord(manifest) || !isRecord(manifest.target) || manifest.target.emulated !== true) return null;
  return numberField(manifest.host, 'cores');
}

/** run.json as JSON, unchecked (every use narrows it), or null when there is none or it does not parse. */
async function rawManifest(dir: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path.join(dir, RUN_FILE), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Records the actual cost and REPORT completeness in run.json, next to the plan's estimate. Only a run.json that
 * reads back as a whole manifest is rewritten; a run directory without one (copied from elsewhere) is left as it is.
 */
function saveActuals(dir: string, run: RunReport): void {
  const runDir = new RunDir(dir);
  let manifest: RunManifest;
  try {
    manifest = runDir.readManifest();
  } catch {
    return;
  }
  runDir.writeManifest({
    ...manifest,
    actual: {
      analyzedAt: new Date().toISOString(),
      costUsd: run.actualCost.usd,
      gbSeconds: run.actualCost.gbSeconds,
      invocations: run.actualCost.invocations,
      childInvocations: run.actualCost.childInvocations,
      complete: run.actualCost.complete,
      reportsExpected: run.completeness.expected,
      reportsFound: run.completeness.found,
    },
  });
}

/** The file a Node system error names, if any. */
function errorPath(error: unknown): string | null {
  return isRecord(error) && typeof error.path === 'string' ? error.path : null;
}

/** Rows in CSV lines per write: large enough that a write costs nothing per row, small enough to hold. */
const ROWS_PER_WRITE = 2048;

/**
 * Where finished rows go: their invocations.csv lines, batch by batch, to a temporary file that replaces the CSV
 * only once it is whole; their summary fields to memory.
 */
class RowSink {
  /** Every row's share of the summary, by cell. */
  readonly sampler = new CellSampler();
  /** Cold starts' Init Durations, for the report's chart: one per row that has one, a small share of a run. */
  readonly initPoints: InitPoint[] = [];
  private batch: InvocationRow[] = [];
  private readonly temporary: string;
  private readonly out: WriteStream;

  /** The stream's first error: kept, never thrown from an event, so commit can refuse and discard can ignore it. */
  private failure: Error | null = null;

  constructor(readonly file: string) {
    this.temporary = temporaryPath(file);
    this.out = createWriteStream(this.temporary);
    this.out.on('error', (error) => {
      this.failure ??= error;
    });
    this.out.write(invocationsCsv.header());
  }

  add(row: InvocationRow): void {
    this.batch.push(row);
    if (this.batch.length >= ROWS_PER_WRITE) this.flush();
  }

  /** Consecutive rows a chunk's analysis finished, after any rows added one by one before them. */
  addRun(run: RowRun): void {
    this.flush();
    this.write(run);
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    this.write(rowRun(this.batch));
    this.batch = [];
  }

  private write(run: RowRun): void {
    this.out.write(run.csv);
    this.sampler.addRun(run);
    for (const point of run.initPoints) this.initPoints.push(point);
  }

  /** Waits while the file is behind, so rows never pile up in the stream's buffer. */
  async drained(): Promise<void> {
    if (this.out.writableNeedDrain) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }

  /** Writes the last rows and puts the CSV in place; `cells` and `initPoints` are whole from then on. */
  async commit(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(resolve);
    });
    if (this.failure !== null) throw this.failure;
    await rename(this.temporary, this.file);
  }

  /**
   * Drops the temporary file. The stream is closed first: destroyed while its file is still being opened, it would
   * create the file after the removal, and fail the header's write as an unhandled error.
   */
  async discard(): Promise<void> {
    if (!this.out.closed) {
      const closed = new Promise<void>((resolve) => this.out.once('close', () => resolve()));
      this.out.destroy();
      await closed;
    }
    await rm(this.temporary, { force: true });
  }
}

/** A record whose row needs REPORT lines from elsewhere, and the rows made after it, which wait for it. */
type Queued = { rows: RowRun } | { record: InvocationRecord; carried: CarriedReports };

/** Where a chunk lies in invocations.jsonl, to reread it, and the request ids its records carry REPORTs for. */
interface CarryingSpan extends ChunkSpan {
  carriedHashes: Uint32Array;
}

/** From this size on, invocations.jsonl is analyzed on worker threads: below it, starting them costs more. */
const PARALLEL_MIN_BYTES = 32 << 20;
/** Threads beyond a few gain nothing: the main thread, which joins their results in order, becomes the bottleneck. */
const MAX_THREADS = 4;
/** The worker threads `analyze` uses on an invocations.jsonl of `jsonlBytes` when not told (AnalyzeOptions.threads). */
export function defaultThreads(jsonlBytes: number): number {
  return jsonlBytes >= PARALLEL_MIN_BYTES ? Math.min(availableParallelism(), MAX_THREADS) : 0;
}

/**
 * The chunks of invocations.jsonl analyzed (chunk.ts), in file order: the file, as `size` bytes long, cut into byte
 * ranges of CHUNK_BYTES (about a thousand records) that each thread reads and analyzes the lines of, on `threads`
 * worker threads (a piscina pool, a few ranges in flight per thread), or on this thread when `threads` is 0.
 */
async function* analyzedChunks(jsonl: string, size: number, threads: number): AsyncGenerator<AnalyzedRange> {
  const tasks = fileRanges(jsonl, size);
  if (threads === 0) {
    for (const task of tasks) {
      const analyzed = analyzeRange(task);
      if (analyzed !== null) yield analyzed;
    }
    return;
  }
  const { Piscina } = await import('piscina');
  // No more threads than ranges, so that every thread gets one before the pool is destroyed (lib/pool.ts).
  const poolThreads = Math.min(threads, tasks.length);
  const pool = new Piscina<FileRange, AnalyzedRange | null>({
    filename: new URL('./chunk-worker.js', import.meta.url).href,
    minThreads: poolThreads,
    maxThreads: poolThreads,
    // Ranges are posted to a thread while it analyzes one, so it starts the next without waiting for this thread.
    concurrentTasksPerWorker: IN_FLIGHT_PER_THREAD,
  });
  const inFlight: Array<Promise<AnalyzedRange | null>> = [];
  try {
    for (const task of tasks) {
      const result = pool.run(task);
      // Awaited in order below; one that fails while an earlier one is awaited must not go unhandled meanwhile.
      result.catch(() => {});
      inFlight.push(result);
      const next = inFlight.length >= IN_FLIGHT_PER_THREAD * poolThreads ? inFlight.shift() : undefined;
      const analyzed = next === undefined ? null : await next;
      if (analyzed !== null) yield analyzed;
    }
    for (const next of inFlight.splice(0)) {
      const analyzed = await next;
      if (analyzed !== null) yield analyzed;
    }
  } finally {
    // Every thread has a range in flight or has finished one; only a failed analysis has ranges left here.
    await destroyOnceLoaded(pool, inFlight);
  }
}

/**
 * Ranges in flight per thread, each posted to its thread at once (piscina's concurrentTasksPerWorker; the thread
 * analyzes them one after the other): enough that a thread never waits for its next range while this one joins a
 * result, collects garbage or waits for a core. With one posted at a time and two in flight, each thread of an
 * analysis of 200,000 records waited 0.1-0.2 s in all for its next range.
 */
const IN_FLIGHT_PER_THREAD = 4;

/** A chunk's complete records counted, in order, as RunTally.add would have. */
function addChunkTally(tally: RunTally, t: ChunkTally): void {
  tally.countRecords(t.records, t.retries, t.throttled, t.emulated);
  let offset = 0;
  for (let i = 0; i < t.requestIdLengths.length; i++) {
    const end = offset + (t.requestIdLengths[i] as number);
    tally.addFoundSlice(
      t.requestIds,
      offset,
      end,
      t.child[i] === 1,
      t.usd[i] as number,
      t.gbSeconds[i] as number,
      t.requestIdHashes[i] as number,
    );
    offset = end;
  }
}

/** A waiting record's line, read back (the chunk's analysis checked it already). */
function waitingRecord(line: string): InvocationRecord {
  const record = recordOfLine(line, false);
  if (record === null || typeof record === 'string') throw new Error(`a waiting record no longer parses: ${record}`);
  return record;
}

/**
 * The REPORTs of `wanted` that the records themselves carry, the first of each in file order: only the chunks that
 * carry a REPORT with a wanted request id's hash are read again.
 */
async function carriedInOrder(
  jsonl: string,
  spans: readonly CarryingSpan[],
  wanted: ReadonlySet<string>,
): Promise<Map<string, ReportFields>> {
  const found = new Map<string, ReportFields>();
  const hashes = new Set([...wanted].map(requestIdHash));
  const file = await open(jsonl);
  try {
    for (const span of spans) {
      if (!span.carriedHashes.some((hash) => hashes.has(hash))) continue;
      const bytes = Buffer.alloc(span.length);
      await file.read(bytes, 0, span.length, span.start);
      const lines = decode(bytes).split('\n');
      lines.forEach((line, i) => {
        const record = recordOfLine(line, span.unterminated && i === lines.length - 1);
        if (record === null || typeof record === 'string') return;
        const { own, children } = carriedReports(record);
        for (const report of [own, ...children]) {
          if (report !== null && wanted.has(report.requestId) && !found.has(report.requestId)) {
            found.set(report.requestId, report);
          }
        }
      });
    }
  } finally {
    await file.close();
  }
  return found;
}

/** Adds the wanted REPORTs of these log lines not found yet; true once every wanted id has one. */
function takeWanted(lines: readonly string[], wanted: ReadonlySet<string>, found: Map<string, ReportFields>): boolean {
  for (const line of lines) {
    // Most lines of a log are other invocations': their request id alone says so, without reading the figures.
    const id = reportRequestId(line);
    if (id === null || !wanted.has(id) || found.has(id)) continue;
    const report = parseReportLine(line);
    if (report === null || found.has(report.requestId)) continue;
    const kept = detached(report);
    found.set(kept.requestId, kept);
  }
  return found.size >= wanted.size;
}

/**
 * A REPORT read from a log, its strings copied. A log line is a slice of the megabyte of the file it was read with,
 * and a kept slice keeps that whole megabyte: a run whose records wanted 10,000 REPORTs spread over a 140 MB log held
 * all of it until the end.
 */
function detached(report: ReportFields): ReportFields {
  const copy = (text: string) => Buffer.from(text, 'utf8').toString('utf8');
  return {
    ...report,
    requestId: copy(report.requestId),
    errorType: report.errorType === null ? null : copy(report.errorType),
  };
}

/** The wanted REPORTs the logs hold, the first of each, logs read in order; reading stops once all are found. */
async function fromLogs(
  wanted: ReadonlySet<string>,
  found: Map<string, ReportFields>,
  o: AnalyzeOptions,
): Promise<void> {
  if (wanted.size === 0 || found.size >= wanted.size) return;
  if (o.extraLogText !== undefined && takeWanted(asPlainLog(o.extraLogText).split(/\r?\n/), wanted, found)) return;
  for (const file of o.extraLogFiles ?? []) {
    for await (const lines of logLineBatches(file)) if (takeWanted(lines, wanted, found)) return;
  }
}

/**
 * Streams every record into `sink` as a row, in file order, and into `tally`, reading invocations.jsonl on `threads`
 * worker threads (analyzedChunks). Records that carry their REPORTs are finished chunk by chunk; one that does not
 * waits, with every row after it, until the records and the logs have been searched for the REPORTs it wants.
 */
async function streamRows(
  jsonl: string,
  jsonlBytes: number,
  sink: RowSink,
  tally: RunTally,
  threads: number,
  o: AnalyzeOptions,
): Promise<void> {
  const queue: Queued[] = [];
  const wanted = new Set<string>();
  const spans: CarryingSpan[] = [];
  let lineNumber = 1;
  for await (const { span, result } of analyzedChunks(jsonl, jsonlBytes, threads)) {
    if (result.problem !== null) {
      throw new RunDirError(`${jsonl}:${lineNumber + result.problem.lineIndex}: ${result.problem.message}`);
    }
    // Complete records count at once; those waiting for the logs count once the logs are read (below).
    addChunkTally(tally, result.tally);
    for (const segment of result.segments) {
      if ('rows' in segment) {
        if (queue.length === 0) sink.addRun(segment.rows);
        else queue.push(segment);
        continue;
      }
      const record = waitingRecord(segment.waiting);
      const carried = carriedReports(record);
      for (const id of reportsWanted(record, carried)) wanted.add(id);
      queue.push({ record, carried });
    }
    spans.push({ ...span, carriedHashes: result.carriedHashes });
    lineNumber += result.lines;
    await sink.drained();
  }
  if (queue.length === 0) return;
  const found = await carriedInOrder(jsonl, spans, wanted);
  await fromLogs(wanted, found, o);
  for (const item of queue) {
    if ('rows' in item) {
      sink.addRun(item.rows);
      continue;
    }
    sink.add(toInvocationRow(item.record, found, item.carried));
    tally.add(item.record, found, item.carried);
  }
}

export async function analyzeRun(runDir: string, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const dir = path.resolve(runDir);
  if (!(await isDirectory(dir))) {
    throw new RunDirError(`run directory ${dir} does not exist (expected results/<run-id>/ written by a run)`);
  }
  // What an analysis (or any write here) that was killed left half written: the partial CSV can be large. Tidying
  // only: a file that cannot be removed is left, and what cannot be read fails below with its own message.
  await removeStaleTemporaries(dir).catch(() => []);
  const jsonl = path.join(dir, INVOCATIONS_FILE);
  let jsonlBytes: number;
  try {
    // Opened and read once here, so a file that cannot be (a directory, no permission) is the user's error, named,
    // and not a worker thread's failure.
    const file = await open(jsonl);
    try {
      jsonlBytes = (await file.stat()).size;
      await file.read(Buffer.alloc(1), 0, 1, 0);
    } finally {
      await file.close();
    }
  } catch (error: unknown) {
    if (isNotFound(error)) {
      throw new RunDirError(`${jsonl} does not exist: the run recorded no invocation`, { cause: error });
    }
    throw new RunDirError(`${jsonl}: cannot be read (${errorReason(error)})`, { cause: error });
  }
  const threads = opts.threads ?? defaultThreads(jsonlBytes);
  // The report's chart libraries load while the records are read: on a thread of their own for a large run, which
  // draws the charts while this one writes the other files.
  const charts = threads > 0 ? await chartsOnThread() : chartsHere();
  try {
    return await analyzeStreamed(dir, jsonl, jsonlBytes, threads, opts, charts);
  } finally {
    await charts.close();
  }
}

/** analyzeRun once invocations.jsonl is known to be readable. */
async function analyzeStreamed(
  dir: string,
  jsonl: string,
  jsonlBytes: number,
  threads: number,
  opts: AnalyzeOptions,
  charts: ChartRenderer,
): Promise<AnalyzeResult> {
  const sink = new RowSink(path.join(dir, invocationsCsv.name));
  const tally = new RunTally();
  try {
    await streamRows(jsonl, jsonlBytes, sink, tally, threads, opts);
  } catch (error: unknown) {
    await sink.discard();
    // A file that could not be read (run directory, logs) is the user's to fix; anything else is a bug.
    if (errnoCode(error) === null) throw error;
    throw new RunDirError(`${errorPath(error) ?? jsonl}: cannot be read (${errorReason(error)})`, { cause: error });
  }
  const manifest = await rawManifest(dir);
  const hostCores = hostCoresOf(manifest);
  await sink.commit();
  const summary = summarizeCells(sink.sampler.cells, { hostCores });
  const recommendations = recommend(summary, DEFAULT_RECOMMEND_OPTIONS);
  const chartInput = { summary, recommendations, initPoints: sink.initPoints, hostCores };
  const drawn = charts.render(reportCharts(chartInput));
  // Awaited once the other files are written; a failure meanwhile must not go unhandled.
  drawn.catch(() => {});
  const scaling = scalingRows(summary);
  const amdahl = amdahlRows(summary, sink.sampler.cells);
  const run = runReportOf(tally, manifest);
  // summary.md: the table, and the run as a whole under it with every missing REPORT listed.
  const markdown = path.join(dir, SUMMARY_MARKDOWN_FILE);
  await writeFileAtomic(markdown, `${renderSummaryTable(summary)}\n${renderRunReport(run)}`);
  const files = [
    sink.file,
    await writeExport(dir, summaryCsv, summary),
    await writeExport(dir, summaryJson, summary),
    markdown,
    await writeExport(dir, scalingCsv, scaling),
    await writeExport(dir, vcpuCsv, vcpuRows(summary, { hostCores })),
    await writeExport(dir, amdahlCsv, amdahl),
  ];
  const report = reportDocument(
    {
      ...chartInput,
      dirName: path.basename(dir),
      manifest,
      scaling,
      amdahl,
      files: files.map((file) => path.basename(file)),
    },
    await drawn,
  );
  const reportFile = path.join(dir, reportHtml.name);
  await writeFileAtomic(reportFile, reportHtml.serialize(report));
  files.push(reportFile);
  saveActuals(dir, run);
  return { invocationCount: sink.sampler.count, summary, scaling, amdahl, recommendations, run, files };
}

/** What `analyze` and `bench` recommend by: balanced, no limit on Duration (`recommend` takes both as flags). */
export const DEFAULT_RECOMMEND_OPTIONS: RecommendOptions = { strategy: 'balanced', maxDurationMs: null };

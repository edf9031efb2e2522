/**
 * The analyze step of the pipeline: results/<run-id>/invocations.jsonl (+ any saved logs) -> rows -> summary ->
 * invocations.csv and summary.csv in the same directory. Reads and writes files only; no network.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InvocationRecord } from '../run/record.js';
import { invocationsCsv, summaryCsv } from './csv.js';
import type { Exporter } from './exporter.js';
import { summaryJson } from './json.js';
import { invocationRecordProblem, isInvocationRecord } from './records.js';
import { extractReportLines, parseReportLine, type ReportFields } from './report-line.js';
import { type InvocationRow, toInvocationRow } from './rows.js';
import { type SummaryRow, summarize } from './summary.js';
import { summaryMarkdown } from './table.js';

export const INVOCATIONS_FILE = 'invocations.jsonl';

/** What a user must act on: a missing run, an unreadable or corrupt invocations.jsonl. One line, naming the path. */
export class AnalyzeError extends Error {
  override name = 'AnalyzeError';
}

export interface AnalyzeOptions {
  /** Saved logs holding more REPORT lines: a CloudWatch export (text or FilterLogEvents JSON), a docker log. */
  extraLogText?: string;
}

export interface AnalyzeResult {
  invocations: InvocationRow[];
  summary: SummaryRow[];
  /** The files written, absolute. */
  files: string[];
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (error: unknown) {
    if (isErrnoException(error) && error.code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * The records of an invocations.jsonl text. The runner appends a line per invocation and may be killed mid-line,
 * so an unterminated last line that is not JSON is skipped; any other bad line is an error naming its number.
 */
export function parseInvocationsJsonl(text: string, source: string): InvocationRecord[] {
  const lines = text.split('\n');
  const records: InvocationRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const unterminated = index === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (unterminated) return;
      throw new AnalyzeError(`${source}:${index + 1}: not valid JSON`);
    }
    if (!isInvocationRecord(value)) {
      throw new AnalyzeError(`${source}:${index + 1}: not an invocation record: ${invocationRecordProblem(value)}`);
    }
    records.push(value);
  });
  return records;
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

/** Written to a temporary name and renamed, so a reader never sees half a CSV. */
async function writeExport<Row>(dir: string, exporter: Exporter<Row>, rows: readonly Row[]): Promise<string> {
  const file = path.join(dir, exporter.name);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, exporter.serialize(rows), 'utf8');
  await rename(temporary, file);
  return file;
}

export async function analyzeRun(runDir: string, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const dir = path.resolve(runDir);
  if (!(await isDirectory(dir))) {
    throw new AnalyzeError(`run directory ${dir} does not exist (expected results/<run-id>/ written by a run)`);
  }
  const jsonl = path.join(dir, INVOCATIONS_FILE);
  let text: string;
  try {
    text = await readFile(jsonl, 'utf8');
  } catch (error: unknown) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      throw new AnalyzeError(`${jsonl} does not exist: the run recorded no invocation`, { cause: error });
    }
    throw new AnalyzeError(`${jsonl}: cannot be read (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  const records = parseInvocationsJsonl(text, jsonl);
  const reports = collectReports(records, opts.extraLogText);
  const invocations = records.map((record) => toInvocationRow(record, reports));
  const summary = summarize(invocations);
  const files = [
    await writeExport(dir, invocationsCsv, invocations),
    await writeExport(dir, summaryCsv, summary),
    await writeExport(dir, summaryJson, summary),
    await writeExport(dir, summaryMarkdown, summary),
  ];
  return { invocations, summary, files };
}

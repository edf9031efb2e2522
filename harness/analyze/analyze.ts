/**
 * The analyze step of the pipeline: results/<run-id>/invocations.jsonl (+ any saved logs) -> rows -> summary ->
 * invocations.csv, summary.csv, summary.json and summary.md in the same directory. Reads and writes files only; no
 * network.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorReason, isNotFound, writeFileAtomic } from '../../lib/fs.js';
import { isRecord, numberField } from '../../lib/guards.js';
import { RunDirError } from '../errors.js';
import { extractReportLines, parseReportLine, type ReportFields } from '../lambda/report-line.js';
import { INVOCATIONS_FILE, type InvocationRecord, parseInvocationsJsonl } from '../run/record.js';
import { RUN_FILE } from '../run/run-dir.js';
import { invocationsCsv, summaryCsv } from './csv.js';
import type { Exporter } from './exporter.js';
import { summaryJson } from './json.js';
import { type InvocationRow, toInvocationRow } from './rows.js';
import { type SummaryRow, summarize } from './summary.js';
import { summaryMarkdown } from './table.js';

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
async function emulatedHostCores(dir: string): Promise<number | null> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, RUN_FILE), 'utf8'));
  } catch {
    return null;
  }
  if (!isRecord(manifest) || !isRecord(manifest.target) || manifest.target.emulated !== true) return null;
  return numberField(manifest.host, 'cores');
}

export async function analyzeRun(runDir: string, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const dir = path.resolve(runDir);
  if (!(await isDirectory(dir))) {
    throw new RunDirError(`run directory ${dir} does not exist (expected results/<run-id>/ written by a run)`);
  }
  const jsonl = path.join(dir, INVOCATIONS_FILE);
  let text: string;
  try {
    text = await readFile(jsonl, 'utf8');
  } catch (error: unknown) {
    if (isNotFound(error)) {
      throw new RunDirError(`${jsonl} does not exist: the run recorded no invocation`, { cause: error });
    }
    throw new RunDirError(`${jsonl}: cannot be read (${errorReason(error)})`, { cause: error });
  }
  const records = parseInvocationsJsonl(text, jsonl);
  const reports = collectReports(records, opts.extraLogText);
  const invocations = records.map((record) => toInvocationRow(record, reports));
  const summary = summarize(invocations, { hostCores: await emulatedHostCores(dir) });
  const files = [
    await writeExport(dir, invocationsCsv, invocations),
    await writeExport(dir, summaryCsv, summary),
    await writeExport(dir, summaryJson, summary),
    await writeExport(dir, summaryMarkdown, summary),
  ];
  return { invocations, summary, files };
}

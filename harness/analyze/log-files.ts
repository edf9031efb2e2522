/**
 * Saved logs (cloudwatch-reports.log, `analyze --logs`) read line by line: a plain log (a CloudWatch text export, a
 * docker log, JSON-format lines) streams; a CloudWatch FilterLogEvents/GetLogEvents JSON answer is one document, so
 * it is parsed whole and its messages' lines are given instead. The lines are those extractReportLines
 * (harness/lambda/report-line.ts) would read in the same file: split on `\n` or `\r\n`.
 */
import { readFile } from 'node:fs/promises';
import { lineBatches } from '../../lib/lines.js';
import { asPlainLog } from '../lambda/report-line.js';

/**
 * Where `analyze --cloudwatch` (cloudwatch.ts) saves what it fetched; a later `analyze` of the run reads it again.
 * Here, with the reading, so reading a run's saved logs does not load the AWS SDK.
 */
export const CLOUDWATCH_REPORTS_FILE = 'cloudwatch-reports.log';

function withoutCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The whole file, as the in-memory reader takes it: a JSON answer becomes its messages' lines. */
async function wholeFileLines(file: string): Promise<string[]> {
  return asPlainLog(await readFile(file, 'utf8')).split(/\r?\n/);
}

/**
 * The log lines of `file`, batch by batch. Only a file whose first non-blank line starts with `{` or `[` can be a
 * JSON answer: if that line is a JSON value by itself and nothing but blank lines follows, the file is that one
 * value (an answer, or a single JSON log line); if it is one and more lines follow, the file is JSON lines, which
 * stream; if it is not a value by itself, the file is a multi-line JSON document (a pretty-printed answer), read
 * whole.
 */
export async function* logLineBatches(file: string): AsyncGenerator<string[]> {
  // Lines held while the file's kind is undecided: blank ones, then the first non-blank one if it is JSON.
  let held: string[] = [];
  let decided = false;
  let jsonHead = false;
  for await (const batch of lineBatches(file)) {
    if (decided) {
      yield batch.lines.map(withoutCr);
      continue;
    }
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.lines[i] ?? '';
      if (!decided && line.trim() === '') {
        held.push(line);
        continue;
      }
      if (!decided && !jsonHead) {
        const head = line.trimStart();
        if (!head.startsWith('{') && !head.startsWith('[')) {
          decided = true;
          yield [...held, ...batch.lines.slice(i)].map(withoutCr);
          held = [];
          break;
        }
        if (!parsesAsJson(line.trim())) {
          yield await wholeFileLines(file);
          return;
        }
        jsonHead = true;
        held.push(line);
        continue;
      }
      // A JSON head followed by another non-blank line: JSON lines, which stream.
      decided = true;
      yield [...held, ...batch.lines.slice(i)].map(withoutCr);
      held = [];
      break;
    }
  }
  if (!decided && held.length > 0) {
    // One JSON value and blank lines: the whole file is small enough to have been held; read it as one document.
    yield asPlainLog(held.join('\n')).split(/\r?\n/);
  }
}

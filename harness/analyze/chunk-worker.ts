/**
 * The worker thread of the streaming analyzer (analyze.ts runs a piscina pool of these on a large run): one byte range
 * of invocations.jsonl in, the analysis (chunk.ts) of the lines that start in it out. The worker reads the range
 * itself, so the file's bytes never pass through the thread that joins the results.
 */
import type { FileRange } from '../../lib/lines.js';
import { type AnalyzedRange, analyzeRange } from './chunk.js';

export default function analyzeRangeTask(range: FileRange): AnalyzedRange | null {
  return analyzeRange(range);
}

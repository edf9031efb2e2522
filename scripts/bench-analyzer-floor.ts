/**
 * The floor of `npm run bench:analyzer`'s records case: a process that only reads invocations.jsonl on worker threads,
 * each its own byte ranges as the analyzer reads them (lib/lines.ts fileRanges, readRange), and JSON.parses every line;
 * nothing checked, joined or written. No analyzer on this host can be faster, whatever else it does. Run as
 * `node bench-analyzer-floor.js <file> <threads>`; loaded by piscina, it is the worker.
 */
import { statSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { type FileRange, fileRanges, readRange } from '../lib/lines.js';
import { destroyOnceLoaded } from '../lib/pool.js';

/** The worker: the lines that start in a range, parsed; how many. */
export default function parseRange(range: FileRange): number {
  const chunk = readRange(range);
  if (chunk === null) return 0;
  let parsed = 0;
  for (const line of chunk.bytes.toString('utf8').split('\n')) {
    if (line !== '') {
      JSON.parse(line);
      parsed += 1;
    }
  }
  return parsed;
}

if (isMainThread && process.argv[2] !== undefined) {
  const [file, threadsArg] = process.argv.slice(2) as [string, string | undefined];
  const threads = Number(threadsArg ?? 2);
  const ranges = fileRanges(file, statSync(file).size);
  let counts: number[];
  if (threads === 0) {
    // As analyze does below its threads' threshold: on this thread.
    counts = ranges.map(parseRange);
  } else {
    const { Piscina } = await import('piscina');
    // As analyze's pool: no more threads than ranges, ended once every thread has had one (lib/pool.ts).
    const poolThreads = Math.min(threads, ranges.length);
    const pool = new Piscina<FileRange, number>({
      filename: import.meta.url,
      minThreads: poolThreads,
      maxThreads: poolThreads,
    });
    const runs = ranges.map((range) => pool.run(range));
    try {
      counts = await Promise.all(runs);
    } finally {
      await destroyOnceLoaded(pool, runs);
    }
  }
  console.log(counts.reduce((sum, n) => sum + n, 0));
}

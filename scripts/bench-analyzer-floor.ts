/**
 * The floor of `npm run bench:analyzer`'s records case: a process that only reads invocations.jsonl on worker threads,
 * each its own byte ranges as the analyzer reads them (lib/lines.ts linesStartingIn), and JSON.parses every line;
 * nothing checked, joined or written. No analyzer on this host can be faster, whatever else it does. Run as
 * `node bench-analyzer-floor.js <file> <threads>`; loaded by piscina, it is the worker.
 */
import { closeSync, openSync, statSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { CHUNK_BYTES, linesStartingIn } from '../lib/lines.js';

interface Range {
  file: string;
  from: number;
  to: number;
  size: number;
}

/** The worker: the lines that start in a range, parsed; how many. */
export default function parseRange(range: Range): number {
  const fd = openSync(range.file, 'r');
  try {
    const chunk = linesStartingIn(fd, range.from, range.to, range.size);
    if (chunk === null) return 0;
    let parsed = 0;
    for (const line of chunk.bytes.toString('utf8').split('\n')) {
      if (line !== '') {
        JSON.parse(line);
        parsed += 1;
      }
    }
    return parsed;
  } finally {
    closeSync(fd);
  }
}

if (isMainThread && process.argv[2] !== undefined) {
  const [file, threadsArg] = process.argv.slice(2) as [string, string | undefined];
  const threads = Number(threadsArg ?? 2);
  const size = statSync(file).size;
  const { Piscina } = await import('piscina');
  const pool = new Piscina<Range, number>({ filename: import.meta.url, minThreads: threads, maxThreads: threads });
  const ranges: Array<Promise<number>> = [];
  for (let from = 0; from < size; from += CHUNK_BYTES)
    ranges.push(pool.run({ file, from, to: from + CHUNK_BYTES, size }));
  const parsed = (await Promise.all(ranges)).reduce((sum, n) => sum + n, 0);
  await pool.destroy();
  console.log(parsed);
}

/**
 * A text file read line by line without holding it: the lines of each chunk as one batch (a generator step per line
 * would cost more than the work done on most lines). Lines are split on `\n` only and keep any `\r`, so a caller can
 * tell a CRLF file from an LF one and treat them as it always has.
 */
import { isAscii } from 'node:buffer';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';

export interface LineBatch {
  /** Complete lines, in file order, without their `\n`. */
  lines: string[];
  /** 1-based line number of lines[0]. */
  firstLineNumber: number;
  /** True for the file's last batch when it does not end with `\n`: its last line was cut off (a killed writer). */
  unterminated: boolean;
}

/** Large reads: the per-chunk overhead vanishes, and 1 MiB of text is nothing to hold. */
export const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * UTF-8 bytes as text. Pure ASCII (the usual log or JSONL) decodes as Latin-1, byte for byte the same text and
 * several times cheaper than the UTF-8 decoder; anything else goes through it.
 */
export function decode(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** Whole lines of a file as bytes: `bytes` without their last `\n`, starting at byte `start` of the file. */
export interface LineChunk {
  bytes: Buffer;
  start: number;
  /** True for the file's last chunk when it does not end with `\n`: its one line was cut off (a killed writer). */
  unterminated: boolean;
}

/**
 * The lines of `file` as chunks of bytes, each cut after its last `\n` byte, which never occurs inside a multi-byte
 * UTF-8 character, so a character split between two reads lands whole in the next chunk. An empty file yields
 * nothing; the bytes after the last `\n`, if any, come last, alone, marked unterminated.
 */
export async function* lineChunks(file: string): AsyncGenerator<LineChunk> {
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const end = bytes.lastIndexOf(NEWLINE);
    if (end === -1) {
      carry = bytes;
      continue;
    }
    // The bytes after the last `\n` are not a line yet: the next chunk continues them.
    carry = bytes.subarray(end + 1);
    yield { bytes: bytes.subarray(0, end), start: offset, unterminated: false };
    offset += end + 1;
  }
  if (carry.length > 0) yield { bytes: carry, start: offset, unterminated: true };
}

/** Bytes read first while looking for a line's end, doubled on each further read up to PROBE_MAX_BYTES. */
const PROBE_MIN_BYTES = 4 << 10;
const PROBE_MAX_BYTES = 1 << 20;

/** Fills `into` from `position` of the open file (a read may return fewer bytes than asked). */
function readFully(fd: number, into: Buffer, position: number): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error(`file ended at byte ${position + done}, before the ${into.length} bytes asked for`);
    done += n;
  }
}

/**
 * Where the first `\n` at or after `position` is, below `size`; -1 when there is none. The bytes read here are read
 * again with the lines, so the first read is small (a line or two) and only a long line makes them grow.
 */
function newlineFrom(fd: number, position: number, size: number): number {
  let piece = Buffer.allocUnsafe(PROBE_MIN_BYTES);
  for (let at = position; at < size; ) {
    const n = Math.min(piece.length, size - at);
    readFully(fd, piece.subarray(0, n), at);
    const i = piece.subarray(0, n).indexOf(NEWLINE);
    if (i !== -1) return at + i;
    at += n;
    if (piece.length < PROBE_MAX_BYTES) piece = Buffer.allocUnsafe(piece.length * 2);
  }
  return -1;
}

/**
 * The lines of an open file that start in bytes [from, to), as one chunk (lineChunks' shape), the file taken as
 * `size` bytes long; null when no line starts there. Ranges that tile a file give each line to exactly one of them,
 * so threads can each read their own range without anyone reading the whole file: a range skips the end of a line
 * begun before it and reads on past its end to finish its own last line.
 */
export function linesStartingIn(fd: number, from: number, to: number, size: number): LineChunk | null {
  let first = from;
  if (from > 0) {
    const newline = newlineFrom(fd, from - 1, size);
    if (newline === -1) return null;
    first = newline + 1;
  }
  const last = Math.min(to, size);
  if (first >= last) return null;
  const newline = newlineFrom(fd, last - 1, size);
  const end = newline === -1 ? size : newline;
  const bytes = Buffer.allocUnsafe(end - first);
  readFully(fd, bytes, first);
  return { bytes, start: first, unterminated: newline === -1 };
}

/** A byte range of a file of `size` bytes (taken as that long: bytes appended meanwhile are not read). */
export interface FileRange {
  file: string;
  from: number;
  to: number;
  size: number;
}

/** A file of `size` bytes cut into ranges of CHUNK_BYTES, in order: each line starts in exactly one of them. */
export function fileRanges(file: string, size: number): FileRange[] {
  const ranges: FileRange[] = [];
  for (let from = 0; from < size; from += CHUNK_BYTES) ranges.push({ file, from, to: from + CHUNK_BYTES, size });
  return ranges;
}

/** linesStartingIn of a range, the file opened for it and closed again (a worker thread's read of its range). */
export function readRange(range: FileRange): LineChunk | null {
  const fd = openSync(range.file, 'r');
  try {
    return linesStartingIn(fd, range.from, range.to, range.size);
  } finally {
    closeSync(fd);
  }
}

/** The lines of `file`, batch by batch (one per chunk of lineChunks). A final `\n` does not make an empty line. */
export async function* lineBatches(file: string): AsyncGenerator<LineBatch> {
  let lineNumber = 1;
  for await (const chunk of lineChunks(file)) {
    const lines = decode(chunk.bytes).split('\n');
    yield { lines, firstLineNumber: lineNumber, unterminated: chunk.unterminated };
    lineNumber += lines.length;
  }
}

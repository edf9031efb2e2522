/**
 * Deployment packages on disk: each distinct zip unzipped once (keyed by its SHA-256), shared by the functions and
 * versions that use it and removed when the last of them is deleted. Lambda's package limits are enforced while
 * extracting (harness/lambda/README.md "Limits"): the sizes the zip declares are summed before anything is written,
 * and every entry is streamed to disk through a counter, so a zip that lies about its sizes (a zip bomb) stops at the
 * limit instead of filling memory or disk. yauzl does the unzipping: it reads entries lazily and checks each entry's
 * real size against the size it declared.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { LIMITS } from '../../harness/lambda/platform.js';
import { ApiError, invalid } from './api-error.js';

export interface StoredCode {
  /** Lambda's CodeSha256: the base64 SHA-256 of the zip. */
  sha256: string;
  /** The zip's size in bytes (CodeSize). */
  size: number;
  /** Where it is unzipped (LAMBDA_TASK_ROOT); the zip itself lies beside it as `<dir>.zip`. */
  dir: string;
}

const unzipFailed = () => invalid('Could not unzip uploaded file. Please check your file, then try to upload again.');
const tooBigUnzipped = () => invalid(`Unzipped size must be smaller than ${LIMITS.unzippedCodeBytes} bytes`);

function openZip(zip: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (error, file) =>
      error || !file ? reject(unzipFailed()) : resolve(file),
    );
  });
}

/** Every entry of the zip, read from its central directory (nothing is decompressed). */
async function listEntries(zip: Buffer): Promise<yauzl.Entry[]> {
  const file = await openZip(zip);
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    file.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      file.readEntry();
    });
    file.on('end', () => resolve(entries));
    file.on('error', () => reject(unzipFailed()));
    file.readEntry();
  });
}

/** Refuses entries that would land outside the code directory and packages over the unzipped limit. */
function checkEntries(entries: yauzl.Entry[], root: string): void {
  if (entries.filter((e) => !e.fileName.endsWith('/')).length === 0) {
    throw invalid('Uploaded file must be a non-empty zip');
  }
  let declared = 0;
  for (const entry of entries) {
    const target = path.resolve(root, entry.fileName);
    if (target !== root && !target.startsWith(root + path.sep)) {
      throw invalid(`Could not unzip uploaded file: entry ${entry.fileName} escapes the archive.`);
    }
    declared += entry.uncompressedSize;
  }
  if (declared > LIMITS.unzippedCodeBytes) throw tooBigUnzipped();
}

/** Counts the bytes written across all entries and fails the stream the moment they pass the limit. */
function byteBudget(): () => Transform {
  let written = 0;
  return () =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        written += chunk.length;
        done(written > LIMITS.unzippedCodeBytes ? tooBigUnzipped() : null, chunk);
      },
    });
}

function openEntry(file: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    file.openReadStream(entry, (error, stream) => (error || !stream ? reject(unzipFailed()) : resolve(stream)));
  });
}

/** Streams every entry to `root`; directories become directories, everything else a regular file. */
async function extract(zip: Buffer, root: string): Promise<void> {
  const file = await openZip(zip);
  const budget = byteBudget();
  await new Promise<void>((resolve, reject) => {
    file.on('end', resolve);
    file.on('error', () => reject(unzipFailed()));
    file.on('entry', (entry: yauzl.Entry) => {
      const target = path.resolve(root, entry.fileName);
      if (entry.fileName.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        file.readEntry();
        return;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      // The executable bit survives (a bootstrap script needs it); nothing else of the zip's modes does.
      const mode = ((entry.externalFileAttributes >>> 16) & 0o111) !== 0 ? 0o755 : 0o644;
      openEntry(file, entry)
        .then((stream) => pipeline(stream, budget(), createWriteStream(target, { mode })))
        .then(
          () => file.readEntry(),
          // yauzl's own complaint (an entry longer than it declared, a bad CRC) is AWS's "could not unzip".
          (error: unknown) => reject(error instanceof ApiError ? error : unzipFailed()),
        );
    });
    file.readEntry();
  }).finally(() => file.close());
}

export class CodeStore {
  /** How many functions and versions use each code directory. */
  private readonly users = new Map<string, number>();

  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true, mode: 0o755 });
  }

  /** Unzips `zip` (once per content) within Lambda's limits; the caller owns one reference to the result. */
  async store(zip: Buffer): Promise<StoredCode> {
    if (zip.length === 0) throw invalid('Uploaded file must be a non-empty zip');
    const digest = createHash('sha256').update(zip).digest();
    const dir = path.join(this.root, digest.toString('hex').slice(0, 32));
    if (!existsSync(dir)) {
      const entries = await listEntries(zip);
      checkEntries(entries, dir);
      // Extracted beside its final place and renamed in, so a failed or refused package leaves nothing.
      const partial = `${dir}.partial-${randomBytes(4).toString('hex')}`;
      try {
        mkdirSync(partial, { mode: 0o755 });
        await extract(zip, partial);
        // Kept beside the unzipped code: GetFunction's Code.Location serves it back.
        writeFileSync(`${dir}.zip`, zip, { mode: 0o644 });
        renameSync(partial, dir);
      } catch (error) {
        rmSync(partial, { recursive: true, force: true });
        throw error;
      }
    }
    this.retain(dir);
    return { sha256: digest.toString('base64'), size: zip.length, dir };
  }

  /** What store() would refuse, refused the same way, with nothing written (UpdateFunctionCode's DryRun). */
  async check(zip: Buffer): Promise<{ sha256: string; size: number }> {
    if (zip.length === 0) throw invalid('Uploaded file must be a non-empty zip');
    checkEntries(await listEntries(zip), path.join(this.root, 'dry-run'));
    return { sha256: createHash('sha256').update(zip).digest('base64'), size: zip.length };
  }

  retain(dir: string): void {
    this.users.set(dir, (this.users.get(dir) ?? 0) + 1);
  }

  /** Drops one reference; the last one removes the code and its zip from disk. */
  release(dir: string): void {
    const left = (this.users.get(dir) ?? 0) - 1;
    if (left > 0) {
      this.users.set(dir, left);
      return;
    }
    this.users.delete(dir);
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.zip`, { force: true });
  }
}

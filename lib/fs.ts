/**
 * File-system helpers used across the project: the errno code of a failure, and writes a reader never sees half of
 * (lib/process.ts removes the temporary files of those a killed process never finished).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/** The `code` of a Node system error (`ENOENT`, `EACCES`, ...), or null when the error carries none. */
export function errnoCode(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return null;
}

/** The errno code when there is one, else the error's message: a short reason for a one-line message. */
export function errorReason(error: unknown): string {
  return errnoCode(error) ?? (error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
}

/** True when the error says the file or directory does not exist. */
export function isNotFound(error: unknown): boolean {
  return errnoCode(error) === 'ENOENT';
}

/** The name `file` is written under by this process until it is whole: `<file>.<pid>.tmp`, beside it. */
export function temporaryPath(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

const TEMPORARY_NAME = /^.+\.(\d+)\.tmp$/;

/** The id of the process that writes a temporary file of this name (temporaryPath); null for any other name. */
export function temporaryOwner(name: string): number | null {
  const pid = Number(TEMPORARY_NAME.exec(name)?.[1] ?? Number.NaN);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Writes `file` through a temporary name in the same directory and a rename, so a reader sees old or new, whole. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPath(file);
  await writeFile(temporary, data);
  await rename(temporary, file);
}

/** writeFileAtomic, synchronously. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const temporary = temporaryPath(file);
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

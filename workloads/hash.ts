/**
 * Deterministic password hashing: every input is derived from the seed, so every mode and every run
 * hashes the same things and the digest can be compared across modes.
 */
import { createHash, pbkdf2Sync } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Algorithm } from './event.js';

/** Salt of the published experiment's pbkdf2 setting (sha256, 32-byte key). */
export const PBKDF2_SALT = 'salty-salt';
export const PBKDF2_KEY_BYTES = 32;

/** A contiguous share of the items: [start, end). */
export interface HashTask {
  algorithm: Algorithm;
  cost: number;
  seed: string;
  start: number;
  end: number;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function passwordFor(seed: string, index: number): string {
  return sha256(`${seed}:password:${index}`).toString('base64url').slice(0, 16);
}

/** bcrypt salts come from the seed too (bcryptjs would draw random ones): `$2b$<rounds>$<22 chars>`. */
export function bcryptSaltFor(seed: string, index: number, rounds: number): string {
  const bytes = sha256(`${seed}:salt:${index}`).subarray(0, 16);
  return `$2b$${String(rounds).padStart(2, '0')}$${bcrypt.encodeBase64(bytes, 16)}`;
}

export function hashOne(algorithm: Algorithm, cost: number, seed: string, index: number): string {
  const password = passwordFor(seed, index);
  if (algorithm === 'bcrypt') return bcrypt.hashSync(password, bcryptSaltFor(seed, index, cost));
  return pbkdf2Sync(password, PBKDF2_SALT, cost, PBKDF2_KEY_BYTES, 'sha256').toString('hex');
}

export function hashRange(task: HashTask): string[] {
  const hashes: string[] = [];
  for (let i = task.start; i < task.end; i++) hashes.push(hashOne(task.algorithm, task.cost, task.seed, i));
  return hashes;
}

/** sha256 over all hashes in item order, one per line. */
export function digestOf(hashes: readonly string[]): string {
  const hash = createHash('sha256');
  for (const h of hashes) hash.update(h).update('\n');
  return hash.digest('hex');
}

/** Split [offset, offset + items) into `parts` contiguous slices whose sizes differ by at most one. */
export function slices(offset: number, items: number, parts: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  const base = Math.floor(items / parts);
  const extra = items % parts;
  let start = offset;
  for (let p = 0; p < parts; p++) {
    const end = start + base + (p < extra ? 1 : 0);
    out.push({ start, end });
    start = end;
  }
  return out;
}

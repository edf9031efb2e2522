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

const DIGEST_BYTES = 32;

/**
 * The digest of a range of items: the XOR of each item's fingerprint, sha256 of `<index>:<hash>`. The index makes it
 * depend on which hash belongs to which item; the XOR makes any split of the items combine into the same value
 * (combineDigests), so a fan-out child returns its slice's digest instead of every hash (a response is capped at
 * about 6 MB: harness/lambda/README.md "Limits") and every mode returns the same digest for the same items. A
 * checksum of a deterministic computation, not a defence against forgery.
 */
export function digestOf(hashes: readonly string[], start = 0): string {
  const acc = Buffer.alloc(DIGEST_BYTES);
  hashes.forEach((h, i) => {
    const fingerprint = createHash('sha256')
      .update(`${start + i}:${h}`)
      .digest();
    for (let b = 0; b < DIGEST_BYTES; b++) acc[b] = (acc[b] ?? 0) ^ (fingerprint[b] ?? 0);
  });
  return acc.toString('hex');
}

/** The digest of the union of disjoint ranges, from the ranges' digests (hex, as digestOf returns them). */
export function combineDigests(digests: readonly string[]): string {
  const acc = Buffer.alloc(DIGEST_BYTES);
  for (const digest of digests) {
    const bytes = Buffer.from(digest, 'hex');
    if (bytes.length !== DIGEST_BYTES) throw new RangeError(`digest ${digest}: must be ${DIGEST_BYTES} bytes of hex`);
    for (let b = 0; b < DIGEST_BYTES; b++) acc[b] = (acc[b] ?? 0) ^ (bytes[b] ?? 0);
  }
  return acc.toString('hex');
}

export const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

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

/** HashedStringSet: keyed by a hash, but two strings are the same only when they are equal, collisions or not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HashedStringSet, stringHash32 } from '../../lib/collections.js';

test('FNV-1a, 32 bits: the published test vectors', () => {
  // The FNV reference test vectors for FNV-1a, 32 bits: "", "a" and "foobar".
  assert.equal(stringHash32(''), 0x811c9dc5);
  assert.equal(stringHash32('a'), 0xe40c292c);
  assert.equal(stringHash32('foobar'), 0xbf9cf968);
});

test('adds each string once, with or without the hash given, and tells strings sharing a hash apart', () => {
  const set = new HashedStringSet();
  assert.equal(set.add('req-1'), true);
  assert.equal(set.add('req-1', stringHash32('req-1')), false);
  assert.equal(set.add(`req-${1}`), false, 'an equal string built another way');
  // Forced collisions: three different strings under one hash, each added once.
  for (const text of ['x', 'y', 'z']) assert.equal(set.add(text, 7), true, text);
  for (const text of ['x', 'y', 'z']) assert.equal(set.add(text, 7), false, text);
  // Hashes equal in their low 30 bits collide too.
  assert.equal(set.add('w', 7 + 2 ** 30), true);
  assert.equal(set.add('w', 7 + 2 ** 30), false);
});

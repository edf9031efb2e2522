/** HashedStringSet: keyed by a hash, but two strings are the same only when they are equal, collisions or not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesHash32, HashedStringSet, stringHash32 } from '../../lib/collections.js';

test('FNV-1a, 32 bits: the published test vectors', () => {
  // The FNV reference test vectors for FNV-1a, 32 bits: "", "a" and "foobar".
  assert.equal(stringHash32(''), 0x811c9dc5);
  assert.equal(stringHash32('a'), 0xe40c292c);
  assert.equal(stringHash32('foobar'), 0xbf9cf968);
});

test('the hash of bytes is the hash of the text they spell byte for byte, over the range given only', () => {
  const bytes = Buffer.from('xx foobar b3e1c0de-0000-4000-8000-000000000004 caf\u00e9 yy', 'latin1');
  const text = bytes.toString('latin1');
  for (const word of ['foobar', 'b3e1c0de-0000-4000-8000-000000000004', 'caf\u00e9', '']) {
    const start = text.indexOf(word);
    assert.equal(bytesHash32(bytes, start, start + word.length), stringHash32(word), word);
  }
  assert.equal(bytesHash32(Buffer.from('foobar'), 0, 6), 0xbf9cf968);
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

test('a slice of a longer string is the string it spells, wherever it comes from', () => {
  const set = new HashedStringSet();
  const ids = 'req-1req-22req-333';
  assert.equal(set.addSlice(ids, 0, 5, stringHash32('req-1')), true);
  assert.equal(set.add('req-1'), false, 'the slice, given as a string of its own');
  assert.equal(set.addSlice(`x${ids}`, 1, 6, stringHash32('req-1')), false, 'the same text in another string');
  assert.equal(set.addSlice(ids, 5, 11, stringHash32('req-22')), true);
  assert.equal(set.addSlice(ids, 5, 10, stringHash32('req-2')), true, 'a shorter slice at the same place');
  // A slice that spells another string under the same (forced) hash, and strings of one length differing at the end.
  assert.equal(set.addSlice(ids, 11, 18, 5), true);
  assert.equal(set.add('req-334', 5), true);
  assert.equal(set.add('req-333', 5), false);
});

test('thousands of strings, many under one hash, each added once, as the table grows', () => {
  const set = new HashedStringSet();
  const texts = Array.from({ length: 20_000 }, (_, i) => `request-${i}`);
  // Every tenth string under the hash 3: a long run of collisions that the others have to probe past.
  const hashOf = (text: string, i: number) => (i % 10 === 0 ? 3 : stringHash32(text));
  const joined = texts.join('');
  let at = 0;
  for (const [i, text] of texts.entries()) {
    assert.equal(set.addSlice(joined, at, at + text.length, hashOf(text, i)), true, text);
    at += text.length;
  }
  for (const [i, text] of texts.entries()) assert.equal(set.add(text, hashOf(text, i)), false, text);
  assert.equal(set.add('request-20000'), true);
});

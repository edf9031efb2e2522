/** lineChunks and linesStartingIn: every chunk is whole lines (its last `\n` cut off) found at its offset; a torn last line is marked. */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { lineChunks, linesStartingIn } from '../../lib/lines.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'line-chunks-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('chunks of a multi-megabyte file with multi-byte characters: whole lines, at their offsets, nothing lost', async () => {
  const file = path.join(root, 'lines.txt');
  const lines = Array.from({ length: 40_000 }, (_, i) => `${i} ${'é'.repeat(i % 7)}${'x'.repeat(i % 90)}`);
  writeFileSync(file, `${lines.join('\n')}\ntorn`);
  const whole = readFileSync(file);
  const seen: string[] = [];
  let next = 0;
  let chunks = 0;
  for await (const chunk of lineChunks(file)) {
    chunks += 1;
    assert.equal(chunk.start, next, 'chunks follow each other');
    assert.ok(whole.subarray(chunk.start, chunk.start + chunk.bytes.length).equals(chunk.bytes));
    if (chunk.unterminated) assert.equal(chunk.bytes.toString('utf8'), 'torn');
    else assert.equal(whole[chunk.start + chunk.bytes.length], 0x0a, 'cut just before a newline');
    seen.push(...chunk.bytes.toString('utf8').split('\n'));
    next = chunk.start + chunk.bytes.length + 1;
  }
  assert.ok(chunks > 2, `several chunks (${chunks})`);
  assert.deepEqual(seen, [...lines, 'torn']);
});

test('ranges that tile a file each read the lines that start in them: every line once, in order, whatever the range size', () => {
  const file = path.join(root, 'ranges.txt');
  const lines = Array.from({ length: 3000 }, (_, i) => `${i} ${'é'.repeat(i % 5)}${'x'.repeat((i * 37) % 300)}`);
  // A line longer than several ranges, a blank line, and a torn last line.
  lines[1000] = 'y'.repeat(200_000);
  lines[2000] = '';
  writeFileSync(file, `${lines.join('\n')}\ntorn`);
  const whole = readFileSync(file);
  const fd = openSync(file, 'r');
  try {
    for (const rangeBytes of [1, 97, 4096, 65_536, 1 << 20, whole.length]) {
      const seen: string[] = [];
      let next = 0;
      for (let from = 0; from < whole.length; from += rangeBytes) {
        const chunk = linesStartingIn(fd, from, from + rangeBytes, whole.length);
        if (chunk === null) continue;
        assert.equal(chunk.start, next, `range size ${rangeBytes}: chunks follow each other`);
        assert.ok(chunk.start >= from && chunk.start < from + rangeBytes, 'its first line starts in the range');
        assert.ok(whole.subarray(chunk.start, chunk.start + chunk.bytes.length).equals(chunk.bytes));
        if (chunk.unterminated) assert.equal(chunk.start + chunk.bytes.length, whole.length, 'only the end is torn');
        else assert.equal(whole[chunk.start + chunk.bytes.length], 0x0a, 'cut just before a newline');
        seen.push(...chunk.bytes.toString('utf8').split('\n'));
        next = chunk.start + chunk.bytes.length + 1;
      }
      assert.deepEqual(seen, [...lines, 'torn'], `range size ${rangeBytes}`);
    }
    // A file that ends with its newline has no torn line.
    const ended = path.join(root, 'ended.txt');
    writeFileSync(ended, 'a\nb\n');
    const fd2 = openSync(ended, 'r');
    try {
      assert.deepEqual(linesStartingIn(fd2, 0, 4, 4)?.bytes.toString(), 'a\nb');
      assert.equal(linesStartingIn(fd2, 0, 4, 4)?.unterminated, false);
      assert.equal(linesStartingIn(fd2, 3, 4, 4), null, 'no line starts in the last byte');
    } finally {
      closeSync(fd2);
    }
  } finally {
    closeSync(fd);
  }
});

/** lineChunks: every chunk is whole lines (its last `\n` cut off) found at its offset; a torn last line comes alone. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { lineChunks } from '../../lib/lines.js';

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

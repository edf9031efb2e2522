/** lib/lines.ts: a file read in chunks gives the same lines as reading it whole, whatever falls on a chunk border. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { lineBatches } from '../../lib/lines.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function read(text: string | Buffer): Promise<{ lines: string[]; numbers: number[]; torn: boolean[] }> {
  const file = path.join(dir, `f-${Math.random().toString(16).slice(2)}`);
  writeFileSync(file, text);
  const out = { lines: [] as string[], numbers: [] as number[], torn: [] as boolean[] };
  for await (const batch of lineBatches(file)) {
    batch.lines.forEach((line, i) => {
      out.lines.push(line);
      out.numbers.push(batch.firstLineNumber + i);
      out.torn.push(batch.unterminated && i === batch.lines.length - 1);
    });
  }
  return out;
}

test('lines split on \\n only, \\r kept; a final \\n makes no empty line; numbers count from 1', async () => {
  const got = await read('a\r\n\nb\n');
  assert.deepEqual(got.lines, ['a\r', '', 'b']);
  assert.deepEqual(got.numbers, [1, 2, 3]);
  assert.deepEqual(got.torn, [false, false, false]);
});

test('an unterminated last line is given, flagged as cut off', async () => {
  const got = await read('a\nhalf a rec');
  assert.deepEqual(got.lines, ['a', 'half a rec']);
  assert.deepEqual(got.torn, [false, true]);
  assert.deepEqual((await read('')).lines, []);
});

test('several MiB with multi-byte characters on chunk borders read as text.split would', async () => {
  // Lines of varied length, some with 2-, 3- and 4-byte UTF-8 characters, so chunk borders (every 1 MiB) fall
  // inside lines and inside characters.
  const parts: string[] = [];
  for (let i = 0; i < 60_000; i++) parts.push(`${i} ${'é€𝄞'.repeat(i % 7)}${'x'.repeat(i % 53)}`);
  const text = `${parts.join('\n')}\n`;
  assert.ok(Buffer.byteLength(text) > 3 * (1 << 20));
  const got = await read(text);
  assert.deepEqual(got.lines, parts);
  assert.equal(got.numbers.at(-1), parts.length);
});

test('an ASCII file and the same bytes with one non-ASCII character decode alike where they agree', async () => {
  assert.deepEqual((await read(Buffer.from('plain\n', 'utf8'))).lines, ['plain']);
  assert.deepEqual((await read(Buffer.from([0x61, 0xc3, 0xa9, 0x0a]))).lines, ['aé']);
  // An invalid byte decodes to U+FFFD, as readFile(..., 'utf8') would.
  assert.deepEqual((await read(Buffer.from([0x61, 0xff, 0x0a]))).lines, ['a\ufffd']);
});

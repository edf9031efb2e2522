import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DeleteFunctionCommand, InvalidParameterValueException } from '@aws-sdk/client-lambda';
import { zipSync } from 'fflate';
import { LIMITS } from '../../../harness/lambda/platform.js';
import { CodeStore } from '../../../infra/emulator/code-store.js';
import { deploy, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../support/emulator.js';

const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** Rewrites the uncompressed size every header of a one-entry zip declares (as a zip bomb's author can). */
function declaring(zip: Uint8Array, uncompressedBytes: number): Buffer {
  const out = Buffer.from(zip);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = out.readUInt32LE(i);
    if (signature === CENTRAL_HEADER) out.writeUInt32LE(uncompressedBytes, i + 24);
    if (signature === LOCAL_HEADER) out.writeUInt32LE(uncompressedBytes, i + 22);
  }
  return out;
}

/** 4 MB of zeros: a few kilobytes deflated. */
const zerosZip = () => zipSync({ 'big.bin': new Uint8Array(4 * 1024 * 1024) }, { level: 9 });

let root: string;
let store: CodeStore;
before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-code-test-'));
  store = new CodeStore(root);
});
after(() => rmSync(root, { recursive: true, force: true }));

test('a zip declaring more than 250 MB unzipped is refused as AWS refuses it, before anything is written', async () => {
  const bomb = declaring(zerosZip(), LIMITS.unzippedCodeBytes + 1);
  await assert.rejects(
    store.store(bomb),
    (e: Error) =>
      e.name === 'ApiError' && e.message === `Unzipped size must be smaller than ${LIMITS.unzippedCodeBytes} bytes`,
  );
  assert.deepEqual(readdirSync(root), []);
});

test('a zip whose entry holds more than it declares is refused, and its partial extraction removed', async () => {
  const liar = declaring(zerosZip(), 1024);
  await assert.rejects(store.store(liar), (e: Error) => /Could not unzip uploaded file/.test(e.message));
  assert.deepEqual(readdirSync(root), []);
});

test('entries escaping the archive and empty packages are refused', async () => {
  await assert.rejects(store.store(Buffer.from(zipSync({ '../escape.js': new Uint8Array(1) }))), /escapes|unzip/);
  await assert.rejects(store.store(Buffer.from(zipSync({ 'dir/': new Uint8Array(0) }))), /non-empty zip/);
  await assert.rejects(store.store(Buffer.alloc(0)), /non-empty zip/);
  assert.deepEqual(readdirSync(root), []);
});

let t: TestTarget;
test('code is removed with the last function that uses it', async (s) => {
  t = await startTestEmulator();
  s.after(() => stopTestEmulator(t));
  const zip = zipOf('exports.handler = async () => 1;');
  await deploy(t, 'first', zip);
  await deploy(t, 'second', zip);
  const dir = t.emulator.registry.get('first').codeDir;
  assert.equal(t.emulator.registry.get('second').codeDir, dir, 'one copy per distinct zip');
  assert.ok(existsSync(dir) && existsSync(`${dir}.zip`));
  await t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'first' }));
  assert.ok(existsSync(dir), 'still used by the second function');
  await t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'second' }));
  assert.equal(existsSync(dir), false);
  assert.equal(existsSync(`${dir}.zip`), false);
  await assert.rejects(
    deploy(t, 'bomb', declaring(zerosZip(), LIMITS.unzippedCodeBytes + 1)),
    (e: unknown) => e instanceof InvalidParameterValueException && /Unzipped size must be smaller/.test(e.message),
  );
});

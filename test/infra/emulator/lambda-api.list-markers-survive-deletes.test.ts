import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, DeleteFunctionCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ROLE, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../support/emulator.js';

let t: TestTarget;
const zip = zipOf('exports.handler = async () => 1;');
const names = Array.from({ length: 7 }, (_, i) => `paged-${i}`);
before(async () => {
  t = await startTestEmulator();
});
after(() => stopTestEmulator(t));

async function createAll(list: string[]): Promise<void> {
  for (const FunctionName of list) {
    await t.lambda.send(
      new CreateFunctionCommand({
        FunctionName,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: zip },
      }),
    );
  }
}

test('the usual clean-up loop (list a page, delete it, follow the marker) deletes every function', async () => {
  await createAll(names);
  let marker: string | undefined;
  do {
    const page = await t.lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
    for (const fn of page.Functions ?? [])
      await t.lambda.send(new DeleteFunctionCommand({ FunctionName: fn.FunctionName }));
    marker = page.NextMarker;
  } while (marker);
  const left = await t.lambda.send(new ListFunctionsCommand({}));
  assert.deepEqual(left.Functions, []);
});

test('a function created behind the marker while paging is listed; none is listed twice', async () => {
  await createAll(['m-1', 'm-3', 'm-5']);
  const seen: string[] = [];
  let marker: string | undefined;
  let inserted = false;
  do {
    const page = await t.lambda.send(new ListFunctionsCommand({ MaxItems: 1, Marker: marker }));
    seen.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
    if (!inserted) {
      await createAll(['m-0', 'm-4']);
      inserted = true;
    }
    marker = page.NextMarker;
  } while (marker);
  assert.deepEqual(seen, ['m-1', 'm-3', 'm-4', 'm-5']);
});

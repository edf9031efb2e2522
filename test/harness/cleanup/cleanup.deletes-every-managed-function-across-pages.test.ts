import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateFunctionCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { cleanup } from '../../../harness/cleanup/cleanup.js';
import { TAG_MANAGED } from '../../../harness/deploy/deploy.js';
import type { TargetSession } from '../../../harness/target/target.js';
import { ROLE, startTestEmulator, stopTestEmulator, type TestTarget, zipOf } from '../../support/emulator.js';

let t: TestTarget;
before(async () => {
  t = await startTestEmulator();
});
after(() => stopTestEmulator(t));

test('cleanup deletes every managed function, more than one ListFunctions page of them, and keeps the others', async () => {
  const zip = zipOf('exports.handler = async () => 1;');
  // 60 managed functions: more than the 50 of one default ListFunctions page.
  for (let i = 0; i < 62; i++) {
    const managed = i < 60;
    await t.lambda.send(
      new CreateFunctionCommand({
        FunctionName: `${managed ? 'managed' : 'foreign'}-${String(i).padStart(2, '0')}`,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: zip },
        Tags: managed ? { [TAG_MANAGED]: 'true' } : {},
      }),
    );
  }
  const session = { lambda: t.lambda, logs: t.logs } as unknown as TargetSession;
  const result = await cleanup(session, { runId: null, dryRun: false });
  assert.equal(result.deleted.length, 60);
  const left = await t.lambda.send(new ListFunctionsCommand({}));
  assert.deepEqual(
    left.Functions?.map((f) => f.FunctionName),
    ['foreign-60', 'foreign-61'],
  );
});

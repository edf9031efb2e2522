import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BACKGROUND_KINDS } from '../../workloads/event.js';
import { handler, shutdownPools } from '../../workloads/handler.js';
import { digestOf, hashRange } from '../../workloads/hash.js';

after(shutdownPools);

// Called in this process, without a Lambda around it: nothing freezes, so every kind must finish on its own.
const work = { items: 6, algorithm: 'pbkdf2', cost: 2000, seed: 'background', workers: 2 } as const;
const expectedDigest = digestOf(hashRange({ ...work, start: 0, end: work.items }));

for (const kind of BACKGROUND_KINDS) {
  test(`${kind}: the start returns before the work is done, and the next invocation reports all of it, once`, async () => {
    const start = await handler({ ...work, mode: 'background', background: kind }, { awsRequestId: `start-${kind}` });
    const started = start.background?.started;
    assert.ok(started, 'the starting response describes its batch');
    assert.equal(start.background?.role, 'start');
    assert.equal(started.batchId, `start-${kind}`, 'a batch is named by the request id that started it');
    assert.equal(started.items, work.items);
    assert.ok(started.returnedAt, 'the return is marked');
    assert.equal(start.digest, null, 'nothing was awaited, so there is no digest');
    assert.ok(started.completedMonoMs.length < work.items, `not all done at the return: ${started.completedMonoMs}`);

    const collect = await handler({ ...work, mode: 'background', background: kind, collect: true });
    const report = collect.background;
    assert.ok(report);
    assert.equal(report.role, 'collect');
    assert.equal(report.environmentId, start.background?.environmentId, 'same environment, same id');
    assert.equal(report.started, null, 'collecting starts nothing');
    const batch = report.earlier.find((b) => b.batchId === `start-${kind}`);
    assert.ok(batch, 'the earlier batch is reported by its id');
    assert.equal(batch.pending, 0);
    assert.equal(batch.failed, 0, String(batch.firstError));
    assert.equal(batch.completedMonoMs.length, work.items);
    assert.equal(batch.completedWallMs.length, work.items);
    assert.equal(batch.digest, expectedDigest, 'the background work hashed the same items as the awaited modes');
    assert.deepEqual(batch.returnedAt, started.returnedAt);
    for (const t of batch.completedMonoMs) {
      assert.ok(t >= batch.startedAt.monoMs && t <= report.reportedAt.monoMs, 'completions fall inside the run');
    }

    const again = await handler({ ...work, mode: 'background', background: kind, collect: true });
    assert.deepEqual(again.background?.earlier, [], 'a settled batch is reported once');
  });
}

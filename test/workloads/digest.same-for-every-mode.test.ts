import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import bcrypt from 'bcryptjs';
import { handler, shutdownPools } from '../../workloads/handler.js';
import { combineDigests, DIGEST_PATTERN, digestOf, hashRange, passwordFor, slices } from '../../workloads/hash.js';

after(shutdownPools);

const cases = [
  { algorithm: 'bcrypt', cost: 4 },
  { algorithm: 'pbkdf2', cost: 1000 },
] as const;

describe('every mode hashes the same items and returns the same digest', () => {
  for (const { algorithm, cost } of cases) {
    test(`${algorithm}: sequential, worker_threads and child_process at 1 to 3 workers agree`, async () => {
      const items = 5;
      const seed = 'digest-test';
      const expected = digestOf(hashRange({ algorithm, cost, seed, start: 0, end: items }));
      for (const mode of ['sequential', 'worker_threads', 'child_process'] as const) {
        for (const workers of [1, 2, 3]) {
          const out = await handler({ mode, workers, items, algorithm, cost, seed });
          assert.equal(out.digest, expected, `${mode} x${workers}`);
          assert.equal(out.items, items);
          assert.equal(out.mode, mode);
        }
      }
    });
  }

  test('a different seed gives a different digest', async () => {
    const a = await handler({ mode: 'sequential', workers: 1, items: 2, algorithm: 'pbkdf2', cost: 10, seed: 'a' });
    const b = await handler({ mode: 'sequential', workers: 1, items: 2, algorithm: 'pbkdf2', cost: 10, seed: 'b' });
    assert.notEqual(a.digest, b.digest);
  });

  test('bcrypt hashes are real: they verify against their passwords and carry the cost', () => {
    const [hash] = hashRange({ algorithm: 'bcrypt', cost: 5, seed: 's', start: 3, end: 4 });
    assert.ok(hash);
    assert.equal(bcrypt.getRounds(hash), 5);
    assert.ok(bcrypt.compareSync(passwordFor('s', 3), hash));
    assert.ok(!bcrypt.compareSync(passwordFor('s', 4), hash));
  });

  test('an offset hashes the same items a full run hashes at those positions', () => {
    const full = hashRange({ algorithm: 'pbkdf2', cost: 5, seed: 'o', start: 0, end: 6 });
    const tail = hashRange({ algorithm: 'pbkdf2', cost: 5, seed: 'o', start: 4, end: 6 });
    assert.deepEqual(tail, full.slice(4));
  });

  test('slices are contiguous, cover every item once, and differ in size by at most one', () => {
    assert.deepEqual(slices(0, 7, 3), [
      { start: 0, end: 3 },
      { start: 3, end: 5 },
      { start: 5, end: 7 },
    ]);
    assert.deepEqual(slices(10, 1, 2), [
      { start: 10, end: 11 },
      { start: 11, end: 11 },
    ]);
  });

  test('the response reports what the function saw', async () => {
    const out = await handler({ mode: 'sequential', workers: 1, items: 1, algorithm: 'pbkdf2', cost: 1, seed: 1 });
    assert.equal(typeof out.visibleCores, 'number');
    assert.ok(out.visibleCores >= 1);
    assert.ok(out.availableParallelism >= 1);
    assert.equal(out.nodeVersion, process.version);
    assert.equal(out.arch, process.arch);
    assert.ok(out.workloadMs >= 0);
    assert.ok(out.cpuUserMs >= 0);
    assert.ok(out.cgroupCpuQuota === null || out.cgroupCpuQuota > 0);
    assert.equal('hashes' in out, false, 'the response never carries the hashes themselves');
  });

  test('any split of the items combines into the digest of the whole; order and position matter', () => {
    const task = { algorithm: 'pbkdf2', cost: 3, seed: 'split' } as const;
    const hashes = hashRange({ ...task, start: 0, end: 7 });
    const whole = digestOf(hashes);
    for (const parts of [1, 2, 3, 7]) {
      const digests = slices(0, 7, parts)
        .filter((s) => s.end > s.start)
        .map((s) => digestOf(hashRange({ ...task, start: s.start, end: s.end }), s.start));
      assert.equal(combineDigests(digests), whole, `${parts} slices`);
    }
    // Two hashes swapped, or the same hashes claimed for other positions, give another digest.
    const swapped = [...hashes];
    [swapped[0], swapped[1]] = [swapped[1] as string, swapped[0] as string];
    assert.notEqual(digestOf(swapped), whole);
    assert.notEqual(digestOf(hashes, 1), whole);
    assert.match(whole, DIGEST_PATTERN);
    assert.throws(() => combineDigests(['abc']), RangeError);
  });
});

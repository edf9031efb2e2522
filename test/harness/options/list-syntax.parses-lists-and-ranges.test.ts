import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../harness/errors.js';
import { parseChoiceList, parseIntegerList } from '../../../harness/options/list-syntax.js';
import { MEMORY_RULE, WORKERS_RULE } from '../../../harness/options.js';
import { MODES } from '../../../workloads/event.js';

function refused(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.name, 'ConfigError');
    assert.equal(error.message, message);
    return true;
  });
}

test('a comma-separated list is parsed, deduplicated and sorted numerically', () => {
  assert.deepEqual(parseIntegerList('--memory', '1769, 256,512,256,10240', MEMORY_RULE), [256, 512, 1769, 10240]);
});

test('a range with a step includes its end only when a step lands on it', () => {
  assert.deepEqual(parseIntegerList('--memory', '1024-3072:512', MEMORY_RULE), [1024, 1536, 2048, 2560, 3072]);
  assert.deepEqual(parseIntegerList('--memory', '1024-3000:512', MEMORY_RULE), [1024, 1536, 2048, 2560]);
  assert.deepEqual(parseIntegerList('--memory', '128-128:64', MEMORY_RULE), [128]);
});

test('lists and ranges mix, and overlaps collapse', () => {
  assert.deepEqual(
    parseIntegerList('--memory', '256,1024-2048:512,1536,4096', MEMORY_RULE),
    [256, 1024, 1536, 2048, 4096],
  );
  assert.deepEqual(parseIntegerList('--workers', '8,1-4,2-6:2', WORKERS_RULE), [1, 2, 3, 4, 6, 8]);
});

test('a workers range may leave out its step (1), a memory range may not', () => {
  assert.deepEqual(parseIntegerList('--workers', '1-4', WORKERS_RULE), [1, 2, 3, 4]);
  refused(
    () => parseIntegerList('--memory', '1024-2048', MEMORY_RULE),
    '--memory 1024-2048: a range needs a step, start-end:step such as 1024-3072:512',
  );
});

test('every bad integer, range or list names the flag, the text and the allowed values', () => {
  refused(
    () => parseIntegerList('--memory', '64', MEMORY_RULE),
    '--memory 64: must be an integer from 128 to 10240 (MB)',
  );
  refused(
    () => parseIntegerList('--memory', '256,64', MEMORY_RULE),
    '--memory 64: must be an integer from 128 to 10240 (MB)',
  );
  refused(() => parseIntegerList('--workers', '0', WORKERS_RULE), '--workers 0: must be an integer from 1 to 64');
  refused(
    () => parseIntegerList('--workers', '1.5', WORKERS_RULE),
    '--workers 1.5: must be an integer from 1 to 64 or a range start-end:step such as 1-8:1',
  );
  refused(() => parseIntegerList('--memory', '', MEMORY_RULE), '--memory : the list is empty');
  refused(
    () => parseIntegerList('--memory', '256,,512', MEMORY_RULE),
    '--memory 256,,512: has an empty item (lists are comma separated, e.g. 1,2,4)',
  );
  refused(
    () => parseIntegerList('--memory', '2048-1024:512', MEMORY_RULE),
    '--memory 2048-1024:512: the range start 2048 is above its end 1024',
  );
  refused(
    () => parseIntegerList('--memory', '64-1024:64', MEMORY_RULE),
    '--memory 64-1024:64: the range start 64 must be an integer from 128 to 10240 (MB)',
  );
  refused(
    () => parseIntegerList('--workers', '1-65', WORKERS_RULE),
    '--workers 1-65: the range end 65 must be an integer from 1 to 64',
  );
  refused(
    () => parseIntegerList('--workers', '1-4:0', WORKERS_RULE),
    '--workers 1-4:0: the range step must be an integer of at least 1',
  );
});

test('a list of names keeps the canonical order and drops duplicates', () => {
  assert.deepEqual(parseChoiceList('--modes', 'fan_out,sequential,fan_out', MODES), ['sequential', 'fan_out']);
  refused(
    () => parseChoiceList('--modes', 'sequential,threads', MODES),
    '--modes threads: must be one of sequential, worker_threads, child_process, fan_out',
  );
});

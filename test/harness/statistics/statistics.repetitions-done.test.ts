import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repetitionsDone } from '../../../harness/statistics/statistics.js';

const policy = { minReps: 6, maxReps: 10, ciFraction: 0.05 };

test('below minReps: not done, however tight', () => {
  assert.equal(repetitionsDone([100, 100, 100, 100, 100], policy), false);
});

test('at minReps with a tight median CI: done', () => {
  // sorted 98 99 100 100 101 102: CI [x(1), x(6)] = [98, 102], half-width 2 <= 0.05 * median 100 = 5
  assert.equal(repetitionsDone([100, 101, 99, 100, 102, 98], policy), true);
});

test('at minReps with a wide median CI: not done', () => {
  // CI [11, 40], half-width 14.5 > 0.05 * 13.5 = 0.675
  assert.equal(repetitionsDone([12, 15, 11, 14, 13, 40], policy), false);
});

test('at maxReps: done, however wide', () => {
  assert.equal(repetitionsDone([1, 100, 2, 200, 3, 300, 4, 400, 5, 500], policy), true);
});

test('minReps below the 6 samples a CI needs: not done until there is a CI (or maxReps)', () => {
  assert.equal(repetitionsDone([100, 100, 100], { minReps: 3, maxReps: 10, ciFraction: 0.05 }), false);
  assert.equal(repetitionsDone([100, 100, 100], { minReps: 3, maxReps: 3, ciFraction: 0.05 }), true);
});

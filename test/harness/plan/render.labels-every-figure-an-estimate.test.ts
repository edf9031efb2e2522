import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSweepOptions } from '../../../harness/options.js';
import { planSweep } from '../../../harness/plan/plan.js';
import { renderPlan } from '../../../harness/plan/render.js';
import { HAND_WORKED_CALIBRATION, HAND_WORKED_FLAGS } from './fixtures.js';

const o = resolveSweepOptions({ ...HAND_WORKED_FLAGS, concurrency: '2', 'run-id': 'render' });
const text = renderPlan(planSweep(o, HAND_WORKED_CALIBRATION));

test('the rendered plan says its figures are estimates', () => {
  assert.match(text, /ESTIMATES: every duration, cost and time below comes from a model/);
  assert.match(text, /100 ms per item at 1 vCPU \(estimate: given by the caller\)/);
  assert.match(text, /est\. USD, x86_64/);
});

test('the rendered plan shows the hand-computed counts and totals', () => {
  assert.match(
    text,
    /cells {7}20 = 4 function\(s\) x \(sequential at workers 1 \+ 2 mode\(s\) x 2 worker count\(s\)\)/,
  );
  assert.match(text, /measured invocations\s+40\s+100\n/);
  assert.match(text, /warm-up invocations\s+20\s+20\n/);
  assert.match(text, /fan-out child invocations\s+48\s+96\n/);
  assert.match(text, /requests, all of the above\s+108\s+216\n/);
  // 12.7901875 GB-s per round x 3 and x 6 rounds.
  assert.match(text, /est\. GB-seconds, x86_64\s+38\.4\s+76\.7\n/);
  assert.match(text, /est\. USD, total\s+\$0\.0012\s+\$0\.0023\n/);
  assert.match(text, /vcpu-bench-<arch>-<memory> for arch x86_64, arm64 and memory 1024, 3538 MB/);
});

test('every line fits a wide terminal except the ones listing names', () => {
  for (const line of text.split('\n')) {
    if (line.startsWith('functions') || line.startsWith('cells') || line.startsWith('reps')) continue;
    if (line.startsWith('Totals') || line.startsWith('ESTIMATES') || line.startsWith('  - ')) continue;
    assert.ok(line.length <= 140, line);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../harness/errors.js';
import { resolveSweepOptions } from '../../../harness/options.js';
import { costGuard, planSweep } from '../../../harness/plan/plan.js';
import { HAND_WORKED_CALIBRATION, HAND_WORKED_FLAGS } from './fixtures.js';

// The sweep of plan.counts-and-usd-hand-computed.test.ts: $0.0023454 at --max-reps.
const flags = { ...HAND_WORKED_FLAGS, 'run-id': 'guard' };
const calibration = HAND_WORKED_CALIBRATION;

test('an AWS sweep estimated above --max-cost-usd is refused without --yes', () => {
  const o = resolveSweepOptions({ ...flags, 'max-cost-usd': '0.002' });
  assert.throws(
    () => costGuard(planSweep(o, calibration), o),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, 'estimated cost $0.0023 exceeds --max-cost-usd 0.002; re-run with --yes to proceed');
      return true;
    },
  );
});

test('--yes, a larger budget, or the local target let it through', () => {
  for (const extra of [
    { 'max-cost-usd': '0.002', yes: true },
    { 'max-cost-usd': '0.003' },
    { 'max-cost-usd': '0', target: 'local' },
  ]) {
    const o = resolveSweepOptions({ ...flags, ...extra });
    assert.doesNotThrow(() => costGuard(planSweep(o, calibration), o), JSON.stringify(extra));
  }
});

test('the plan warns about what would go wrong before anything runs', () => {
  const o = resolveSweepOptions({
    ...flags,
    memory: '128,3538',
    region: 'eu-west-1',
    timeout: '1',
    'max-cost-usd': '0.001',
  });
  const warnings = planSweep(o, calibration).warnings.join('\n');
  assert.match(warnings, /cell\(s\) are estimated to run longer than --timeout 1 s/);
  assert.match(warnings, /capped at 3008 MB; deploying 3538 MB may fail/);
  assert.match(warnings, /USD figures use us-east-1 prices; eu-west-1 may differ/);
  assert.match(warnings, /exceeds --max-cost-usd 0\.001: running it needs --yes/);
  const local = resolveSweepOptions({ memory: '1769', concurrency: '4', 'run-id': 'x' });
  assert.deepEqual(planSweep(local, calibration).warnings, [
    '--concurrency 4 is not used on --target local: cells run one at a time',
  ]);
});

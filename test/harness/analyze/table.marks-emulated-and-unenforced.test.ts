import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from '../../../harness/analyze/summary.js';
import { renderSummaryTable, summaryTable } from '../../../harness/analyze/table.js';
import { invocationRow } from '../../support/report-fixtures.js';

test('one line per memory size: vCPU share, then median, speedup and cost per 1k items per mode x workers', () => {
  const summary = summarize([
    invocationRow({ memory_mb: 1769, duration_ms: 1000, cost_usd: 0.00003 }),
    invocationRow({ memory_mb: 1769, mode: 'worker_threads', workers: 2, duration_ms: 800, cost_usd: 0.000024 }),
    invocationRow({ memory_mb: 3538, duration_ms: 990, cost_usd: 0.00006 }),
  ]);
  assert.equal(
    renderSummaryTable(summary),
    [
      'pbkdf2 cost 1000, 40 items per invocation',
      '',
      '| arch   | memory MB | vCPU share |            sequential x1 |      worker_threads x2 |',
      '| ------ | --------: | ---------: | -----------------------: | ---------------------: |',
      // 1769 MB = 1 vCPU; 1000 / 800 = 1.25x; 0.00003 USD / 40 items * 1000 = 0.00075 USD per 1k items
      '| x86_64 |      1769 |      1.000 | 1000.0 ms 1.00x $0.00075 | 800.0 ms 1.25x $0.0006 |',
      '| x86_64 |      3538 |      2.000 |   990.0 ms 1.00x $0.0015 |                        |',
      '',
      'Cells: median warm Duration, speedup over sequential at the same memory, USD per 1,000 items.',
      '',
    ].join('\n'),
  );
});

test('emulated rows and rows run without the CPU quota are marked, with a legend', () => {
  const text = renderSummaryTable(
    summarize([
      invocationRow({ emulated: true, duration_ms: 1000 }),
      invocationRow({ emulated: true, cpu_enforced: false, mode: 'child_process', workers: 2, duration_ms: 600 }),
    ]),
  );
  assert.match(text, /\| x86_64 \* +\| +1024 \|/);
  assert.match(text, /600\.0 ms 1\.67x \$0\.00025 !/);
  assert.match(text, /^\* emulated: measured on the local emulator, not on AWS Lambda\.$/m);
  assert.match(text, /^! CPU quota not enforced: ran unthrottled, not comparable with Lambda\.$/m);
});

test('unmarked when measured on Lambda; columns line up; missing figures are dashes', () => {
  const text = summaryTable.serialize(
    summarize([
      invocationRow({ duration_ms: 1000, cost_usd: null }),
      invocationRow({ mode: 'fan_out', workers: 4, status: 'error' }),
    ]),
  );
  assert.doesNotMatch(text, /emulated|not enforced/);
  assert.match(text, /1000\.0 ms 1\.00x -/);
  assert.match(text, /- - -/);
  const tableLines = text.split('\n').filter((l) => l.startsWith('|'));
  assert.equal(new Set(tableLines.map((l) => l.length)).size, 1);
});

test('columns go by mode then workers even when the first memory size lacks the baseline', () => {
  const text = renderSummaryTable(
    summarize([
      invocationRow({ memory_mb: 128, mode: 'fan_out', workers: 2 }),
      invocationRow({ memory_mb: 128, mode: 'worker_threads', workers: 4 }),
      invocationRow({ memory_mb: 256, mode: 'worker_threads', workers: 2 }),
      invocationRow({ memory_mb: 256 }),
    ]),
  );
  const header = text.split('\n').find((l) => l.startsWith('| arch'));
  assert.deepEqual(
    header
      ?.split('|')
      .map((c) => c.trim())
      .filter(Boolean),
    ['arch', 'memory MB', 'vCPU share', 'sequential x1', 'worker_threads x2', 'worker_threads x4', 'fan_out x2'],
  );
});

test('an empty summary says so', () => {
  assert.equal(renderSummaryTable([]), 'No invocations to summarize.\n');
});

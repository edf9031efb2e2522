/** amdahl.csv: the serial fraction, its R^2 and its bootstrap interval, worked out by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amdahlRows, fitSerialFraction, speedupR2 } from '../../../harness/analyze/amdahl.js';
import { sampleCells, summaryInput } from '../../../harness/analyze/summary.js';
import { invocationRow } from '../../support/report-fixtures.js';
import { summaryRow } from '../../support/summary-fixtures.js';

// P = 2, speedup 1.6 and P = 4, speedup 2.5. x = 1 - 1/P: 0.5, 0.75; y = 1/s - 1/P: 0.125, 0.15.
// f = (0.5 * 0.125 + 0.75 * 0.15) / (0.25 + 0.5625) = 0.175 / 0.8125 = 0.2153846...
const CELLS = [
  { p: 2, speedup: 1.6 },
  { p: 4, speedup: 2.5 },
];
const F = 0.175 / 0.8125;

test('f by least squares through the origin of 1/s - 1/P = f (1 - 1/P)', () => {
  assert.ok(Math.abs((fitSerialFraction(CELLS) ?? 0) - F) < 1e-12);
  // Perfect scaling is f = 0; a cell at P = 1 carries no information.
  assert.equal(fitSerialFraction([{ p: 2, speedup: 2 }]), 0);
  assert.equal(fitSerialFraction([{ p: 1, speedup: 0.9 }]), null);
});

test('R^2 on the speedup scale', () => {
  // Predicted 1 / (f + (1 - f) / P): 1.6455696 and 2.4299065; mean speedup 2.05, SS_tot = 2 * 0.45^2 = 0.405;
  // SS_res = 0.0455696^2 + 0.0700935^2 = 0.0069897; R^2 = 1 - 0.0069897 / 0.405 = 0.982741.
  assert.ok(Math.abs((speedupR2(CELLS, F) ?? 0) - 0.982741) < 1e-5);
  assert.equal(speedupR2(CELLS.slice(0, 1), F), null);
});

test('amdahlRows: cells with P > 1 fitted; constant Durations give an interval that collapses on f', () => {
  const cell = (memory_mb: number, mode: 'sequential' | 'worker_threads', workers: number, ms: number) =>
    Array.from({ length: 8 }, (_, rep) =>
      summaryInput(invocationRow({ memory_mb, mode, workers, rep, duration_ms: ms })),
    );
  // Sequential 100 ms; threads 62.5 ms at P = 2 (speedup 1.6), 40 ms at P = 4 (2.5); a P = 1 cell is left out.
  const inputs = [
    ...cell(1024, 'sequential', 1, 100),
    ...cell(1024, 'worker_threads', 2, 110),
    ...cell(3538, 'sequential', 1, 100),
    ...cell(3538, 'worker_threads', 2, 62.5),
    ...cell(7076, 'sequential', 1, 100),
    ...cell(7076, 'worker_threads', 4, 40),
  ];
  const summary = [
    summaryRow({ memory_mb: 1024 }),
    summaryRow({
      memory_mb: 1024,
      mode: 'worker_threads',
      workers: 2,
      speedup_vs_sequential: 100 / 110,
      ideal_speedup: 1,
    }),
    summaryRow({ memory_mb: 3538 }),
    summaryRow({ memory_mb: 3538, mode: 'worker_threads', workers: 2, speedup_vs_sequential: 1.6, ideal_speedup: 2 }),
    summaryRow({ memory_mb: 7076 }),
    summaryRow({ memory_mb: 7076, mode: 'worker_threads', workers: 4, speedup_vs_sequential: 2.5, ideal_speedup: 4 }),
  ].map((row) => ({ ...row, algorithm: 'pbkdf2' as const, cost: 1000, items: 40 }));
  const [fit, ...others] = amdahlRows(summary, sampleCells(inputs));
  assert.equal(others.length, 0, 'sequential is not fitted');
  assert.equal(fit?.mode, 'worker_threads');
  assert.equal(fit?.n_cells, 2);
  assert.ok(Math.abs((fit?.serial_fraction ?? 0) - F) < 1e-12);
  assert.ok(Math.abs((fit?.serial_fraction_ci95_low ?? 0) - F) < 1e-12);
  assert.ok(Math.abs((fit?.serial_fraction_ci95_high ?? 0) - F) < 1e-12);
  assert.ok(Math.abs((fit?.r2 ?? 0) - 0.982741) < 1e-5);
});

/**
 * formatSignificant and formatDecimals print most figures as `String(x)`, without rounding through toPrecision and
 * toFixed; over values of every kind the analyzer writes (REPORT Durations, costs, ratios) and random doubles, they
 * give exactly the text the rounding gives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MB_PER_VCPU } from '../../../harness/lambda/platform.js';
import { invocationCostUsd } from '../../../harness/lambda/pricing.js';
import { seededRandom } from '../../../harness/statistics/random.js';
import { formatDecimals, formatSignificant, trimZeros } from '../../../harness/text/format.js';

/** The rounding itself, as the formatters did it before they had a fast path. */
function significantByRounding(x: number, significant: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.min(100, Math.max(0, significant - 1 - magnitude));
  return trimZeros(Number(x.toPrecision(significant)).toFixed(decimals));
}

function values(): number[] {
  const random = seededRandom(2026);
  const out: number[] = [0, -0, 1, -1, 0.5, 2.675, 1.005, 1.0005, 1e-7, 1.5e-7, 123456.5, 1234567.5, 1e21, 0.1 + 0.2];
  for (let i = 0; i < 20_000; i++) {
    const magnitude = 10 ** Math.floor(random() * 24 - 12);
    const raw = (random() - 0.2) * magnitude;
    out.push(raw);
    // Figures as REPORT lines and the analyzer make them: 2 decimals, 3 decimals, a few significant digits.
    out.push(Math.round(raw * 100) / 100, Math.round(raw * 1000) / 1000, Number(raw.toPrecision(1 + (i % 8))));
    // Costs: billed ms times a price.
    out.push(invocationCostUsd(Math.ceil(random() * 5000), MB_PER_VCPU, 'x86_64'));
  }
  return out;
}

test('formatSignificant gives the rounding text for every value, at every precision the project uses', () => {
  for (const x of values()) {
    for (const significant of [3, 4, 6, 10]) {
      assert.equal(formatSignificant(x, significant), significantByRounding(x, significant), `${x} at ${significant}`);
    }
  }
});

test('formatDecimals gives trimZeros(x.toFixed(decimals)) for every value', () => {
  for (const x of values()) {
    if (Math.abs(x) >= 1e21) continue; // toFixed itself switches to an exponent there
    for (const decimals of [0, 2, 3]) {
      assert.equal(formatDecimals(x, decimals), trimZeros(x.toFixed(decimals)), `${x} to ${decimals}`);
    }
  }
});

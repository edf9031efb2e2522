/** JSON exporters: the same rows as the CSVs, typed values kept (numbers, booleans, null), for notebooks and tools. */
import { isFiniteNumber, isOneOf, isRecord } from '../../lib/guards.js';
import { ALGORITHMS, MODES } from '../../workloads/event.js';
import { RunDirError } from '../errors.js';
import { ARCHITECTURES } from '../lambda/platform.js';
import type { Exporter } from './exporter.js';
import type { SummaryRow } from './summary.js';

export function jsonExporter<Row>(name: string): Exporter<Row> {
  return { name, serialize: (rows) => `${JSON.stringify(rows, null, 2)}\n` };
}

export const summaryJson: Exporter<SummaryRow> = jsonExporter('summary.json');

/**
 * summary.json read back (for `recommend`): every row checked for the fields a recommendation reads, so a file from
 * elsewhere or a hand edit fails with the row and field named rather than as a wrong figure.
 */
export function parseSummaryJson(text: string, source: string): SummaryRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RunDirError(`${source}: not valid JSON`);
  }
  if (!Array.isArray(value)) throw new RunDirError(`${source}: not a JSON array of summary rows`);
  const numberOrNull = (v: unknown) => v === null || isFiniteNumber(v);
  const checks: Array<[string, (v: unknown) => boolean, string]> = [
    ['arch', (v) => isOneOf(ARCHITECTURES, v), `one of ${ARCHITECTURES.join(', ')}`],
    ['mode', (v) => isOneOf(MODES, v), `one of ${MODES.join(', ')}`],
    ['algorithm', (v) => isOneOf(ALGORITHMS, v), `one of ${ALGORITHMS.join(', ')}`],
    ['emulated', (v) => typeof v === 'boolean', 'true or false'],
    ...(['memory_mb', 'workers', 'cost', 'items', 'n', 'vcpu_share'] as const).map(
      (f): [string, (v: unknown) => boolean, string] => [f, isFiniteNumber, 'a number'],
    ),
    ...(['median_ms', 'cost_per_1k_items_usd', 'speedup_vs_sequential'] as const).map(
      (f): [string, (v: unknown) => boolean, string] => [f, numberOrNull, 'a number or null'],
    ),
  ];
  value.forEach((row: unknown, i) => {
    if (!isRecord(row)) throw new RunDirError(`${source}: row ${i + 1} is not an object`);
    for (const [field, check, expected] of checks) {
      if (!check(row[field])) throw new RunDirError(`${source}: row ${i + 1}: ${field} must be ${expected}`);
    }
  });
  return value as SummaryRow[];
}

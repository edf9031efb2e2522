/** JSON exporters: the same rows as the CSVs, typed values kept (numbers, booleans, null), for notebooks and tools. */
import type { Exporter } from './exporter.js';
import type { SummaryRow } from './summary.js';

export function jsonExporter<Row>(name: string): Exporter<Row> {
  return { name, serialize: (rows) => `${JSON.stringify(rows, null, 2)}\n` };
}

export const summaryJson: Exporter<SummaryRow> = jsonExporter('summary.json');

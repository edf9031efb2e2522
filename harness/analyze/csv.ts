/**
 * CSV exporters for invocation and summary rows: a header row, then one line per row, columns in the fixed order
 * results/README.md documents. Cells: null is empty; booleans are true/false; numbers are rounded by unit (the
 * column's suffix), written as plain decimals (never `2.1e-7`) so every spreadsheet reads them.
 */
import { stringify } from 'csv-stringify/sync';
import { formatSignificant, trimZeros } from '../text/format.js';
import type { Exporter } from './exporter.js';
import { INVOCATION_COLUMNS, type InvocationRow } from './rows.js';
import { SUMMARY_COLUMNS, type SummaryRow } from './summary.js';

export type CellValue = string | number | boolean | null;

/** Milliseconds: 3 decimals is a microsecond, finer than Lambda reports (2 decimals). */
const MS_DECIMALS = 3;
/** USD: per-invocation costs are ~1e-7, so round by significant digits, not decimals. */
const USD_SIGNIFICANT = 10;
/** Ratios and shares (speedup, cv, vcpu_share, items_per_s): more than any measurement supports. */
const OTHER_SIGNIFICANT = 6;

/** A cell's text, rounded by what its column holds (`_ms`, `_usd`, other). */
export function formatCell(column: string, value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  if (column.endsWith('_ms')) return trimZeros(value.toFixed(MS_DECIMALS));
  if (column.endsWith('_usd')) return formatSignificant(value, USD_SIGNIFICANT);
  return formatSignificant(value, OTHER_SIGNIFICANT);
}

/** A CSV exporter for rows whose cells are keyed by `columns`, written in that order. */
export function csvExporter<Row extends { [K in Column]: CellValue }, Column extends string>(
  name: string,
  columns: readonly Column[],
): Exporter<Row> {
  return {
    name,
    serialize(rows) {
      const body = rows.map((row) => columns.map((column) => formatCell(column, row[column])));
      return stringify([[...columns], ...body]);
    },
  };
}

export const invocationsCsv: Exporter<InvocationRow> = csvExporter<InvocationRow, (typeof INVOCATION_COLUMNS)[number]>(
  'invocations.csv',
  INVOCATION_COLUMNS,
);

export const summaryCsv: Exporter<SummaryRow> = csvExporter<SummaryRow, (typeof SUMMARY_COLUMNS)[number]>(
  'summary.csv',
  SUMMARY_COLUMNS,
);

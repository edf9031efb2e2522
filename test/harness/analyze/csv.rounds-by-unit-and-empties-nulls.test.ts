import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvExporter, csvRecord, formatCell, invocationsCsv, summaryCsv } from '../../../harness/analyze/csv.js';
import { INVOCATION_COLUMNS } from '../../../harness/analyze/rows.js';
import { SUMMARY_COLUMNS, summarize } from '../../../harness/analyze/summary.js';
import { formatSignificant } from '../../../harness/text/format.js';
import { invocationRow, readCsv } from '../../support/report-fixtures.js';

test('cells: null is empty, booleans are words, integers as they are', () => {
  assert.equal(formatCell('init_ms', null), '');
  assert.equal(formatCell('cold', true), 'true');
  assert.equal(formatCell('digest_ok', false), 'false');
  assert.equal(formatCell('memory_mb', 1024), '1024');
  assert.equal(formatCell('mode', 'worker_threads'), 'worker_threads');
});

test('milliseconds to 3 decimals, trailing zeros dropped', () => {
  assert.equal(formatCell('duration_ms', 1203.4567), '1203.457');
  assert.equal(formatCell('duration_ms', 128.83), '128.83');
  assert.equal(formatCell('p90_ms', 1009.8000000000001), '1009.8');
  assert.equal(formatCell('client_ms', 0.0004), '0');
});

test('USD to 10 significant digits, as plain decimals (no exponent)', () => {
  // 0.812 * 0.0000166667 + 0.0000002 = 0.000013733360400000002 in floating point
  assert.equal(formatCell('cost_usd', 0.000013733360400000002), '0.0000137333604');
  assert.equal(formatCell('cost_per_1k_items_usd', 2.0833375e-7), '0.00000020833375');
  assert.equal(formatCell('cost_usd', 1.23456789012345), '1.23456789');
});

test('other ratios to 6 significant digits', () => {
  // 1024 / 1769 = 0.57885811...
  assert.equal(formatCell('vcpu_share', 1024 / 1769), '0.578858');
  assert.equal(formatCell('speedup_vs_sequential', 1000 / 510), '1.96078');
  assert.equal(formatSignificant(123456.789, 4), '123500');
  assert.equal(formatSignificant(-0.000123456, 3), '-0.000123');
  assert.equal(formatSignificant(0, 3), '0');
});

test('invocations.csv: a header row with every column in order, then one line per row', () => {
  const text = invocationsCsv.serialize([invocationRow({ error_type: 'Runtime, "odd"', init_ms: null })]);
  const [header, line, ...rest] = readCsv(text);
  assert.deepEqual(header, [...INVOCATION_COLUMNS]);
  assert.equal(rest.length, 0);
  const cells = Object.fromEntries(INVOCATION_COLUMNS.map((c, i) => [c, line?.[i]]));
  // quoting round-trips through an RFC 4180 reader
  assert.equal(cells.error_type, 'Runtime, "odd"');
  assert.equal(cells.init_ms, '');
  assert.equal(cells.vcpu_share, '0.578858');
  assert.equal(cells.warmup, 'false');
});

test('summary.csv has its header even with no rows', () => {
  assert.deepEqual(readCsv(summaryCsv.serialize([])), [[...SUMMARY_COLUMNS]]);
  assert.equal(readCsv(summaryCsv.serialize(summarize([invocationRow()]))).length, 2);
});

test('any row type can be exported through the same interface', () => {
  const exporter = csvExporter<{ a_ms: number; b: string | null }, 'a_ms' | 'b'>('x.csv', ['b', 'a_ms']);
  assert.equal(exporter.name, 'x.csv');
  assert.equal(exporter.serialize([{ a_ms: 1.23456, b: null }]), 'b,a_ms\n,1.235\n');
});

test('csvRecord writes what csv-stringify writes with its defaults (quotes only where needed)', async () => {
  const { stringify } = await import('csv-stringify/sync');
  const fields = ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\ronly', '', ' spaced ', '-1', '=x', 'é€'];
  assert.equal(csvRecord(fields), stringify([fields]));
  assert.equal(invocationsCsv.header(), stringify([[...INVOCATION_COLUMNS]]));
});

test('a CSV written in pieces (header, then batches) is the CSV written at once', () => {
  const rows = [1, 2, 3].map((i) => invocationRow({ request_id: `r,${i}`, error_type: i === 2 ? 'say "x"' : null }));
  assert.equal(
    invocationsCsv.header() + invocationsCsv.body(rows.slice(0, 1)) + invocationsCsv.body(rows.slice(1)),
    invocationsCsv.serialize(rows),
  );
  assert.match(invocationsCsv.serialize(rows), /,"r,1",/);
});

test('rows written as bytes are the UTF-8 of what csv-stringify writes of their cells, whatever the text holds', async () => {
  const { stringify } = await import('csv-stringify/sync');
  const odd = ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\ronly', '', 'é€', 'emoji 🙂, "q"', 'del \u007f', 'tab\tx'];
  // Enough rows that the byte buffer grows past its first 64 KiB.
  const rows = Array.from({ length: 600 }, (_, i) =>
    invocationRow({
      request_id: `${odd[i % odd.length]}-${i}`,
      error_type: i % 3 === 0 ? null : (odd[(i * 7) % odd.length] ?? null),
      function_name: `fn-${'x'.repeat(i % 50)}`,
      duration_ms: i % 5 === 0 ? null : 100 + i / 7,
      cost_usd: (i + 1) * 1.6667e-9,
    }),
  );
  const cells = rows.map((row) => INVOCATION_COLUMNS.map((column) => formatCell(column, row[column])));
  const expected = stringify(cells);
  const bytes = invocationsCsv.bodyBytes(rows);
  assert.ok(bytes.length > 1 << 16, `${bytes.length} bytes`);
  assert.ok(Buffer.from(bytes).equals(Buffer.from(expected, 'utf8')));
  assert.equal(invocationsCsv.body(rows), expected);
});

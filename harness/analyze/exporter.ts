/**
 * What every output format implements: a name (for a file format, the file it is written to) and a pure
 * `serialize(rows)`. Writing files is the caller's job, so an exporter can be tested on rows alone.
 */
export interface Exporter<Row> {
  name: string;
  serialize(rows: readonly Row[]): string;
}

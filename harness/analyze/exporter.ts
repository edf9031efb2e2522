/**
 * What every output format implements: a name (for a file format, the file it is written to) and a pure
 * `serialize`. Writing files is the caller's job, so an exporter can be tested on its input alone.
 */
export interface Exporter<Row> {
  name: string;
  serialize(rows: readonly Row[]): string;
}

/**
 * A format whose input is one document rather than rows (report.html). Serializing stays synchronous and pure:
 * anything asynchronous (rendering charts) is done before, into the document.
 */
export interface DocumentExporter<Document> {
  name: string;
  serialize(document: Document): string;
}

/**
 * The one table renderer: columns padded to their widest cell, text left-aligned and numbers right-aligned, either
 * as plain text (two spaces between columns: the plan) or as a Markdown grid (`| a | b |` with an alignment rule:
 * the summary, which reads in a terminal and renders as a table).
 */

export type TableStyle = 'plain' | 'markdown';

export interface TableLayout {
  style: TableStyle;
  /** Whether column i is right-aligned. */
  rightAligned(column: number): boolean;
}

export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  layout: TableLayout,
): string {
  // A Markdown rule needs at least three characters per column.
  const minWidth = layout.style === 'markdown' ? 3 : 0;
  const widths = header.map((h, i) => Math.max(minWidth, h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const pad = (cells: readonly string[]) =>
    cells.map((cell, i) => {
      const width = widths[i] ?? cell.length;
      return layout.rightAligned(i) ? cell.padStart(width) : cell.padEnd(width);
    });
  if (layout.style === 'plain') {
    const line = (cells: readonly string[]) => pad(cells).join('  ').trimEnd();
    return [line(header), ...rows.map(line)].join('\n');
  }
  const line = (cells: readonly string[]) => `| ${pad(cells).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (layout.rightAligned(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Number formatting for the plan's terminal output: a few significant digits, units attached. */

/** Two significant digits below a cent (a single invocation costs micro-dollars), cents above. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  const decimals = Math.min(20, 1 - Math.floor(Math.log10(usd)));
  return `$${usd.toFixed(decimals)}`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** Three significant digits, without exponent notation. */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return formatCount(Math.round(value));
  const decimals = Math.min(20, 2 - Math.floor(Math.log10(Math.abs(value))));
  return value.toFixed(decimals);
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${formatNumber(ms)} ms`;
  return formatSeconds(ms / 1000);
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${formatNumber(seconds)} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const min = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return `${h} h ${String(min).padStart(2, '0')} min`;
  return `${min} min ${String(s).padStart(2, '0')} s`;
}

/** Left-aligned text columns, right-aligned numbers, two spaces between. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: number[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? cell.length;
        return rightAligned.includes(i) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Number formatting for the terminal and the CSVs: significant digits, plain decimals (never `2.1e-7`), units attached. */

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

/** x to `significant` significant digits, as a plain decimal string without trailing zeros. */
export function formatSignificant(x: number, significant: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.min(100, Math.max(0, significant - 1 - magnitude));
  // Round through toPrecision first so the digit count is exact, then print without an exponent.
  return trimZeros(Number(x.toPrecision(significant)).toFixed(decimals));
}

/** `1.500` -> `1.5`, `2.000` -> `2`; integers are left alone. */
export function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

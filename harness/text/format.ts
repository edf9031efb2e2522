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
/** A count and its noun, the noun in the plural unless the count is 1: "1 function", "1,200 invocations". */
export function counted(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

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

/**
 * Significant digits of a number as JavaScript prints it, when it prints without an exponent: its digits after any
 * leading zeros (an integer's trailing zeros count, which only ever sends it down the exact path).
 */
function printedDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 49 && c <= 57) count += 1;
    else if (c === 48 && count > 0) count += 1;
  }
  return count;
}

/** Decimals of a number as JavaScript prints it, when it prints without an exponent. */
function printedDecimals(text: string): number {
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

/**
 * The fast path of both formatters below: `String(x)` is the shortest text that reads back as x, so when it needs no
 * exponent and no more digits than asked for, rounding x to those digits gives the same digits, and removing the
 * trailing zeros gives that text. Most figures the analyzer writes are like that (REPORT Durations have 2 decimals).
 */
function shortestWithin(x: number, fits: (text: string) => boolean): string | null {
  const text = String(x);
  return text.includes('e') || !fits(text) ? null : text;
}

/** x to `significant` significant digits, as a plain decimal string without trailing zeros. */
export function formatSignificant(x: number, significant: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const shortest = shortestWithin(x, (text) => printedDigits(text) <= significant);
  if (shortest !== null) return shortest;
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.min(100, Math.max(0, significant - 1 - magnitude));
  // Round through toPrecision first so the digit count is exact, then print without an exponent.
  return trimZeros(Number(x.toPrecision(significant)).toFixed(decimals));
}

/** `1.500` -> `1.5`, `2.000` -> `2`; integers are left alone. */
export function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** x to `decimals` decimals, as a plain decimal string without trailing zeros (`trimZeros(x.toFixed(decimals))`). */
export function formatDecimals(x: number, decimals: number): string {
  return shortestWithin(x, (text) => printedDecimals(text) <= decimals) ?? trimZeros(x.toFixed(decimals));
}

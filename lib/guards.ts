/**
 * Type guards for values read from outside the program (JSON from disk or the network): `unknown` narrowed, never
 * cast. No dependencies, so the Lambda bundle, the emulator and the harness can all import it.
 */

/** A plain JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `value[field]` when it is a finite number, else null. */
export function numberField(value: unknown, field: string): number | null {
  if (!isRecord(value)) return null;
  const v = value[field];
  return isFiniteNumber(v) ? v : null;
}

/** `value[field]` when it is a string, else null. */
export function stringField(value: unknown, field: string): string | null {
  if (!isRecord(value)) return null;
  const v = value[field];
  return typeof v === 'string' ? v : null;
}

/** One of `allowed`, narrowed to its literal type. */
export function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/**
 * The value syntax shared by flags and config files: integers, numbers, comma-separated lists, and integer ranges
 * `start-end[:step]`. Every failure is a ConfigError naming the flag, the offending text and what is allowed.
 */
import { ConfigError } from '../errors.js';

export interface IntegerRule {
  min: number;
  max: number;
  /** Shown after the range, e.g. `MB`: `must be an integer from 1 to 64 (MB)`. */
  unit?: string;
  /** A range without a step is refused (memory: a step of 1 MB would plan thousands of functions). */
  stepRequired?: boolean;
  /** A range to show when the syntax is wrong, e.g. `1024-3072:512`. */
  rangeExample?: string;
}

export function integerRuleText(rule: IntegerRule): string {
  return `must be an integer from ${rule.min} to ${rule.max}${rule.unit ? ` (${rule.unit})` : ''}`;
}

const INTEGER = /^\d+$/;
const RANGE = /^(\d+)-(\d+)(?::(\d+))?$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

/** One integer within the rule's bounds; `text` is what the user wrote, quoted back in the message. */
export function parseInteger(flag: string, text: string, rule: IntegerRule): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!INTEGER.test(trimmed) || value < rule.min || value > rule.max) {
    throw new ConfigError(`${flag} ${text}: ${integerRuleText(rule)}`);
  }
  return value;
}

/** A non-negative decimal number within [min, max]; no exponents or signs, so what parses is what was meant. */
export function parseDecimal(flag: string, text: string, min: number, max: number, ruleText: string): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!DECIMAL.test(trimmed) || value < min || value > max) throw new ConfigError(`${flag} ${text}: ${ruleText}`);
  return value;
}

/** Comma-separated items, trimmed; an empty list or an empty item between commas is refused, not skipped. */
export function splitList(flag: string, text: string): string[] {
  if (text.trim() === '') throw new ConfigError(`${flag} ${text}: the list is empty`);
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new ConfigError(`${flag} ${text}: has an empty item (lists are comma separated, e.g. 1,2,4)`);
  }
  return items;
}

function expandRange(flag: string, item: string, rule: IntegerRule): number[] {
  const match = RANGE.exec(item);
  if (!match) {
    const example = rule.rangeExample ? ` or a range start-end:step such as ${rule.rangeExample}` : '';
    throw new ConfigError(`${flag} ${item}: ${integerRuleText(rule)}${example}`);
  }
  const [, startText = '', endText = '', stepText] = match;
  const start = Number(startText);
  const end = Number(endText);
  for (const [which, value] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (value < rule.min || value > rule.max) {
      throw new ConfigError(`${flag} ${item}: the range ${which} ${value} ${integerRuleText(rule)}`);
    }
  }
  if (start > end) throw new ConfigError(`${flag} ${item}: the range start ${start} is above its end ${end}`);
  if (stepText === undefined && rule.stepRequired) {
    throw new ConfigError(
      `${flag} ${item}: a range needs a step, start-end:step such as ${rule.rangeExample ?? '1-9:2'}`,
    );
  }
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step < 1) throw new ConfigError(`${flag} ${item}: the range step must be an integer of at least 1`);
  // The end is included only when a step lands on it: 1024-3000:512 is 1024, 1536, 2048, 2560.
  const values: number[] = [];
  for (let value = start; value <= end; value += step) values.push(value);
  return values;
}

/**
 * A list of integers and ranges, e.g. `256,1024-2048:512` -> [256, 1024, 1536, 2048]: duplicates removed, sorted
 * ascending, so the same sweep written two ways plans the same cells.
 */
export function parseIntegerList(flag: string, text: string, rule: IntegerRule): number[] {
  const values = new Set<number>();
  for (const item of splitList(flag, text)) {
    if (INTEGER.test(item)) values.add(parseInteger(flag, item, rule));
    else for (const value of expandRange(flag, item, rule)) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

/** A list of names from `allowed`: duplicates removed, in `allowed`'s order (which is the canonical one). */
export function parseChoiceList<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const chosen = new Set<string>();
  for (const item of splitList(flag, text)) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new ConfigError(`${flag} ${item}: must be one of ${allowed.join(', ')}`);
    }
    chosen.add(item);
  }
  return allowed.filter((name) => chosen.has(name));
}

/** One name from `allowed`. */
export function parseChoice<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  const found = allowed.find((name) => name === text.trim());
  if (found === undefined) throw new ConfigError(`${flag} ${text}: must be one of ${allowed.join(', ')}`);
  return found;
}

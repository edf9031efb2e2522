/**
 * CloudWatch Logs filter patterns (harness/lambda/README.md "Logs"), matched case-sensitively as CloudWatch does:
 * - terms: space-separated words or "quoted phrases" that must all appear, `?term` (any of these), `-term` (none);
 * - JSON: `{ $.level = "ERROR" && $.latency > 100 }`, with =, !=, <, >, <=, >=, `*` wildcards in strings, IS TRUE,
 *   IS FALSE, IS NULL, EXISTS, NOT EXISTS, && and || with parentheses; a message that is not JSON never matches;
 * - regular expressions: `%expression%`.
 * Space-delimited patterns (`[ip, user, ...]`) are refused with a clear message rather than matching nothing.
 */
import { ApiError } from './api-error.js';

export type Matcher = (message: string) => boolean;

const invalidPattern = (why: string) =>
  new ApiError(400, 'InvalidParameterException', `Invalid filter pattern: ${why}`);

function termsMatcher(pattern: string): Matcher {
  const tokens = pattern.match(/[?-]?"[^"]*"|\S+/g) ?? [];
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  for (const token of tokens) {
    const prefix = token[0] === '?' || token[0] === '-' ? token[0] : '';
    let term = prefix ? token.slice(1) : token;
    if (term.startsWith('"') && term.endsWith('"') && term.length >= 2) term = term.slice(1, -1);
    if (prefix === '?') any.push(term);
    else if (prefix === '-') none.push(term);
    else all.push(term);
  }
  return (message) =>
    all.every((t) => message.includes(t)) &&
    (any.length === 0 || any.some((t) => message.includes(t))) &&
    none.every((t) => !message.includes(t));
}

// ---------- JSON patterns ----------

type JsonTest = (doc: unknown) => boolean;

/** `$.a.b[0].c` in `doc`; `undefined` when the path does not exist. */
function select(doc: unknown, path: string): unknown {
  let value = doc;
  for (const part of path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    const index = /^\[(\d+)\]$/.exec(part);
    if (index) value = Array.isArray(value) ? value[Number(index[1])] : undefined;
    else value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

const NUMERIC_OPS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
};

/**
 * One condition's comparison, made once per pattern and applied to every event. What it refuses, it refuses when it
 * first meets an event, as before; a quoted value's wildcard expression is built then, once.
 */
function comparison(op: string, raw: string): (actual: unknown) => boolean {
  let wildcard: RegExp | undefined;
  return (actual) => {
    if (raw.startsWith('"')) {
      if (typeof actual !== 'string') return op === '!=';
      const expected = raw.slice(1, -1);
      wildcard ??= new RegExp(
        `^${expected
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
      const equal = wildcard.test(actual);
      if (op === '=') return equal;
      if (op === '!=') return !equal;
      throw invalidPattern(`${op} compares numbers, not "${expected}"`);
    }
    const expected = Number(raw);
    if (!Number.isFinite(expected)) throw invalidPattern(`${raw} is neither a number nor a quoted string`);
    if (typeof actual !== 'number') return op === '!=';
    return (NUMERIC_OPS[op] as (a: number, b: number) => boolean)(actual, expected);
  };
}

const CONDITION =
  /^\s*(\$[\w.[\]]*)\s*(?:(=|!=|<=|>=|<|>)\s*("(?:[^"\\]|\\.)*"|-?[\d.]+)|(IS\s+TRUE|IS\s+FALSE|IS\s+NULL|NOT\s+EXISTS|EXISTS))/;

/** Parses `expr := term ((&& | ||) term)*`, `term := ( expr ) | condition`; && binds tighter than ||. */
function parseJsonExpression(text: string): JsonTest {
  let rest = text;
  const parseTerm = (): JsonTest => {
    rest = rest.trimStart();
    if (rest.startsWith('(')) {
      rest = rest.slice(1);
      const inner = parseOr();
      rest = rest.trimStart();
      if (!rest.startsWith(')')) throw invalidPattern('unbalanced parentheses');
      rest = rest.slice(1);
      return inner;
    }
    const m = CONDITION.exec(rest);
    if (!m) throw invalidPattern(`cannot read "${rest.trim()}"`);
    rest = rest.slice(m[0].length);
    const [, path = '', op, value, keyword] = m;
    if (op && value) {
      const compare = comparison(op, value);
      return (doc) => compare(select(doc, path));
    }
    const word = (keyword ?? '').replace(/\s+/g, ' ');
    const checks: Record<string, (v: unknown) => boolean> = {
      'IS TRUE': (v) => v === true,
      'IS FALSE': (v) => v === false,
      'IS NULL': (v) => v === null,
      EXISTS: (v) => v !== undefined,
      'NOT EXISTS': (v) => v === undefined,
    };
    const check = checks[word] as (v: unknown) => boolean;
    return (doc) => check(select(doc, path));
  };
  const parseAnd = (): JsonTest => {
    let left = parseTerm();
    while (rest.trimStart().startsWith('&&')) {
      rest = rest.trimStart().slice(2);
      const l = left;
      const r = parseTerm();
      left = (doc) => l(doc) && r(doc);
    }
    return left;
  };
  const parseOr = (): JsonTest => {
    let left = parseAnd();
    while (rest.trimStart().startsWith('||')) {
      rest = rest.trimStart().slice(2);
      const l = left;
      const r = parseAnd();
      left = (doc) => l(doc) || r(doc);
    }
    return left;
  };
  const test = parseOr();
  if (rest.trim() !== '') throw invalidPattern(`unexpected "${rest.trim()}"`);
  return test;
}

function jsonMatcher(pattern: string): Matcher {
  const test = parseJsonExpression(pattern.slice(1, -1));
  return (message) => {
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return test(doc);
  };
}

export function compileFilterPattern(pattern: string | undefined): Matcher {
  const text = pattern?.trim() ?? '';
  if (text === '') return () => true;
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw invalidPattern('a JSON pattern ends with }');
    return jsonMatcher(text);
  }
  if (text.startsWith('%') && text.endsWith('%') && text.length >= 2) {
    let regex: RegExp;
    try {
      regex = new RegExp(text.slice(1, -1));
    } catch {
      throw invalidPattern(`${text} is not a regular expression`);
    }
    return (message) => regex.test(message);
  }
  if (text.startsWith('[')) {
    throw new ApiError(
      400,
      'InvalidParameterException',
      'The local emulator does not implement space-delimited filter patterns ([...]): use terms, a JSON pattern ({ $.field = value }) or %regex%',
    );
  }
  return termsMatcher(text);
}

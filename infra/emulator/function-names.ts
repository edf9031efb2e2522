/**
 * FunctionName and Qualifier as the Lambda API takes them: a name, `name:qualifier`, a partial ARN
 * (`123456789012:function:name[:qualifier]`) or a full ARN, and a Qualifier parameter that must agree with a qualifier
 * in the name. Patterns and messages are the service model's and AWS's (harness/lambda/README.md "Names").
 */
import { invalid, validationError } from './api-error.js';

const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);
const QUALIFIER = /^[a-zA-Z0-9$_-]{1,128}$/;

export interface FunctionRef {
  name: string;
  /** Version number, `$LATEST` or alias name; null when none was given. */
  qualifier: string | null;
}

/** Parses FunctionName (and the Qualifier parameter, when the operation has one). */
export function parseFunctionName(input: unknown, qualifierParam?: string | null): FunctionRef {
  const text = typeof input === 'string' ? input : '';
  const m = FUNCTION_NAME.exec(text);
  const name = m?.[10];
  if (!m || !name || name.length > 64 || text.length > 256) {
    throw validationError(
      'functionName',
      text,
      `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
    );
  }
  const inName = m[12] ?? null;
  const param =
    qualifierParam === undefined || qualifierParam === null || qualifierParam === '' ? null : qualifierParam;
  if (param !== null && !QUALIFIER.test(param)) {
    throw validationError('qualifier', param, 'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)');
  }
  if (inName !== null && param !== null && inName !== param) {
    throw invalid('The derived qualifier from the function name does not match the specified qualifier.');
  }
  return { name, qualifier: inName ?? param };
}

/** A version number ("1", "2", ...), as opposed to `$LATEST` or an alias name. */
export function isVersionNumber(qualifier: string): boolean {
  return /^[0-9]+$/.test(qualifier);
}

/** Alias names: not all digits (that would be a version), letters, digits, `-` and `_`, at most 128 characters. */
export function checkAliasName(value: unknown): string {
  const name = String(value);
  if (!/^[a-zA-Z0-9_-]{1,128}$/.test(name) || isVersionNumber(name)) {
    throw validationError('name', name, 'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)');
  }
  return name;
}

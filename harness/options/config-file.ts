/**
 * `--config file.json`: a JSON object whose keys are flag names (kebab-case, without the dashes) and whose values are
 * what the flags take, as JSON numbers, booleans, arrays or the same strings. Read once, synchronously, before any
 * other work: a config that cannot be used stops the command with a ConfigError.
 */
import { readFileSync } from 'node:fs';
import { errorReason } from '../../lib/fs.js';
import { isRecord } from '../../lib/guards.js';
import { ConfigError, oneLine } from '../errors.js';

/** `maxReps` -> `max-reps`, to point at the key a camelCase habit meant. */
function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export function readConfigFile(file: string, allowedKeys: readonly string[]): Record<string, unknown> {
  const flag = `--config ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new ConfigError(`${flag}: cannot read it (${errorReason(error)})`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    const reason = error instanceof Error ? oneLine(error.message) : String(error);
    throw new ConfigError(`${flag}: not valid JSON (${reason})`, { cause: error });
  }
  if (!isRecord(parsed)) {
    throw new ConfigError(`${flag}: must be a JSON object of flag names to values, e.g. {"memory": [512, 1024]}`);
  }
  for (const key of Object.keys(parsed)) {
    if (!allowedKeys.includes(key)) {
      const kebab = kebabCase(key);
      const hint = kebab !== key && allowedKeys.includes(kebab) ? ` (did you mean "${kebab}"?)` : '';
      throw new ConfigError(`${flag}: unknown key "${key}"${hint}; allowed keys: ${allowedKeys.join(', ')}`);
    }
  }
  return parsed;
}

/** This project's version, from its package.json: what a run records (run-dir.ts) and `vcpu-bench --version` prints. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isRecord } from '../lib/guards.js';
import { REPO_ROOT } from './paths.js';

export function harnessVersion(): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    return isRecord(parsed) && typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Where things are, from the compiled module's location (dist/harness/paths.js) back to the repository. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WORKLOADS_DIR = path.join(REPO_ROOT, 'workloads');
export const LAMBDA_DIST_DIR = path.join(REPO_ROOT, 'dist', 'lambda');
export const FUNCTION_ZIP = path.join(LAMBDA_DIST_DIR, 'function.zip');
export const DEFAULT_RESULTS_DIR = path.join(REPO_ROOT, 'results');

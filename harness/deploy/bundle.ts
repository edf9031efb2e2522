/**
 * The deployable bundle: one esbuild bundle of the handler plus the piscina worker and the child entry, zipped as
 * dist/lambda/function.zip for the managed runtime and handler of harness/lambda/platform.ts (RUNTIME, HANDLER).
 * Nothing from node_modules is needed at run time.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { FUNCTION_ZIP, LAMBDA_DIST_DIR, REPO_ROOT, WORKLOADS_DIR } from '../paths.js';

// A fixed timestamp keeps the zip byte-identical for identical code, so CodeSha256 tells a real change.
const ZIP_MTIME = new Date('2020-01-01T00:00:00Z');
// Unix regular file, rw-r--r--: Lambda needs the files world-readable.
const ZIP_ATTRS = 0o100644 << 16;

export interface BundleResult {
  zipPath: string;
  files: string[];
  bytes: number;
}

function piscinaWorkerFile(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('piscina')), 'worker.js');
}

export async function buildBundle(outDir: string = LAMBDA_DIST_DIR): Promise<BundleResult> {
  const bundleDir = path.join(outDir, 'bundle');
  mkdirSync(bundleDir, { recursive: true });
  await build({
    entryPoints: {
      index: path.join(WORKLOADS_DIR, 'handler.ts'),
      'hash-worker': path.join(WORKLOADS_DIR, 'hash-worker.ts'),
      child: path.join(WORKLOADS_DIR, 'child.ts'),
      // piscina starts its threads on `worker.js` beside its own module (resolve(__dirname, 'worker.js')).
      worker: piscinaWorkerFile(),
    },
    outdir: bundleDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // CommonJS output has no import.meta: give modules that locate their siblings the bundle file's URL.
    define: { 'import.meta.url': '__bundleImportMetaUrl' },
    banner: { js: 'var __bundleImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    // piscina loads this native addon only for its `niceIncrement` option, which we do not use; absent, it is skipped.
    external: ['@napi-rs/nice'],
    logLevel: 'warning',
    absWorkingDir: REPO_ROOT,
  });
  const files = readdirSync(bundleDir)
    .filter((f) => f.endsWith('.js'))
    .sort();
  const entries: Record<string, [Uint8Array, { mtime: Date; os: number; attrs: number }]> = {};
  for (const f of files) {
    entries[f] = [readFileSync(path.join(bundleDir, f)), { mtime: ZIP_MTIME, os: 3, attrs: ZIP_ATTRS }];
  }
  const zip = zipSync(entries, { level: 9 });
  const zipPath = path.join(outDir, path.basename(FUNCTION_ZIP));
  writeFileSync(zipPath, zip);
  return { zipPath, files, bytes: zip.byteLength };
}

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The zip is stale when it is missing or older than any workload source or the lockfile. */
export function bundleIsStale(zipPath: string = FUNCTION_ZIP): boolean {
  let zipMtime: number;
  try {
    zipMtime = statSync(zipPath).mtimeMs;
  } catch {
    return true;
  }
  const lock = path.join(REPO_ROOT, 'package-lock.json');
  const inputs = Math.max(newestMtimeMs(WORKLOADS_DIR), statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return inputs > zipMtime;
}

export async function ensureBundle(): Promise<string> {
  if (bundleIsStale()) await buildBundle();
  return FUNCTION_ZIP;
}

/**
 * `npm run build` step, after tsc: writes dist/lambda/function.zip, and replaces the compiled file of each module of
 * BUNDLED_MODULES with an esbuild bundle of it and the packages it imports.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { buildBundle } from '../harness/deploy/bundle.js';
import { REPO_ROOT } from '../harness/paths.js';
import { BUNDLED_MODULES } from './bundled-modules.js';

const result = await buildBundle();
console.log(`${result.zipPath}: ${result.files.join(', ')} (${(result.bytes / 1024).toFixed(0)} KiB)`);

for (const module of BUNDLED_MODULES) {
  await build({
    entryPoints: [path.join(REPO_ROOT, `${module}.ts`)],
    outfile: path.join(REPO_ROOT, 'dist', `${module}.js`),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // vega-canvas tries `import('canvas')` and goes without when it fails: SVG needs no canvas, and none is installed.
    external: ['canvas'],
    logLevel: 'warning',
    absWorkingDir: REPO_ROOT,
  });
  console.log(`dist/${module}.js: bundled with the packages it imports`);
}

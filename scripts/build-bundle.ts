/**
 * `npm run build` step, after tsc: writes dist/lambda/function.zip, and bundles the chart libraries into the compiled
 * harness/analyze/report/chart-libraries.js (that module says why).
 */
import path from 'node:path';
import { build } from 'esbuild';
import { buildBundle } from '../harness/deploy/bundle.js';
import { REPO_ROOT } from '../harness/paths.js';

const result = await buildBundle();
console.log(`${result.zipPath}: ${result.files.join(', ')} (${(result.bytes / 1024).toFixed(0)} KiB)`);

const chartLibraries = path.join('harness', 'analyze', 'report', 'chart-libraries');
await build({
  entryPoints: [path.join(REPO_ROOT, `${chartLibraries}.ts`)],
  outfile: path.join(REPO_ROOT, 'dist', `${chartLibraries}.js`),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // vega-canvas tries `import('canvas')` and goes without when it fails: SVG needs no canvas, and none is installed.
  external: ['canvas'],
  logLevel: 'warning',
  absWorkingDir: REPO_ROOT,
});
console.log(`dist/${chartLibraries}.js: vega and vega-lite bundled`);

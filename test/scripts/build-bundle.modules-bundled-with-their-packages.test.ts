/**
 * `npm run build` leaves each module that re-exports packages for speed of loading (scripts/build-bundle.ts) as one
 * module: its compiled file imports nothing but Node's built-in modules, so loading it reads no package of
 * node_modules (but for the optional `canvas`, which vega-canvas tries and goes without, bundled or not); and it
 * exports what the packages do.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import * as chartLibraries from '../../harness/analyze/report/chart-libraries.js';
import * as cliLibraries from '../../harness/cli/cli-libraries.js';
import { BUNDLED_MODULES } from '../../scripts/bundled-modules.js';

/** The specifiers of every import and require in a compiled module. */
function importedSpecifiers(source: string): string[] {
  return [
    ...source.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']/gm),
    ...source.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1] as string);
}

for (const module of BUNDLED_MODULES) {
  test(`the compiled ${module}.js is a bundle: it imports only built-in modules`, async () => {
    const compiled = fileURLToPath(new URL(`../../${module}.js`, import.meta.url));
    const source = await readFile(compiled, 'utf8');
    assert.ok(source.length > 100_000, `${compiled} is ${source.length} characters: not a bundle`);
    assert.deepEqual(
      importedSpecifiers(source).filter((s) => !isBuiltin(s) && s !== 'canvas'),
      [],
    );
  });
}

test('the bundles export what the packages do', () => {
  assert.equal(chartLibraries.vega.version, vega.version);
  assert.equal(chartLibraries.vegaLite.version, vegaLite.version);
  assert.deepEqual(Object.keys(chartLibraries.vega).sort(), Object.keys(vega).sort());
  assert.deepEqual(Object.keys(chartLibraries.vegaLite).sort(), Object.keys(vegaLite).sort());
  const args = ['analyze', 'results/x', '--threads', '2', '-h'];
  assert.deepEqual(cliLibraries.yargs(args).help(false).parseSync(), yargs(args).help(false).parseSync());
  assert.deepEqual(
    cliLibraries.hideBin(['node', 'main.js', 'analyze', 'x']),
    hideBin(['node', 'main.js', 'analyze', 'x']),
  );
});

/**
 * `npm run build` leaves the chart libraries as one module (chart-libraries.ts, scripts/build-bundle.ts): the compiled
 * file imports nothing but Node's built-in modules, so loading vega reads no package of node_modules (but for the
 * optional `canvas`, which vega-canvas tries and goes without, bundled or not). It holds vega and vega-lite as the
 * packages export them.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import * as bundled from '../../../../harness/analyze/report/chart-libraries.js';

const compiled = fileURLToPath(new URL('../../../../harness/analyze/report/chart-libraries.js', import.meta.url));

test('the compiled chart libraries import only built-in modules', async () => {
  const source = await readFile(compiled, 'utf8');
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']/gm),
    ...source.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1] as string);
  assert.ok(source.length > 500_000, `${compiled} is ${source.length} characters: not the bundle`);
  assert.deepEqual(
    specifiers.filter((s) => !isBuiltin(s) && s !== 'canvas'),
    [],
  );
});

test('the bundle holds what the packages export', () => {
  assert.equal(bundled.vega.version, vega.version);
  assert.equal(bundled.vegaLite.version, vegaLite.version);
  assert.deepEqual(Object.keys(bundled.vega).sort(), Object.keys(vega).sort());
  assert.deepEqual(Object.keys(bundled.vegaLite).sort(), Object.keys(vegaLite).sort());
});

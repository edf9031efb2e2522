/**
 * vega and vega-lite, as one module. `npm run build` replaces this module's compiled file with an esbuild bundle of
 * both libraries and everything they import (scripts/build-bundle.ts): loaded from their packages, they are some 200
 * small ES modules that a worker thread spends about 0.2 s of CPU resolving, reading and compiling, while the records
 * are being analyzed on the other cores; the bundle loads in half the CPU. Compiled without that step (tsc alone), this
 * module re-exports the packages and works the same, only slower to load.
 */
export * as vega from 'vega';
export * as vegaLite from 'vega-lite';

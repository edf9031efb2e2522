/**
 * yargs, as one module. `npm run build` replaces this module's compiled file with an esbuild bundle of yargs and what
 * it imports (scripts/build-bundle.ts), as it does for the chart libraries (analyze/report/chart-libraries.ts): every
 * command starts by loading yargs, some 80 small ES modules from its packages, and the bundle loads in half the time.
 * Compiled without that step (tsc alone), this module re-exports the packages and works the same, only slower to load.
 *
 * Bundled, yargs no longer lies under node_modules: it cannot find this project's package.json by its own location,
 * so program.ts gives it the version, nor its translations, which it does without (it prints its English keys, the
 * messages this CLI prints in any case).
 */
export { default as yargs } from 'yargs';
export { hideBin } from 'yargs/helpers';

/**
 * Modules that re-export packages and that `npm run build` replaces, once compiled, with an esbuild bundle of them and
 * the packages they import (scripts/build-bundle.ts; each module says why). Paths from the repository, without their
 * extension.
 */
export const BUNDLED_MODULES = ['harness/analyze/report/chart-libraries', 'harness/cli/cli-libraries'] as const;

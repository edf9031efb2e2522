/**
 * The layering `npm run lint` keeps (dependency-cruiser): data flows cli -> pipeline -> plan / deploy / run ->
 * analyze -> exporters, all resting on one model of the Lambda platform (harness/lambda/), with nothing climbing back.
 */
module.exports = {
  forbidden: [
    {
      name: 'cli-is-the-top',
      comment: 'Only the CLI may import the CLI: steps return data, commands print and choose exit codes.',
      severity: 'error',
      from: { pathNot: '^(harness/cli|test)/' },
      to: { path: '^harness/cli/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No two folders import each other, directly or through others.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'infra-and-workloads-see-only-the-lambda-model',
      comment: 'The emulator and the function import nothing of the harness but its model of the Lambda platform.',
      severity: 'error',
      from: { path: '^(infra|workloads)/' },
      to: { path: '^harness/', pathNot: '^harness/lambda/' },
    },
    {
      name: 'the-lambda-model-is-a-leaf',
      comment: 'harness/lambda/ rests on nothing of the project but lib/.',
      severity: 'error',
      from: { path: '^harness/lambda/' },
      to: { path: '^(harness|infra|workloads|scripts)/', pathNot: '^harness/lambda/' },
    },
    {
      name: 'lib-is-a-leaf',
      comment: 'lib/ holds generic helpers: it imports nothing of the project.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(harness|infra|workloads|scripts|test)/' },
    },
    {
      name: 'analyze-never-climbs-to-the-steps-above',
      comment: 'analyze reads what run wrote; it never imports plan, deploy, the pipeline or the CLI.',
      severity: 'error',
      from: { path: '^harness/analyze/' },
      to: { path: '^harness/(plan|deploy|cleanup|pipeline)' },
    },
    {
      name: 'run-never-imports-analyze',
      severity: 'error',
      from: { path: '^harness/run/' },
      to: { path: '^harness/analyze/' },
    },
    {
      name: 'code-never-imports-tests',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|results)/' },
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc parses the sources instead, and
    // NodeNext's `./x.js` specifiers resolve to the `./x.ts` beside them.
    parser: 'swc',
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

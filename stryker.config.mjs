// Mutation testing (npm run mutation): StrykerJS mutates the modules where a wrong decision means a
// wrong verdict or a security hole, and runs the unit tests against every mutant. Not part of
// `npm test` or CI: results and the command are in TESTING.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // related: false: vitest.mutation.config.ts already lists only the guarded modules' tests, and
  // each mutant run is given the test files that cover it; asking vitest for the files related to
  // the mutated file on top walked the import graph of every listed test file on every mutant run.
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  // Per-test coverage: each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // The machine is shared (2 cores): two test-runner processes at most.
  concurrency: 2,
  mutate: [
    'lib/probe/address-policy.ts',
    'lib/probe/domain-name.ts',
    'lib/probe/smtp/reply-reader.ts',
    'lib/probe/smtp/smtp-session.ts',
    'lib/probe/tls/describe-tls.ts',
    'lib/probe/tls/describe-certificate.ts',
    'lib/probe/dns/resolve-target.ts',
    'lib/probe/findings/evaluate.ts',
    // rules split out of evaluate.ts since (relay verdicts) or added beside it (mail before TLS,
    // MX aliases, the TLS version/suite matrix)
    'lib/probe/findings/relay-findings.ts',
    'lib/probe/findings/evaluate-transport.ts',
    'lib/probe/findings/evaluate-tls-matrix.ts',
    // the interpretation layer (issue 9): status and roll-up (what findings/summarize.ts held before
    // it became a re-export), labels, certificate groups, terminal text
    'lib/verdict/*.ts',
    'lib/export/csv.ts',
    'lib/http/sse.ts',
    'lib/badge/render-badge.ts',
    'lib/checks/rate-limit.ts',
  ],
  ignoreStatic: true,
  // Incremental: a rerun tests again only the mutants whose code or covering tests changed. The
  // file is per run scope (MUTATION_INCREMENTAL) so one-module runs do not overwrite each other.
  incremental: true,
  incrementalFile: process.env.MUTATION_INCREMENTAL ?? 'reports/stryker-incremental.json',
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'json'],
  // MUTATION_REPORT names the JSON report of a partial run (`--mutate` on one module).
  jsonReporter: { fileName: process.env.MUTATION_REPORT ?? 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 85, break: null },
};

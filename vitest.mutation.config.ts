/**
 * The vitest configuration StrykerJS runs (stryker.config.mjs): a dedicated fast set of unit tests
 * for the mutated modules, as a single project because the vitest runner drives one.
 *
 * Why an explicit list rather than every unit test: with per-test coverage, every mutant runs the
 * tests that reach it, and each such run imports each covering file and the project's modules
 * anew (in the one worker thread kept between runs, below). Route, history, preview and rendering tests reach the guarded modules only on their way
 * (a domain name parsed, a rate limit taken) and import Next.js, next-intl and the store, which
 * cost more to load than the guarded tests take to run; they kill nothing the dedicated tests do
 * not. Integration, interop and e2e tests bind real ports and take minutes. All of them still run
 * in `npm test`; they only stay out of mutation runs.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import CheapFirstSequencer from './tests/mutation/sequencer';
import { endKeptWorker, KEPT_WORKER_POOL, keptWorkerPool } from './tests/mutation/kept-worker-pool';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The unit tests of the modules in stryker.config.mjs's mutate list. */
export const MUTATION_TESTS = [
  // address policy, domain names
  'address-policy*.test.ts',
  'guarded-connect.test.ts',
  'policy-records.test.ts',
  'domain-name*.test.ts',
  // SMTP reply reader and session
  'smtp-reply-reader*.test.ts',
  'smtp-session*.test.ts',
  'transcript-line-times.test.ts',
  'relay-verdict.test.ts',
  // TLS description and host-name matching
  'describe-certificate*.test.ts',
  'describe-tls*.test.ts',
  'tls-host-match.test.ts',
  'trust-reason.test.ts',
  'cert-expired-days.test.ts',
  // DNS target resolution
  'resolve-target*.test.ts',
  'dns-address-lookup-failed.test.ts',
  'sample-result-engine.test.ts',
  // finding rules, roll-up, interpretation layer
  'findings*.test.ts',
  'redact-refused.test.ts',
  'summarize-rollup.test.ts',
  'verdict-decisions.test.ts',
  'findings-transport.test.ts',
  'tls-matrix.test.ts', // the planner and the matrix rules (tls-matrix-readers.test.ts drives the CLI, CSV and widget: not run here)
  // not verdict/one-reading.test.ts nor verdict/terminal-text.test.ts: they check that the CLI,
  // CSV, widget and report agree, and importing those readers (CLI, i18n, embed, CSV) cost ~1.5 s
  // of CPU on every run of every verdict and finding-rule mutant; the two files below and the
  // finding tests pin the same decisions on lib/verdict itself
  'verdict/tls-matrix-view.test.ts',
  'verdict/probe-view-edges.test.ts',
  'compare-vantages.test.ts',
  'report/cert-groups.test.ts',
  'report/describe-probe.test.ts',
  'report/format.test.ts',
  // output guards: CSV, SSE, badge; rate limiter
  'export-csv.test.ts',
  'output-guards.test.ts',
  'sse-writer.test.ts',
  'http-helpers.test.ts',
  'badge*.test.ts',
  'rate-limit*.test.ts',
].map((p) => `tests/unit/${p}`);

export default defineConfig({
  plugins: [
    {
      // One worker thread for all the mutant runs of a StrykerJS test-runner process
      // (tests/mutation/kept-worker-pool.ts). Set here, after the configuration is resolved,
      // because the StrykerJS runner passes `pool: 'threads'` to vitest over the config file's.
      name: 'mxray:kept-worker-pool',
      configureVitest({ project, vitest }) {
        project.config.pool = KEPT_WORKER_POOL;
        project.config.poolRunner = keptWorkerPool;
        vitest.onClose(endKeptWorker);
      },
    },
  ],
  // As in vitest.config.ts: server modules get server-only's empty variant, next-intl goes through Vite.
  resolve: { alias: { '@': root, 'server-only': `${root}node_modules/server-only/empty.js` } },
  test: {
    server: { deps: { inline: ['next-intl'] } },
    include: MUTATION_TESTS,
    // One module graph for all the files of a run (each run starts from fresh project modules
    // anyway, tests/mutation/kept-worker.mjs): a mutant covered by several files then loads the
    // shared modules (schema, fixtures) once instead of once per file. Measured on this set: 21.5 s of CPU instead of
    // 56.6 s for one pass. These files restore what they change (fake timers) in afterEach.
    isolate: false,
    // Instrumented code runs slower (every mutant's coverage is counted), and the initial run
    // aborts the whole mutation run on one test timeout: a little more room than the default 5 s,
    // still well below Stryker's own hang limit (timeoutMS + 1.5 × the test's time).
    testTimeout: 10_000,
    sequence: { sequencer: CheapFirstSequencer },
    // Records the timers a run starts, for the kept worker to cancel before the next run.
    setupFiles: ['tests/mutation/kept-worker-timers.ts'],
    environment: 'node',
  },
});

// Compiles the CLI into CommonJS bundles: dist/cli.cjs (the entry: --help, --version) and
// dist/cli-check.cjs (`mxray check`: the engine, and the text report loaded only to print it),
// then writes the check bundle's V8 code cache beside it (dist/cli-check.cjs.cache, read by
// cli/load-check-bundle.ts). Runs on `npm install` (prepare), so `mxray` never compiles
// TypeScript at run time. CommonJS because Node 20 caches no compiled ES module and because an
// ES module import of a Node built-in reads every export of it (node:tls then builds its root
// certificate list, node:crypto loads webcrypto), which `require` does not.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Only the CLI's own files: dist/worker (scripts/build-worker.mjs) stays, whichever builds first.
const dist = new URL('../dist/', import.meta.url);
mkdirSync(dist, { recursive: true });
for (const f of readdirSync(dist, { withFileTypes: true }).filter((e) => e.isFile() && e.name.startsWith('cli'))) rmSync(new URL(f.name, dist));

const common = {
  absWorkingDir: root,
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // import() becomes require(): the check bundle runs as a vm.Script, which has no module loader
  // for import(), and the text report is bundled in, evaluated only when printed.
  supported: { 'dynamic-import': false },
  sourcemap: 'linked',
  minify: true,
  // Dependencies are bundled too (dns-packet, ipaddr.js; use-intl for the text report): resolving
  // and loading packages file by file was once most of the CLI's start-up. node: built-ins stay outside.
  packages: 'bundle',
  // The CLI is server-side code run by Node: the browser guard's empty variant (see vitest.config.ts).
  alias: { 'server-only': './node_modules/server-only/empty.js' },
  define: { MXRAY_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

/** The entry's loader of the check: cli/load-check-bundle.ts (code cache) instead of a plain import. */
const bundledLoader = {
  name: 'bundled-loader',
  setup(b) {
    b.onResolve({ filter: /^\.\/load-check$/ }, () => ({ path: join(root, 'cli/load-check-bundle.ts') }));
  },
};

// `mxray --help`/`--version` load this one small file and nothing else.
await build({ ...common, entryPoints: { cli: 'cli/main.ts' }, plugins: [bundledLoader] });

// `mxray check`: the engine, and what it evaluates only on demand (the text report, the
// translator and the message files), in one file whose compiled code the cache below holds.
await build({ ...common, entryPoints: { 'cli-check': 'cli/check-command.ts' } });

// The code cache, made by a fresh `node` with default flags through the loader's own compile, so
// that V8 accepts it when mxray runs.
const bytes = execFileSync(process.execPath, ['-e', "process.stdout.write(String(require('./dist/cli.cjs').writeCheckCodeCache()))"], { cwd: root, encoding: 'utf8' });
if (!(Number(bytes) > 0)) throw new Error(`build-cli: no code cache written (${bytes})`);

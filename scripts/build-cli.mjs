// Compiles cli/main.ts and the engine it uses into one ES module, dist/cli.mjs. Runs on
// `npm install` (prepare), so `npx mxray` never compiles TypeScript at run time.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Chunks carry content hashes: clear the old ones so dist/ holds one build.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { cli: 'cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  // `mxray --help`/`--version` load only the small entry; the engine (and zod) is a chunk that
  // `mxray check` imports when it runs.
  splitting: true,
  chunkNames: 'cli-[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  minify: true,
  // Dependencies are bundled too: zod alone is ~100 ESM files, and resolving and loading them one
  // by one was most of the CLI's start-up (a CPU profile put zod's loading at several times an
  // empty `node -e 0`). One file starts like a native tool; node: built-ins stay outside.
  packages: 'bundle',
  // The CLI is server-side code run by Node: the browser guard's empty variant (see vitest.config.ts).
  alias: { 'server-only': './node_modules/server-only/empty.js' },
  define: { MXRAY_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});

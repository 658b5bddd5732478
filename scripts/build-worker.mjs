// Compiles the scaled-mode probe worker (lib/scale/worker-main.ts and the engine it uses) into
// dist/worker/worker.mjs. Unlike the CLI, packages stay external: the worker runs where
// node_modules is (the Docker image, a checkout after `npm ci`), and native or script-carrying
// packages (better-sqlite3, bullmq) load as they are installed.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist/worker', import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { worker: 'lib/scale/worker-main.ts' },
  outdir: 'dist/worker',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  packages: 'external',
  // 'server-only' is resolved by esbuild itself (it is a package, external otherwise): server code.
  alias: { 'server-only': './node_modules/server-only/empty.js' },
  logLevel: 'warning',
});

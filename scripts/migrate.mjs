// `npm run migrate`: applies the Postgres migrations (lib/store/pg-migrations/) to DATABASE_URL.
// Compiles lib/store/migrate-main.ts on the fly with esbuild, as the bench and load scripts do.
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside node_modules, so the bundle's package imports resolve from the repository.
const outdir = resolve(root, 'node_modules/.cache/mxray-migrate');
await build({
  absWorkingDir: root,
  entryPoints: ['lib/store/migrate-main.ts'],
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
process.chdir(root);
const { main } = await import(pathToFileURL(resolve(outdir, 'migrate-main.mjs')).href);
try {
  process.exitCode = await main();
} catch (e) {
  console.error(`mxray migrate: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
}

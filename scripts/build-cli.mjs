// Compiles cli/main.ts and the engine it uses into one ES module, dist/cli.mjs. Runs on
// `npm install` (prepare), so `npx mxray` never compiles TypeScript at run time.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  absWorkingDir: root,
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  // Runtime dependencies stay in node_modules; only our own TypeScript is bundled.
  packages: 'external',
  define: { 'process.env.MXRAY_VERSION': JSON.stringify(pkg.version) },
  logLevel: 'warning',
});

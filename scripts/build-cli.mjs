// Compiles cli/main.ts and the engine it uses into one ES module, dist/cli.mjs. Runs on
// `npm install` (prepare), so `npx mxray` never compiles TypeScript at run time.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * zod's `z` is a namespace of everything zod exports, the error messages of its ~40 locales
 * included: esbuild keeps a namespace used as a value whole, so `import { z } from 'zod'` put
 * ~250 kB of locales and the JSON-Schema importer into the CLI, all compiled on every start. The
 * CLI's `zod` is the same namespace without them and without `z.core` (which re-exports the
 * locales too); English, the default, stays: zod's schemas import it themselves. Only the bare
 * `zod` of our own code is redirected.
 */
const zodWithoutLocales = {
  name: 'zod-without-locales',
  setup(b) {
    const classic = join(root, 'node_modules/zod/v4/classic');
    const external = readFileSync(join(classic, 'external.js'), 'utf8');
    const slim = external
      .split('\n')
      .filter((line) => !/^export \* as (locales|core) from|^export \{ fromJSONSchema \}/.test(line))
      .join('\n');
    if (slim === external) throw new Error('build-cli: zod/v4/classic/external.js changed shape; update the zod-without-locales plugin');
    b.onResolve({ filter: /^zod$/ }, (args) => (args.importer.includes('node_modules') ? undefined : { path: 'zod', namespace: 'mxray-zod' }));
    b.onResolve({ filter: /^mxray-zod-external$/ }, () => ({ path: join(classic, 'external-without-locales.js'), namespace: 'mxray-zod' }));
    b.onLoad({ filter: /^zod$/, namespace: 'mxray-zod' }, () => ({
      contents: "import * as z from 'mxray-zod-external';\nexport * from 'mxray-zod-external';\nexport { z, z as default };\n",
      resolveDir: root,
    }));
    b.onLoad({ filter: /external-without-locales\.js$/, namespace: 'mxray-zod' }, (args) => ({ contents: slim, resolveDir: dirname(args.path) }));
  },
};

// Chunks carry content hashes: clear the old ones so dist/ holds one build.
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
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
  // CommonJS dependencies bundled into ESM (dns-packet: require('buffer')) need a real `require`
  // for Node built-ins; esbuild's ESM shim has none.
  banner: { js: "import { createRequire as __mxrayCreateRequire } from 'node:module'; const require = __mxrayCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

/** The entry's `import('./check-command')` becomes the separately built dist/cli-check.mjs. */
const checkCommandApart = {
  name: 'check-command-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/check-command$/ }, () => ({ path: './cli-check.mjs', external: true }));
  },
};

// `mxray --help`/`--version` load this one small file and nothing else (no shared chunks: the
// exit codes it shares with the check are inlined in both).
await build({ ...common, entryPoints: { cli: 'cli/main.ts' }, plugins: [checkCommandApart] });

// `mxray check`: the engine (and zod) in cli-check.mjs; what it loads only on demand (the text
// report, the translator and the message files) in chunks of their own.
await build({
  ...common,
  entryPoints: { 'cli-check': 'cli/check-command.ts' },
  splitting: true,
  chunkNames: 'cli-[name]-[hash]',
  plugins: [zodWithoutLocales],
});

// Compiles the scaled-mode probe worker (lib/scale/worker-main.ts and the engine it uses) into
// dist/worker/worker.mjs. Like the CLI it bundles its dependencies, except the packages the
// server also loads from node_modules (native, worker-thread, one-per-process: the shared list),
// which the standalone output ships: the same file then runs in a checkout and in the Docker image.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVER_EXTERNAL_PACKAGES } from './server-external-packages.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist/worker', import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  // worker: scaled mode's probe worker; runner-thread and store-writer: the embedded server's engine
  // thread and the thread that writes its SQLite file (lib/checks/thread-executor.ts)
  entryPoints: { worker: 'lib/scale/worker-main.ts', 'runner-thread': 'lib/checks/runner-thread-main.ts', 'store-writer': 'lib/checks/store-writer-main.ts' },
  outdir: 'dist/worker',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  external: SERVER_EXTERNAL_PACKAGES,
  alias: { 'server-only': './node_modules/server-only/empty.js' },
  // CommonJS dependencies bundled into ESM (dns-packet, the engine's DNSSEC questions, requires
  // 'buffer') need a real `require` for Node built-ins; esbuild's ESM shim has none.
  banner: { js: "import { createRequire as __mxrayCreateRequire } from 'node:module'; const require = __mxrayCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// `npm run demo`: a demo zone for contributors and offline trials. Starts loopback mail servers and
// a loopback DNS server (the tests' mail lab, block 127.77.0.0/16, names under demo.test) and the
// production app configured to use them. Needs root for ports 25/465/587/2525.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// Bundle inside node_modules so the bundle's package imports resolve from the repository.
const outDir = resolve(root, 'node_modules/.cache/mxray-demo');
await build({
  absWorkingDir: root,
  entryPoints: ['tests/fixtures/reflect-metadata-shim.ts', 'tests/fixtures/mail-lab.ts'],
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
// The test PKI's x509 library needs its Reflect polyfill loaded before it (ESM hoists imports).
await import(pathToFileURL(resolve(outDir, 'reflect-metadata-shim.mjs')).href);
const { startMailLab } = await import(pathToFileURL(resolve(outDir, 'mail-lab.mjs')).href);

if (!existsSync(resolve(root, '.next/standalone/server.js'))) {
  console.log('Building the app once (npm run build)…');
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

let ipv6 = true;
let lab;
try {
  lab = await startMailLab({ block: 77, suffix: 'demo.test', ipv6, slowGreetingPauseMs: 6_000 });
} catch {
  ipv6 = false; // ::1 ports taken (a test run?): the demo works without IPv6.
  lab = await startMailLab({ block: 77, suffix: 'demo.test', ipv6, slowGreetingPauseMs: 6_000 });
}
const port = process.env.PORT ?? '3000';
console.log(`\nmxray demo on http://127.0.0.1:${port}/ — try these domains:`);
for (const [kind, domain] of Object.entries(lab.domains)) console.log(`  ${domain.padEnd(22)} ${kind}`);
console.log('');

const app = spawn(process.execPath, [resolve(root, 'scripts/start.mjs')], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    ...lab.env,
    PORT: port,
    DATA_DIR: process.env.DATA_DIR ?? resolve(root, 'data/demo'),
    RATE_LIMIT_PER_MINUTE: process.env.RATE_LIMIT_PER_MINUTE ?? '120',
    RATE_LIMIT_BURST: process.env.RATE_LIMIT_BURST ?? '30',
    DEDUPE_WINDOW_SECONDS: process.env.DEDUPE_WINDOW_SECONDS ?? '5',
  },
});
const stop = async () => {
  app.kill('SIGTERM');
  await lab.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
app.on('exit', async (code) => {
  await lab.close();
  process.exit(code ?? 0);
});

// Starts the production server the way the Dockerfile does: Next's standalone output
// (.next/standalone/server.js) behind our hook (scripts/mxray-server.cjs: client address from the
// socket, server timeouts), with the static assets and public/ copied beside it.
// `npm start` runs this after `npm run build`. HOST (default 127.0.0.1) and PORT (default 3000).
import { spawn } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const standalone = resolve(root, '.next/standalone');
const server = resolve(standalone, 'server.js');

if (!existsSync(server)) {
  console.error('mxray: no production build found; run `npm run build` first.');
  process.exit(1);
}
cpSync(resolve(root, '.next/static'), resolve(standalone, '.next/static'), { recursive: true });
cpSync(resolve(root, 'public'), resolve(standalone, 'public'), { recursive: true });

const env = {
  ...process.env,
  NODE_ENV: 'production',
  // server.js changes into its own directory: make the data directory absolute first.
  DATA_DIR: resolve(root, process.env.DATA_DIR ?? 'data'),
  HOSTNAME: process.env.HOST ?? '127.0.0.1',
  PORT: process.env.PORT ?? '3000',
};
const hook = resolve(root, 'scripts/mxray-server.cjs');
const { SERVER_NODE_FLAGS } = createRequire(import.meta.url)(hook);
const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, hook, server], { env, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

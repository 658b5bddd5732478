#!/usr/bin/env node
// The CLI is compiled at install time (npm's prepare → scripts/build-cli.mjs) so it starts without
// a TypeScript compiler.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(compiled)) {
  process.stderr.write('mxray: the CLI is not built yet; run `npm install` (or `npm run build:cli`) in the repository.\n');
  process.exit(2);
}
const { main } = await import(compiled);
process.exitCode = await main(process.argv.slice(2));

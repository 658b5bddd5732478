#!/usr/bin/env node
// The CLI is compiled at install time (npm's prepare → scripts/build-cli.mjs) so it starts without
// a TypeScript compiler. CommonJS, like the bundles: an ES module entry would start Node's module
// loader on every run, --version included.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '../dist/cli.cjs');
if (!existsSync(compiled)) {
  process.stderr.write('mxray: the CLI is not built yet; run `npm install` (or `npm run build:cli`) in the repository.\n');
  process.exit(2);
}
require(compiled)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });

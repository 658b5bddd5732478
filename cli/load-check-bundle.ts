/**
 * The built CLI's loader of `mxray check` (scripts/build-cli.mjs puts it in place of
 * cli/load-check.ts). The check bundle, dist/cli-check.cjs, is compiled with the V8 code cache
 * that the build wrote beside it (cli-check.cjs.cache): V8 then deserializes the functions it
 * compiled at load instead of parsing and compiling ~150 kB of JavaScript on every start, which
 * was the largest part of the CLI's start-up after Node's own. Node 20 has no compile cache for
 * modules (module.enableCompileCache came with Node 22), hence vm.Script and CommonJS.
 *
 * A cache V8 refuses (another Node version or other V8 flags than at build time) only costs the
 * compile it would have saved: the bundle then compiles from source, as without a cache.
 * Nothing is written at run time; `npm run build:cli` makes a fresh cache.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

type CheckCommand = typeof import('./check-command');

const BUNDLE = join(__dirname, 'cli-check.cjs');
const CACHE = `${BUNDLE}.cache`;

/** The bundle as Node would wrap a CommonJS module, on the first line so that line numbers stay. */
function compile(cachedData: Buffer | undefined): Script {
  const source = readFileSync(BUNDLE, 'utf8');
  return new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: BUNDLE, cachedData });
}

function evaluate(script: Script): CheckCommand {
  const module = { exports: {} as CheckCommand };
  (script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void)(module.exports, createRequire(BUNDLE), module, BUNDLE, __dirname);
  return module.exports;
}

function readCache(): Buffer | undefined {
  try {
    return readFileSync(CACHE);
  } catch {
    return undefined;
  }
}

let cacheUsed = false;

/** Whether the check bundle was loaded with its code cache (the bench and the tests ask). */
export function codeCacheUsed(): boolean {
  return cacheUsed;
}

export function loadCheckCommand(): Promise<CheckCommand> {
  const cached = readCache();
  const script = compile(cached);
  cacheUsed = cached !== undefined && !script.cachedDataRejected;
  return Promise.resolve(evaluate(script));
}

/**
 * Run by scripts/build-cli.mjs in a fresh `node`: loads the bundle as a check would (its
 * top-level code runs, so the functions compiled at load are in the cache) and writes the cache.
 */
export function writeCheckCodeCache(): number {
  const script = compile(undefined);
  evaluate(script);
  const data = script.createCachedData();
  writeFileSync(CACHE, data);
  return data.length;
}

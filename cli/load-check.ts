/**
 * The `mxray check` command's module, loaded only when a check is asked for (`--help` and
 * `--version` never load the engine). From the sources (tests, tsx) a plain dynamic import; the
 * built CLI replaces this file with cli/load-check-bundle.ts (scripts/build-cli.mjs), which loads
 * the check bundle with its V8 code cache. Both export the same three functions.
 */
export function loadCheckCommand(): Promise<typeof import('./check-command')> {
  return import('./check-command');
}

/** From the sources there is no bundle and no code cache. */
export function codeCacheUsed(): boolean {
  return false;
}

export function writeCheckCodeCache(): number {
  throw new Error('the check bundle and its code cache exist only in the built CLI (npm run build:cli)');
}

/**
 * SERVER_NODE_FLAGS (scripts/mxray-server.cjs): the Node flags every launcher starts the production
 * server with. scripts/start.mjs and the tests' production-server fixture import them; the
 * Dockerfile's CMD cannot, so it is held to them here. And the flag does what the comment says: the
 * web thread's new space stays at two 2 MB semi-spaces under allocation, where V8's default grows
 * to 32 MB.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const { SERVER_NODE_FLAGS } = createRequire(import.meta.url)(resolve(root, 'scripts/mxray-server.cjs')) as { SERVER_NODE_FLAGS: readonly string[] };

/** The largest new space (MB) a main thread reaches while allocating short-lived objects fast. */
function newSpaceMb(flags: readonly string[]): number {
  const script = `
const v8 = require('node:v8');
let keep = [], peak = 0;
for (let i = 0; i < 2e6; i++) {
  keep.push({ i, s: 'x' + i });
  if (keep.length > 20000) keep = [];
  if (i % 50000 === 0) peak = Math.max(peak, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
}
console.log(peak / 1048576);`;
  return Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test' }, timeout: 30_000 }));
}

describe('SERVER_NODE_FLAGS', () => {
  it('the Dockerfile starts the web role with exactly these flags', () => {
    const cmd = readFileSync(resolve(root, 'Dockerfile'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('CMD '));
    expect(cmd).toContain(`exec node ${SERVER_NODE_FLAGS.join(' ')} mxray-server.cjs`);
  });

  it('scripts/start.mjs and the production-server fixture put them before the entry point', () => {
    for (const file of ['scripts/start.mjs', 'tests/fixtures/production-server.ts']) {
      expect(readFileSync(resolve(root, file), 'utf8'), file).toMatch(/spawn\(process\.execPath, \[\.\.\.SERVER_NODE_FLAGS, /);
    }
  });

  it('cap the main thread new space at two 2 MB semi-spaces', () => {
    expect(SERVER_NODE_FLAGS).toContain('--max-semi-space-size=2');
    expect(newSpaceMb(SERVER_NODE_FLAGS)).toBeLessThanOrEqual(4);
    // Without them V8 grows it well past that: the flag is what holds it.
    expect(newSpaceMb([])).toBeGreaterThan(8);
  });
});

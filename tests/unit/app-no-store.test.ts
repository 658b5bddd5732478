/**
 * Pages and routes never reach into the store: they ask the runner (one check) or the query service
 * (lib/checks/check-queries.ts), and a route gets both from withServices. A source scan: a page,
 * route or component that imports the store, calls getServices, or touches a `store` fails here,
 * and so does a lib module outside the store's own wiring that calls a CheckStore method.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|mjs)$/.test(f))
    .map((f) => path.join(dir, f));
}

/** The code without comments, so a comment naming the store is not a use of it. */
function code(file: string): string {
  return fs
    .readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const IMPORT = /^\s*import\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Module paths a page or route may not import: the store itself, and the services without the wrapper. */
function forbiddenImports(src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(IMPORT)) {
    const spec = m[1]!;
    // check ids are a pure helper (a regex and the id generator), not the store
    if (spec.startsWith('@/lib/store/') && spec !== '@/lib/store/check-id') out.push(spec);
  }
  if (/\bgetServices\b/.test(src)) out.push('getServices (use withServices, getCheckQueries or loadCheckViewFromServices)');
  return out;
}

/** `services.store`, `x.store`, `{ store }` or `{ runner, store }` taken from the services. */
const STORE_USE = /\.\s*store\b|[{,]\s*store\s*[,}:]/;

const STORE_METHODS =
  /\bstore\.(getCheck|listEvents|findRecent|findLatestDone|listDomainChecks|ping|checkWritable|createCheck|appendEvent|finishCheck|markInterrupted|markRunningInterrupted|purge|close)\b/;

/** The store's own wiring: the store, the runner (embedded or scaled), the query service, the process services, retention. */
const STORE_OWNERS = [
  'lib/store/',
  'lib/checks/runner.ts',
  // how the runner runs one check, inline or in its thread (issue 11): the runner's own writes
  'lib/checks/check-executor.ts',
  'lib/checks/runner-thread-main.ts',
  'lib/checks/replay-then-tail.ts',
  'lib/checks/check-queries.ts',
  'lib/checks/get-runner.ts',
  'lib/checks/retention.ts',
  // the scaled runner and its workers (issue 11): the runner's other form, with the same duties
  'lib/scale/',
  'lib/observability/',
];

describe('pages and routes do not reach into the store', () => {
  const files = [...sources('app'), ...sources('components')];

  it('scans the pages, routes and components', () => {
    expect(files.filter((f) => f.endsWith('route.ts')).length).toBeGreaterThan(10);
    expect(files.filter((f) => f.endsWith('page.tsx')).length).toBeGreaterThan(5);
  });

  it('neither imports the store nor takes it from the services', () => {
    const offending = files.flatMap((f) => {
      const src = code(f);
      return [...forbiddenImports(src), ...(STORE_USE.test(src) ? ['a `store` property'] : [])].map((what) => `${f}: ${what}`);
    });
    expect(offending).toEqual([]);
  });

  it('every route that needs the services goes through withServices', () => {
    const routes = sources('app').filter((f) => f.endsWith('route.ts'));
    const bypassing = routes.filter((f) => {
      const src = code(f);
      const usesServices = /\b(runner|queries|rateLimiter|viewers)\b/.test(src);
      return usesServices && !/\bwithServices\(/.test(src);
    });
    expect(bypassing).toEqual([]);
  });

  it('lib calls the store only from its own wiring', () => {
    const offending = sources('lib')
      .filter((f) => !STORE_OWNERS.some((owner) => f.startsWith(owner)))
      .filter((f) => STORE_METHODS.test(code(f)));
    expect(offending).toEqual([]);
  });

  it('the scan sees what it forbids', () => {
    expect(forbiddenImports("import { createSqliteStore } from '@/lib/store/sqlite-store';")).toHaveLength(1);
    expect(forbiddenImports("import type { CheckStore } from '@/lib/store/check-store';")).toHaveLength(1);
    expect(forbiddenImports("import { isCheckId } from '@/lib/store/check-id';")).toEqual([]);
    expect(forbiddenImports("const { runner } = await getServices();")).toHaveLength(1);
    expect(STORE_USE.test('const latest = await services.store.findLatestDone(d, "domain");')).toBe(true);
    expect(STORE_USE.test('async ({ store, trustProxy }) => {')).toBe(true);
    expect(STORE_USE.test('async ({ queries, trustProxy }) => {')).toBe(false);
    expect(STORE_METHODS.test('await store.listDomainChecks(d, { limit: 1 })')).toBe(true);
  });
});

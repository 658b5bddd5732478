/**
 * The environment is read in one place, the env module (lib/env.ts, and lib/env-read.ts, its
 * zod-free reader for the CLI), where it is validated: a module that reads
 * process.env on its own would skip the validation and the documented defaults. A source scan over
 * the app, the library, the CLI and the components. The one exception is Next's start-up hook,
 * which must know it runs on Node (NEXT_RUNTIME, inlined by Next) and outside `next build`
 * (NEXT_PHASE) before it may import the env module at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/** file → the variables it may read from process.env directly */
const EXCEPTIONS: Record<string, readonly string[]> = {
  'instrumentation.ts': ['NEXT_RUNTIME', 'NEXT_PHASE'],
};

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|mjs|cjs|js)$/.test(f))
    .map((f) => path.join(dir, f));
}

/** Every process.env access in the code (comments removed): the variable, or '*' for the whole object. */
function envReads(src: string): string[] {
  const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...code.matchAll(/process\s*\.\s*env\b(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)|\s*\[\s*['"]([^'"]+)['"]\s*\])?/g)].map((m) => m[1] ?? m[2] ?? '*');
}

describe('process.env is read only by the env module', () => {
  const files = [...['lib', 'app', 'cli', 'components'].flatMap(sources), 'instrumentation.ts', 'proxy.ts'].filter((f) =>
    fs.existsSync(path.join(ROOT, f)),
  );

  it('scans the app, lib, cli and components', () => {
    expect(files).toContain(path.join('lib', 'env.ts'));
    expect(files).toContain(path.join('cli', 'main.ts'));
    expect(files.length).toBeGreaterThan(100);
  });

  it('finds no read outside the env module but the documented exceptions', () => {
    const envModule = [path.join('lib', 'env.ts'), path.join('lib', 'env-read.ts')];
    const offending = files
      .filter((f) => !envModule.includes(f))
      .flatMap((f) => {
        const allowed = EXCEPTIONS[f] ?? [];
        return envReads(fs.readFileSync(path.join(ROOT, f), 'utf8'))
          .filter((v) => !allowed.includes(v))
          .map((v) => `${f}: process.env${v === '*' ? '' : `.${v}`}`);
      });
    expect(offending).toEqual([]);
  });

  it('sees each form of a read, and not a comment', () => {
    expect(envReads('const e = process.env;')).toEqual(['*']);
    expect(envReads('f(x = process.env)')).toEqual(['*']);
    expect(envReads("if (process.env.LANG) x(process.env['LC_ALL'])")).toEqual(['LANG', 'LC_ALL']);
    expect(envReads('// reads process.env.LANG\n/* process.env */ ok()')).toEqual([]);
  });
});

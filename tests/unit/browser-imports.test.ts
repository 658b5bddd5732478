/**
 * Browser code (every 'use client' module and what it imports, transitively) must not pull in a
 * node:* module or a Node built-in: it would break the client bundle or drag server code into it.
 * Type-only imports are erased and do not count.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const BUILTINS = new Set(builtinModules);
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith('@/') ? path.join(ROOT, spec.slice(2)) : spec.startsWith('.') ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const ext of ['', '.ts', '.tsx', '/index.ts', '/index.tsx']) {
    const f = base + ext;
    if (fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  }
  throw new Error(`cannot resolve ${spec} from ${path.relative(ROOT, from)}`);
}

function clientEntries(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => path.join(dir, f))
    .filter((f) => /^\s*['"]use client['"]/.test(fs.readFileSync(f, 'utf8')));
}

/** Every bare import reachable from the entry, with the chain that reaches it. */
function reach(entry: string): Map<string, string[]> {
  const seen = new Set<string>();
  const bare = new Map<string, string[]>();
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(IMPORT)) {
      const spec = m[1]!;
      const next = resolve(file, spec);
      if (next) walk(next, [...chain, path.relative(ROOT, next)]);
      else if (!bare.has(spec)) bare.set(spec, chain);
    }
  };
  walk(entry, [path.relative(ROOT, entry)]);
  return bare;
}

describe('browser code imports nothing from Node', () => {
  const entries = [...clientEntries(path.join(ROOT, 'app')), ...clientEntries(path.join(ROOT, 'components'))];

  it('finds the client modules', () => {
    expect(entries.length).toBeGreaterThan(5);
  });

  for (const entry of entries) {
    it(path.relative(ROOT, entry), () => {
      const offending = [...reach(entry)].filter(([spec]) => spec.startsWith('node:') || BUILTINS.has(spec) || spec === 'server-only');
      expect(offending.map(([spec, chain]) => `${spec} via ${chain.join(' → ')}`)).toEqual([]);
    });
  }
});

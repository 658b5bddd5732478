import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CheckEventSchema, CheckResultSchema } from '@/lib/probe/schema';

// The JSON Schemas under public/schema/ are generated from the zod schemas. This test fails when
// they drift; `npm run schema` rewrites them.
const dir = fileURLToPath(new URL('../../public/schema/', import.meta.url));
const files = {
  'check-result.schema.json': CheckResultSchema,
  'check-event.schema.json': CheckEventSchema,
} as const;

function generate(schema: z.ZodType, id: string): string {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return JSON.stringify({ $id: `/schema/${id}`, ...json }, null, 2) + '\n';
}

describe('JSON Schema of results and events', () => {
  for (const [name, schema] of Object.entries(files)) {
    it(`public/schema/${name} is generated from the zod schema`, () => {
      const expected = generate(schema, name);
      if (process.env.UPDATE_SCHEMA === '1') {
        mkdirSync(dir, { recursive: true });
        writeFileSync(dir + name, expected);
      }
      expect(readFileSync(dir + name, 'utf8')).toBe(expected);
    });
  }
});

import fs from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { ApiErrorCodeSchema, CheckResponseSchema } from '@/lib/http/api-schemas';
import { openApiDocument } from '@/lib/http/openapi';
import { ChangeSchema, HistoryPageSchema } from '@/lib/history/schemas';
import { MonitorViewSchema, WebhookPayloadSchema } from '@/lib/monitors/schemas';
import { silentLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

const doc = openApiDocument() as unknown as Doc;

/** app/api/checks/[id]/events/route.ts → /api/checks/{id}/events */
function apiRoutes(): { file: string; path: string }[] {
  const out: { file: string; path: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
        const rel = path.relative(path.join(ROOT, 'app'), path.dirname(full)).split(path.sep);
        out.push({ file: full, path: `/${rel.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[(.+)\]$/, '{$1}')).join('/')}` });
      }
    }
  };
  walk(path.join(ROOT, 'app', 'api'));
  return out;
}

let runner: Runner;
let store: CheckStore;
beforeAll(() => {
  // Calling a route's handlers below must never reach real services.
  store = createSqliteStore({ file: ':memory:' });
  runner = createRunner({ engine: createFakeEngine(), store, logger: silentLogger, maxConcurrent: 1, queueSize: 1, dedupeWindowMs: 0 });
  setServicesForTests({ runner, store, rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: 10 }), trustProxy: false, logger: silentLogger });
});
afterAll(async () => {
  setServicesForTests(undefined);
  await runner.shutdown(0);
  await store.close();
});

describe('OpenAPI document', () => {
  it('validates against the OpenAPI 3.1 schema, and every $ref resolves', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(res.errors).toBeUndefined();
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const resolved = JSON.stringify(validator.resolveRefs());
    expect(resolved).not.toContain('"$ref"');
  });

  it('lists every route under app/api, and every method a route really serves', async () => {
    const routes = apiRoutes();
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/checks', '/api/checks/{id}', '/api/checks/{id}/events', '/api/health', '/api/openapi.json']));
    for (const route of routes) {
      const ops = doc.paths[route.path];
      expect(ops, `${route.path} (${path.relative(ROOT, route.file)}) is missing from the document`).toBeDefined();
      const mod = (await import(route.file)) as Record<string, unknown>;
      for (const method of HTTP_METHODS) {
        const handler = mod[method];
        if (typeof handler !== 'function') {
          expect(ops![method.toLowerCase()], `${method} ${route.path} is documented but not exported`).toBeUndefined();
          continue;
        }
        if (ops![method.toLowerCase()]) continue;
        // Exported but undocumented: it may only be the "method not allowed" answer.
        const params = Promise.resolve({ id: 'AAAAAAAAAAAAAAAAAAAAAA' });
        const res = (await (handler as (r: Request, c: unknown) => Promise<Response>)(new Request(`http://127.0.0.1${route.path}`, { method }), { params })) as Response;
        expect(res.status, `${method} ${route.path} answers but is not documented`).toBe(405);
      }
    }
  });

  it('declares every path parameter its path template names', () => {
    for (const [p, ops] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name);
        expect(declared.sort(), `${method} ${p}`).toEqual([...names].sort());
      }
    }
  });

  it('is generated from the handlers’ zod schemas, not written by hand', () => {
    const { schemas } = doc.components;
    const error = schemas.ApiError as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect(error.properties.error.properties.code.enum).toEqual(ApiErrorCodeSchema.options);
    const check = schemas.CheckResponse as { required: string[]; properties: Record<string, unknown> };
    expect(Object.keys(check.properties).sort()).toEqual(Object.keys(CheckResponseSchema.shape).sort());
    expect(check.properties.result).toEqual({ $ref: '#/components/schemas/CheckResult' });
    const result = schemas.CheckResult as { properties: { probes: { items: unknown } } };
    expect(result.properties.probes.items).toEqual({ $ref: '#/components/schemas/PortProbe' });
    for (const s of Object.values(schemas)) {
      expect(s).not.toHaveProperty('$schema');
      expect(s).not.toHaveProperty('$id');
    }
  });
});

describe('history in the OpenAPI document', () => {
  it('describes the history and compare APIs with the schemas lib/history answers with', () => {
    expect(doc.paths['/api/domains/{domain}/checks']?.get).toBeDefined();
    expect(doc.paths['/api/domains/{domain}/compare']?.get?.parameters?.map((p) => p.name)).toEqual(['domain', 'from', 'to']);
    const page = doc.components.schemas.HistoryPage as { properties: Record<string, unknown> };
    expect(Object.keys(page.properties).sort()).toEqual(Object.keys(HistoryPageSchema.shape).sort());
    const change = doc.components.schemas.Change as { oneOf: { properties: { kind: { const: string } } }[] };
    expect(change.oneOf.map((o) => o.properties.kind.const)).toEqual(ChangeSchema.options.map((o) => o.shape.kind.value));
  });
});

describe('monitors in the OpenAPI document', () => {
  it('describes creating and managing monitors, and the webhook they send, with the schemas lib/monitors validates', () => {
    expect(doc.paths['/api/monitors']?.post).toBeDefined();
    expect(Object.keys(doc.paths['/api/monitors/{token}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    const view = doc.components.schemas.MonitorView as { properties: Record<string, unknown> };
    expect(Object.keys(view.properties).sort()).toEqual(Object.keys(MonitorViewSchema.shape).sort());
    const payload = doc.components.schemas.WebhookPayload as { properties: Record<string, unknown> };
    expect(Object.keys(payload.properties).sort()).toEqual(Object.keys(WebhookPayloadSchema.shape).sort());
    const webhooks = (doc as unknown as { webhooks: Record<string, { post: { requestBody: unknown } }> }).webhooks;
    expect(JSON.stringify(webhooks.monitorAlert?.post.requestBody)).toContain('#/components/schemas/WebhookPayload');
  });
});

describe('the validator used above', () => {
  it('rejects a document that breaks the OpenAPI 3.1 schema', async () => {
    const broken = structuredClone(doc) as unknown as Doc;
    // Swagger 2's body parameter does not exist in OpenAPI 3.
    broken.paths['/api/checks/{id}']!.get!.parameters![0]!.in = 'body';
    const res = await new Validator().validate(broken as unknown as Record<string, unknown>);
    expect(res.valid).toBe(false);
  });

  it('finds a $ref to a schema that does not exist', async () => {
    const broken = structuredClone(doc) as unknown as Doc;
    broken.components.schemas.CheckResponse!.properties = { result: { $ref: '#/components/schemas/Nowhere' } };
    const validator = new Validator();
    const res = await validator.validate(broken as unknown as Record<string, unknown>);
    expect(() => {
      if (!res.valid) throw new Error('invalid');
      validator.resolveRefs();
    }).toThrow();
  });
});

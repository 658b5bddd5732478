/**
 * GET /api/checks/:id in the caller's language: with ?lang= or an Accept-Language naming a
 * language mxray speaks, each finding also carries its title, explanation and fix with the params
 * placed; without one, the body is the one existing clients always got, byte for byte. Through the
 * real route handler over an in-memory store holding a finished check with findings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GET as getCheck } from '@/app/api/checks/[id]/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner } from '@/lib/checks/runner';
import { ApiErrorSchema, CheckResponseSchema, LocalizedFindingSchema } from '@/lib/http/api-schemas';
import type { CheckResult, Finding } from '@/lib/probe/schema';
import { silentLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { newCheckId } from '@/lib/store/check-id';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine, fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';

const BASE = 'http://127.0.0.1';
const CREATED = Date.UTC(2026, 10, 30, 9, 0, 0);
const FINISHED = CREATED + 12_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  setServicesForTests(undefined);
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FINDINGS: Finding[] = [
  {
    code: 'cert.expiring-soon',
    severity: 'warning',
    untested: false,
    scope: 'host',
    host: 'mx1.example.test',
    params: { host: 'mx1.example.test', days: 9, notAfter: '2026-12-10' },
  },
  {
    code: 'relay.open-bypass',
    severity: 'critical',
    untested: false,
    scope: 'address',
    host: 'mx1.example.test',
    address: '127.0.0.1',
    params: { address: '127.0.0.1', recipient: 'probe%relay.invalid@example.test', form: 'percent-hack' },
  },
];

const RESULT: CheckResult = { ...fakeResult(fakeTarget('example.test')), findings: FINDINGS };

function install(): CheckStore {
  const store = createSqliteStore({ file: ':memory:' });
  const runner = createRunner({ engine: createFakeEngine(), store, logger: silentLogger, maxConcurrent: 2, queueSize: 2, dedupeWindowMs: 0 });
  cleanups.push(async () => {
    await runner.shutdown(0);
    await store.close();
  });
  setServicesForTests({ runner, store, rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: 100 }), trustProxy: false, logger: silentLogger });
  return store;
}

async function storeDone(store: CheckStore): Promise<string> {
  const id = newCheckId();
  await store.createCheck({ id, target: RESULT.target, createdAt: CREATED });
  await store.finishCheck(id, RESULT, FINISHED);
  return id;
}

function get(id: string, query = '', headers: Record<string, string> = {}) {
  return getCheck(new Request(`${BASE}/api/checks/${id}${query}`, { headers }), { params: Promise.resolve({ id }) });
}

/** The body GET /api/checks/:id answered before finding words existed, in its exact key order. */
function plainBody(id: string): string {
  return JSON.stringify({
    id,
    status: 'done',
    target: RESULT.target,
    createdAt: new Date(CREATED).toISOString(),
    finishedAt: new Date(FINISHED).toISOString(),
    result: RESULT,
  });
}

async function localizedFindings(res: Response) {
  expect(res.status).toBe(200);
  const body = CheckResponseSchema.parse(await res.clone().json());
  const raw = (await res.json()) as { result: { findings: unknown[] } };
  // Codes, params and everything else are the stored finding's, unchanged.
  expect(body.result?.findings).toEqual(FINDINGS);
  return raw.result.findings.map((f) => LocalizedFindingSchema.strict().parse(f));
}

describe('GET /api/checks/:id finding words', () => {
  it('renders titles, explanations and fixes in French with the params placed for ?lang=fr', async () => {
    const id = await storeDone(install());
    const res = await get(id, '?lang=fr');
    expect(res.headers.get('content-language')).toBe('fr');
    expect(res.headers.get('vary')).toBe('Accept-Language');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const [cert, relay] = await localizedFindings(res);
    expect(cert).toMatchObject({
      code: 'cert.expiring-soon',
      title: 'Le certificat expire bientôt',
      explanation: 'Le certificat de mx1.example.test expire dans 9 jours (2026-12-10).',
    });
    expect(cert!.fix).toMatch(/^Renouvelez-le maintenant/);
    expect(relay!.title).toBe('Relais ouvert par une astuce d’adresse (percent-hack)');
    expect(relay!.explanation).toMatch(/^127\.0\.0\.1 a refusé le destinataire extérieur .* RCPT TO:<probe%relay\.invalid@example\.test> \(percent-hack\)/);
    expect(relay!.fix).toMatch(/^Refusez ces formes d’adresse/);
    for (const f of [cert!, relay!]) expect(`${f.title} ${f.explanation} ${f.fix}`).not.toMatch(/\{\w+\}/);
  });

  it('follows Accept-Language: fr (and the best supported language of a weighted list)', async () => {
    const id = await storeDone(install());
    for (const header of ['fr', 'de-DE;q=0.9, fr-CA;q=0.8, en;q=0.5']) {
      const res = await get(id, '', { 'accept-language': header });
      expect(res.headers.get('content-language'), header).toBe('fr');
      expect(res.headers.get('vary')).toBe('Accept-Language');
      const [cert, relay] = await localizedFindings(res);
      expect(cert!.title).toBe('Le certificat expire bientôt');
      expect(relay!.title).toBe('Relais ouvert par une astuce d’adresse (percent-hack)');
    }
  });

  it('renders English for ?lang=en, and ?lang= wins over Accept-Language', async () => {
    const id = await storeDone(install());
    const res = await get(id, '?lang=en', { 'accept-language': 'fr' });
    expect(res.headers.get('content-language')).toBe('en');
    const [cert, relay] = await localizedFindings(res);
    expect(cert).toMatchObject({
      title: 'Certificate expires soon',
      explanation: 'The certificate of mx1.example.test expires in 9 days (2026-12-10).',
    });
    expect(relay!.title).toBe('Open relay through an address trick (percent-hack)');
    expect(relay!.explanation).toContain('accepted RCPT TO:<probe%relay.invalid@example.test> (percent-hack)');

    const fr = await get(id, '?lang=fr-CA', { 'accept-language': 'en' });
    expect(fr.headers.get('content-language')).toBe('fr');
    expect((await localizedFindings(fr))[0]!.title).toBe('Le certificat expire bientôt');
  });

  it('answers exactly the old body, without language headers, when no supported language is asked for', async () => {
    const store = install();
    const id = await storeDone(store);
    // A French answer first: it must not leave words in the stored result.
    await (await get(id, '?lang=fr')).arrayBuffer();
    const variants: Record<string, string>[] = [{}, { 'accept-language': 'de, ja;q=0.5' }, { 'accept-language': '*' }];
    for (const headers of variants) {
      const res = await get(id, '', headers);
      expect(res.status).toBe(200);
      expect(await res.text(), JSON.stringify(headers)).toBe(plainBody(id));
      expect(res.headers.get('content-language')).toBeNull();
      expect(res.headers.get('vary')).toBeNull();
    }
    expect((await store.getCheck(id))?.result).toEqual(RESULT);
  });

  it('refuses a lang mxray does not speak with a 400 JSON error naming the supported ones', async () => {
    const id = await storeDone(install());
    for (const lang of ['de', '', 'xx-fr']) {
      const res = await get(id, `?lang=${lang}`);
      expect(res.status, lang).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/json');
      const error = ApiErrorSchema.parse(await res.json()).error;
      expect(error).toMatchObject({ code: 'invalid_input', message: 'lang must be one of en, fr', details: { lang, supported: ['en', 'fr'] } });
    }
    // The error message itself follows Accept-Language, as every API error does.
    const fr = await get(id, '?lang=de', { 'accept-language': 'fr' });
    expect(fr.status).toBe(400);
    expect(fr.headers.get('content-language')).toBe('fr');
    expect(ApiErrorSchema.parse(await fr.json()).error).toMatchObject({ code: 'invalid_input', message: 'La requête n’est pas valide.' });
  });
});

/**
 * How a request picks its language (Accept-Language, ?lang=), which paths are localized pages,
 * and API error messages in the caller's language.
 */
import { describe, expect, it } from 'vitest';
import { localizeError } from '@/lib/http/localized-errors';
import { problem } from '@/lib/http/problem';
import { localeFromTag, negotiateLocale, requestLocale } from '@/lib/i18n/locales';
import { isLocalizedPath, splitLocale } from '@/lib/i18n/localized-path';
import { localizedFindingText, localizedRecommendationText } from '@/lib/i18n/finding-text';
import { formatDateTimeIn, formatMsIn } from '@/lib/i18n/format';
import { alternatesFor } from '@/lib/i18n/alternates';

describe('negotiateLocale', () => {
  it('takes the best supported language by q value, in header order on ties', () => {
    expect(negotiateLocale('fr-FR,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(negotiateLocale('de-DE,de;q=0.9,fr;q=0.5,en;q=0.4')).toBe('fr');
    expect(negotiateLocale('en;q=0.5,fr;q=0.6')).toBe('fr');
    expect(negotiateLocale('en-GB,fr')).toBe('en');
  });
  it('ignores q=0, unknown languages and garbage', () => {
    expect(negotiateLocale('fr;q=0,en;q=0.1')).toBe('en');
    expect(negotiateLocale('de, ja')).toBeNull();
    expect(negotiateLocale(';;;,')).toBeNull();
    expect(negotiateLocale(null)).toBeNull();
  });
  it('reads POSIX locale names (the CLI reads LANG)', () => {
    expect(localeFromTag('fr_FR.UTF-8')).toBe('fr');
    expect(localeFromTag('C.UTF-8')).toBeNull();
  });
  it('lets ?lang= win over Accept-Language, and defaults to English', () => {
    const h = new Headers({ 'accept-language': 'fr' });
    expect(requestLocale('http://x.test/api?lang=en', h)).toBe('en');
    expect(requestLocale('http://x.test/api', h)).toBe('fr');
    expect(requestLocale('http://x.test/api?lang=xx', new Headers())).toBe('en');
  });
});

describe('localized paths', () => {
  it('routes pages, not the API, badges, schemas or files', () => {
    for (const p of ['/', '/check/abc', '/fr', '/fr/check/abc', '/docs/api', '/embed/abc', '/embed/domain/example.com', '/fr/embed/domain/example.com']) {
      expect(isLocalizedPath(p), p).toBe(true);
    }
    for (const p of ['/api/checks', '/api', '/badge/example.com.svg', '/badge/check/x.svg', '/embed.js', '/favicon.svg', '/schema/check-result.schema.json']) {
      expect(isLocalizedPath(p), p).toBe(false);
    }
  });
  it('splits the locale prefix off', () => {
    expect(splitLocale('/fr/embed/x')).toEqual({ locale: 'fr', path: '/embed/x' });
    expect(splitLocale('/fr')).toEqual({ locale: 'fr', path: '/' });
    expect(splitLocale('/french')).toEqual({ locale: null, path: '/french' });
  });
  it('names every language in hreflang alternates, English as x-default', () => {
    expect(alternatesFor('/check/x').languages).toEqual({ en: '/check/x', fr: '/fr/check/x', 'x-default': '/check/x' });
    expect(alternatesFor('/').languages).toEqual({ en: '/', fr: '/fr', 'x-default': '/' });
  });
});

describe('finding text', () => {
  it('places the parameters in the French sentence', () => {
    const t = localizedFindingText('fr', 'cert.expired', { host: 'mx.example.test', notAfter: '2026-01-02', days: 3 });
    expect(t.title).toBe('Certificat expiré');
    expect(t.explanation).toBe('Le certificat de mx.example.test a expiré le 2026-01-02 (il y a 3 jours).');
    expect(localizedFindingText('en', 'cert.expired', { host: 'h', notAfter: 'd', days: 3 }).title).toBe('Certificate expired');
  });
  it('takes only catalogue codes (closed enum) and has French for a known one', () => {
    // An unknown code is a type error since finding codes are a closed enum (never called here).
    // @ts-expect-error 'no.such-code' is not a FindingCode
    const unknownCode = () => localizedFindingText('fr', 'no.such-code');
    expect(typeof unknownCode).toBe('function');
    expect(localizedRecommendationText('fr', 'rec.app.587')).toMatch(/^Utilisez le port 587/);
  });
});

describe('formatting per locale', () => {
  it('writes dates in UTC and decimals the local way', () => {
    expect(formatDateTimeIn('en', '2026-03-02T10:00:00Z')).toBe('2 Mar 2026, 10:00 UTC');
    expect(formatDateTimeIn('fr', '2026-03-02T10:00:00Z')).toMatch(/^2 mars 2026.*10:00 UTC$/);
    expect(formatMsIn('en', 1234)).toBe('1.2 s');
    expect(formatMsIn('fr', 1234)).toBe('1,2 s');
    expect(formatMsIn('fr', 125_000)).toBe('2 min 5 s');
  });
});

describe('API errors in the caller’s language', () => {
  const req = (url: string, lang?: string) => new Request(url, { headers: lang ? { 'accept-language': lang } : {} });
  it('keeps codes and English by default, and words the message in French on request', async () => {
    const en = await localizeError(req('http://x.test/api/checks/x'), problem('not_found', 'no check with this id'));
    expect(await en.json()).toEqual({ error: { code: 'not_found', message: 'no check with this id' } });
    const fr = await localizeError(req('http://x.test/api/checks/x?lang=fr'), problem('not_found', 'no check with this id'));
    expect(fr.status).toBe(404);
    expect(fr.headers.get('content-language')).toBe('fr');
    expect(await fr.json()).toEqual({ error: { code: 'not_found', message: 'Aucune vérification avec cet identifiant.' } });
  });
  it('uses the domain validation reason when the API gives one, keeping details and Retry-After', async () => {
    const res = await localizeError(req('http://x.test/api/checks', 'fr-CA,fr'), problem('invalid_input', '“1.2.3.4” is an IP address…', { details: { reason: 'ip-literal' } }));
    expect(((await res.json()) as { error: { message: string; details: unknown } }).error).toMatchObject({ code: 'invalid_input', details: { reason: 'ip-literal' }, message: expect.stringMatching(/^C’est une adresse IP/) });
    const limited = await localizeError(req('http://x.test/api/checks?lang=fr'), problem('rate_limited', 'too many', { retryAfterSec: 7 }));
    expect(limited.headers.get('retry-after')).toBe('7');
  });
});

describe('CLI language', () => {
  it('takes --lang, then LC_ALL, LC_MESSAGES and LANG, else English', async () => {
    const { cliLocale } = await import('@/lib/env');
    expect(cliLocale('fr', { LANG: 'en_US.UTF-8' })).toBe('fr');
    expect(cliLocale(undefined, { LANG: 'fr_FR.UTF-8' })).toBe('fr');
    expect(cliLocale(undefined, { LC_ALL: 'en_GB.UTF-8', LANG: 'fr_FR.UTF-8' })).toBe('en');
    expect(cliLocale(undefined, { LANG: 'C.UTF-8' })).toBe('en');
  });
  it('prints the report in French: findings, recommendations, headings and verdict', async () => {
    const { formatReport } = await import('@/cli/format-report');
    const { SAMPLE_RESULT } = await import('@/tests/fixtures/sample-result');
    const fr = formatReport(SAMPLE_RESULT, { color: false, locale: 'fr' });
    expect(fr).toContain('Constats');
    expect(fr).toContain('Quel port utiliser');
    expect(fr).toContain('Verdict  PROBLÈMES DÉTECTÉS');
    const en = formatReport(SAMPLE_RESULT, { color: false });
    expect(en).toContain('Verdict  CRITICAL');
    expect(en).toContain('Which port to use');
  });
});

describe('badge text', () => {
  it('words every badge state in French with ?lang=fr, and leaves English badges untouched', async () => {
    const { localizeBadge, badgeLocale } = await import('@/lib/i18n/badge-text');
    const { checkBadge, domainBadge, invalidDomainBadge, VERDICT_BADGE } = await import('@/lib/badge/badge-state');
    const en = (await import('@/messages/en.json')).default;
    // The English message file says what the badge renders, so a reworded badge shows up here.
    expect(Object.fromEntries(Object.entries(VERDICT_BADGE).map(([k, v]) => [k, v.value]))).toEqual(en.badge.verdict);
    const answers = [
      checkBadge(null),
      checkBadge({ status: 'running', result: null, target: { displayDomain: 'example.test' } }),
      checkBadge({ status: 'interrupted', result: null, target: { displayDomain: 'example.test' } }),
      domainBadge('example.test', null, Date.now()),
      invalidDomainBadge(),
    ];
    const values = answers.map((a) => localizeBadge(a, 'fr').spec.value);
    expect(values).toEqual(['vérification inconnue', 'vérification…', 'interrompue', 'pas encore vérifié', 'domaine invalide']);
    expect(answers.map((a) => localizeBadge(a, 'fr').spec.label)).toEqual(Array(5).fill('serveurs mail'));
    expect(localizeBadge(checkBadge(null), 'en')).toEqual(checkBadge(null));
    expect(badgeLocale('http://x.test/badge/a.test.svg?lang=fr')).toBe('fr');
    expect(badgeLocale('http://x.test/badge/a.test.svg')).toBe('en');
  });
});

/**
 * The report rendered the way the server renders it (renderToString, no JavaScript), checked for
 * what a reader and a screen reader need: headings, table headers with scope, cell texts, words
 * next to every status icon.
 */
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { Report } from '@/components/report/report';
import type { CheckResult } from '@/lib/probe/schema';
import { withIntl } from '@/tests/fixtures/intl';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

vi.mock('next/navigation', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/navigation')>()),
  useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }),
  usePathname: () => '/',
}));

const render = (result: CheckResult, locale: 'en' | 'fr' = 'en') =>
  renderToString(withIntl(createElement(Report, { result, permalink: '/check/AAAAAAAAAAAAAAAAAAAAAA', checkId: 'AAAAAAAAAAAAAAAAAAAAAA' }), locale));

/** Text as read: inline tags vanish, block tags separate words, entities decoded, spaces collapsed. */
const text = (html: string) =>
  html
    .replace(/<!-- -->/g, '')
    .replace(/<\/?(span|strong|code|a|time|svg|path)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');

const count = (html: string, re: RegExp) => html.match(re)?.length ?? 0;

describe('Report (server-rendered)', () => {
  const html = render(SAMPLE_RESULT);
  const t = text(html);

  it('names the domain and the verdict in words', () => {
    expect(html).toMatch(/<h1[^>]*>example\.test<\/h1>/);
    expect(t).toContain('Problems found');
    expect(t).toContain('Checked 2 Mar 2026, 10:00 UTC · took 10 s');
    expect(t).toContain('9 of 16 probes answered');
  });

  it('has one h2 per section, the answer people came for first', () => {
    const h2 = [...html.matchAll(/<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(h2).toEqual(['Which port should I use?', 'Ports', 'Findings', 'Certificates', 'MX records and addresses']);
  });

  it('recommends a port for mail clients and for applications', () => {
    expect(t).toMatch(/Mail client .* Port 465 · Implicit TLS/);
    expect(t).toMatch(/Application .* Port 587 · STARTTLS/);
    expect(t).toContain('encrypted from the first byte, no downgrade possible (RFC 8314)');
  });

  it('lays the port table out with column and row headers', () => {
    expect(count(html, /<th scope="col" role="columnheader"/g)).toBe(5); // Server + 4 ports
    expect(count(html, /<th scope="row" role="rowheader"/g)).toBe(1 + 4); // legend row + 4 addresses
    expect(html).toMatch(/<caption class="sr-only">What each mail server address answered/);
    expect(t).toContain('RFC 8314 · Implicit TLS, from the first byte · login required');
    for (const a of ['192.0.2.10', '2001:db8::10', '198.51.100.20', '2001:db8:1::20']) expect(t).toContain(a);
  });

  it('says in each cell what happened and why', () => {
    expect(t).toContain('offered before TLS (PLAIN LOGIN)');
    expect(t).toContain('Implicit TLS · TLS 1.3');
    expect(count(t, /Refused ECONNREFUSED/g)).toBe(4);
    expect(count(t, /Timed out ETIMEDOUT/g)).toBe(2);
    expect(t).toContain('Stopped answering during greeting · ETIMEDOUT');
    expect(t).toContain('Certificate expired');
    expect(t).toContain('Greeting: 37 ms');
    expect(t).toContain('Downgrade: possible, STARTTLS can be stripped');
    expect(t).toContain('Downgrade: none, TLS from the first byte');
  });

  it('expands every cell without JavaScript to capabilities and the transcript', () => {
    // 16 cells + the folded "Passed" findings + the Export menu
    expect(count(html, /<details/g)).toBe(18);
    expect(t).toContain('EHLO capabilities, before and after TLS');
    expect(t).toContain('mxray sent: EHLO probe.mxray.test');
    expect(t).toContain('server sent: 220 2.0.0 Ready to start TLS');
    expect(t).toMatch(/STARTTLS ✓offered before TLS –not offered after TLS/);
    expect(t).toMatch(/AUTH PLAIN LOGIN ✓offered before TLS ✓offered after TLS/);
  });

  it('never shows a status by colour alone: every badge has an icon and a word', () => {
    const badges = [...html.matchAll(/<span class="inline-flex items-center rounded-full[^"]*ring-inset[^"]*">(.*?)<\/span>/g)];
    expect(badges.length).toBeGreaterThan(20);
    for (const [, inner] of badges) {
      expect(inner).toMatch(/^<svg[^>]*aria-hidden="true"/);
      expect(text(inner!).trim()).not.toBe('');
    }
  });

  it('groups findings by severity with explanation and fix, merged across addresses', () => {
    const h3 = [...html.matchAll(/<h3[^>]*>([^<]+)<\/h3>/g)].map((m) => m[1]);
    expect(h3).toEqual(expect.arrayContaining(['Critical (2)', 'Warnings (2)', 'Notes (2)']));
    expect(t).toContain('Fix: Offer AUTH only after STARTTLS (e.g. Postfix smtpd_tls_auth_only = yes).');
    expect(t).toContain('Passed (3)');
    expect(count(t, /Credentials could travel in clear/g)).toBe(1);
  });

  it('shows each certificate once, with trust, validity, chain and fingerprint', () => {
    expect(count(html, /<article aria-labelledby="cert-/g)).toBe(2);
    expect(t).toContain('Seen on mx1.example.test · ports 25, 465, 587 · 6 endpoints');
    expect(t).toContain('Not trusted: the certificate has expired (CERT_HAS_EXPIRED).');
    expect(t).toContain('Expired 11 days ago');
    expect(t).toContain('44 days left');
    expect(t).toContain('RSA 2048 bits');
    expect(t).toContain('C3:5E:19:A0:7B:44:D2:8F');
    expect(t).toMatch(/Leaf mx1\.example\.test Intermediate mxray Sample Issuing CA R1 .* Root, trusted mxray Sample Root CA/);
    expect(t).toContain('mx1.example.test: matches');
  });

  it('explains the DNS side: MX preferences, PTR and forward confirmation', () => {
    expect(t).toContain('2 MX records');
    expect(t).toContain('preference 10 mx1.example.test');
    expect(t).toContain('forward-confirmed');
    expect(t).toContain('static-20.isp.example does not resolve back');
    expect(t).toContain('none: no such name (NXDOMAIN)');
  });

  it('leads with DNS when nothing could be probed (NXDOMAIN)', () => {
    const nx: CheckResult = {
      ...SAMPLE_RESULT,
      dns: { mx: { status: 'nxdomain', errorCode: 'ENOTFOUND', ms: 3, records: [] }, mxKind: 'none', hosts: [], servers: [] },
      probes: [],
      findings: [{ code: 'dns.nxdomain', severity: 'critical', untested: false, scope: 'domain' }],
      summary: { ...SAMPLE_RESULT.summary, ports: [], counts: { hosts: 0, addresses: 0, probes: 0, answered: 0 } },
    };
    const out = render(nx);
    const h2 = [...out.matchAll(/<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(h2).toEqual(['MX records and addresses', 'Findings']);
    expect(text(out)).toContain('DNS answered NXDOMAIN for example.test');
    expect(text(out)).not.toContain('probes answered');
    expect(text(out)).toContain('No mail server was probed: the DNS reading below says why.');
  });

  it('says so when a check is incomplete and when nothing is wrong', () => {
    const clean: CheckResult = { ...SAMPLE_RESULT, incomplete: true, findings: SAMPLE_RESULT.findings.filter((f) => f.severity === 'ok') };
    const out = text(render(clean));
    expect(out).toContain('Incomplete: the check ran out of time');
    expect(out).toContain('No problems found.');
  });
});

describe('Stop codes in a cell', () => {
  // The greeting-timeout probe of the sample, turned into a 421 greeting and a plaintext 465.
  const target = SAMPLE_RESULT.probes.find((p) => p.outcome === 'io-timeout')!;
  const busy = { ...target, outcome: 'server-busy' as const, systemError: undefined, smtpCode: 421 };
  const plain465 = SAMPLE_RESULT.probes.find((p) => p.port === 465 && p.outcome === 'success')!;
  const plaintext = { ...plain465, outcome: 'plaintext-on-implicit-port' as const, phase: 'tls' as const, systemError: 'PLAINTEXT_ON_465', encryption: 'none' as const, tls: undefined };
  const probes = SAMPLE_RESULT.probes.map((p) => (p === target ? busy : p === plain465 ? plaintext : p));

  it('words an SMTP reply code for people, not as the CSV token, and drops tokens the headline says', () => {
    const en = text(render({ ...SAMPLE_RESULT, probes }));
    expect(en).toContain('during greeting · reply 421');
    expect(en).not.toContain('SMTP_421');
    expect(en).not.toContain('PLAINTEXT_ON_465');
    expect(en).toContain('during TLS handshake');
    // system errors keep their well-known names
    expect(en).toContain('Refused ECONNREFUSED');
    const fr = text(render({ ...SAMPLE_RESULT, probes }, 'fr'));
    expect(fr).toContain('réponse 421');
    expect(fr).not.toContain('SMTP_421');
  });
});

describe('Refused addresses', () => {
  it('words the stored placeholder of a non-public address in the page language', () => {
    // the web app stores a refused address as "non-public address N" (lib/checks/redact-refused.ts)
    const redacted = JSON.parse(JSON.stringify(SAMPLE_RESULT).split('2001:db8:1::20').join('non-public address 1')) as CheckResult;
    // (the engine looks no PTR up for a refused address: the sample's PTR warning for it goes)
    redacted.findings = redacted.findings.filter((f) => f.address !== 'non-public address 1' || f.code !== 'ptr.missing');
    // transcripts are quoted as captured: left out of the check
    const fr = render(redacted, 'fr').replace(/<ol class="mt-1 max-h-80[^"]*">[\s\S]*?<\/ol>/g, '');
    expect(fr).toContain('adresse non publique 1');
    expect(fr).not.toContain('non-public address');
    expect(text(render(redacted))).toContain('non-public address 1');
  });
});

describe('Certificates', () => {
  it('does not call a trusted chain for another name "Trusted"', () => {
    const probes = SAMPLE_RESULT.probes.map((p) =>
      p.tls && p.host === 'mx1.example.test' ? { ...p, tls: { ...p.tls, hostnameMatch: false } } : p,
    );
    const t = text(render({ ...SAMPLE_RESULT, probes }));
    expect(t).toContain('Wrong name');
    expect(t).toContain('The chain is trusted, but the certificate is not valid for mx1.example.test');
    expect(t).toContain('mx1.example.test: does not match');
    // French puts a (non-breaking) space before the colon
    // (the raw HTML: text() folds the no-break space into a plain one)
    expect(render({ ...SAMPLE_RESULT, probes }, 'fr')).toContain('mx1.example.test\u00a0: ne correspond pas');
  });
});

describe('Report in French', () => {
  const t = text(render(SAMPLE_RESULT, 'fr'));

  it('words headings, verdict, findings, certificates and DNS in French, by code', () => {
    for (const words of ['Problèmes détectés', 'Quel port utiliser', 'Constats', 'Certificats', 'Enregistrements MX et adresses', 'Correction', 'Attendu']) {
      expect(t).toContain(words);
    }
    expect(t).toMatch(/Vérifié le 2 mars 2026.*10:00 UTC/);
  });

  it('leaves none of the English report words behind', () => {
    for (const english of ['Problems found', 'Which port should I use', 'Findings', 'Certificates', 'Fix:', 'Expected', 'Downgrade', 'Trusted', 'Seen on', 'MX records and addresses']) {
      expect(t).not.toContain(english);
    }
  });
});

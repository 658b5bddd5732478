/**
 * Every surface that used to be English only, rendered in French: the report's Policy and Open
 * relay sections, the history list and the change list of the compare page, the compare API's
 * words, the Atom feed, the preview image's words, the embed widget (finished and live), the CLI
 * report and the badge's title. Each is checked for French words it must show and for English it
 * must not: any static fragment of an English message (or of the interpretation layer's English
 * labels) that the French message does not also contain is a leftover.
 */
import { createElement, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { formatReport } from '@/cli/format-report';
import { ChangeList } from '@/components/history/change-list';
import { HistoryList } from '@/components/history/history-list';
import { EmbedWidget } from '@/components/embed/embed-widget';
import { Report } from '@/components/report/report';
import { domainBadge, checkBadge } from '@/lib/badge/badge-state';
import { embedFromLive, embedFromResult } from '@/lib/embed/embed-view';
import { renderAtomFeed } from '@/lib/history/atom-feed';
import { compareResults, type Change } from '@/lib/history/compare-results';
import { compareResponse } from '@/lib/history/compare-response';
import { describeChange } from '@/lib/history/describe-change';
import { historyEntry } from '@/lib/history/domain-history';
import { localizeBadge } from '@/lib/i18n/badge-text';
import { previewModel } from '@/lib/og/preview-model';
import type { CheckResult, MtaSts, RelayTest, TlsRpt } from '@/lib/probe/schema';
import { initialLiveState, liveReducer } from '@/lib/report/live-state';
import type { CheckRecord } from '@/lib/store/check-store';
import { LABELS } from '@/lib/verdict/labels';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';
import { fakeEvents, fakeTarget } from '@/tests/fixtures/fake-engine';
import { withIntl } from '@/tests/fixtures/intl';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

vi.mock('next/navigation', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/navigation')>()),
  useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }),
  usePathname: () => '/',
}));

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

/** The text between ICU arguments (plural branches included), trimmed. */
function fragments(message: string): string[] {
  return message
    .split(/[{}#]/)
    .map((s) => s.replace(/^[\s,.;:·()→–-]+|[\s,.;:·()→–-]+$/g, ''))
    .filter((s) => s.length >= 6 && /[a-z]{3}/i.test(s) && !/^(one|other|plural)$/.test(s));
}

/**
 * English a French rendering must not contain: fragments of the English messages of the surfaces
 * this test covers, and the interpretation layer's English labels, wherever the French differs.
 */
const SURFACE_NAMESPACES = ['policy', 'relay', 'labels', 'widget', 'history', 'compare', 'feed', 'og', 'cli', 'badge', 'live', 'status', 'dns', 'embed', 'report'];
const EN = leaves(en as unknown as Tree);
const FR = leaves(fr as unknown as Tree);
const ENGLISH = new Set<string>();
for (const [key, english] of EN) {
  if (!SURFACE_NAMESPACES.includes(key.split('.')[0]!)) continue;
  const french = FR.get(key) ?? '';
  for (const f of fragments(english)) if (!french.includes(f)) ENGLISH.add(f);
}
for (const [key, english] of Object.entries(LABELS)) {
  const french = FR.get(`labels.${key.replace('short-stage', 'shortStage')}`) ?? FR.get(`status.${key}`) ?? '';
  for (const f of fragments(english)) if (!french.includes(f)) ENGLISH.add(f);
}

/** English fragments found in a French text (markup dropped, escaped HTML decoded first), with context. */
function leftovers(text: string): string[] {
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  return [...ENGLISH].flatMap((f) => {
    const i = plain.indexOf(f);
    return i < 0 ? [] : [`${f} (in “…${plain.slice(Math.max(0, i - 30), i + f.length + 30)}…”)`];
  });
}

const html = (el: ReactElement) => renderToString(withIntl(el, 'fr')).replace(/<!-- -->/g, '');

// --- fixtures: the sample result with an open relay, a greylisted one, MTA-STS and TLS-RPT --------

const sender = 'relay-test@example.com';
const OPEN_BYPASS: RelayTest = {
  status: 'open',
  reason: 'accepted',
  acceptedForm: 'percent-hack',
  tls: true,
  sender,
  attempts: [
    { form: 'plain', recipient: sender, mailFrom: { code: 250, lines: ['Ok'] }, rcpt: { code: 554, lines: ['5.7.1 Relay access denied'] }, verdict: 'rejected' },
    { form: 'percent-hack', recipient: 'relay-test%example.com@example.org', mailFrom: { code: 250, lines: ['Ok'] }, rcpt: { code: 250, lines: ['2.1.5 Ok'] }, verdict: 'accepted' },
  ],
};
const GREYLISTED: RelayTest = {
  status: 'untested',
  reason: 'temporary',
  tls: false,
  sender,
  attempts: [{ form: 'plain', recipient: sender, mailFrom: { code: 250, lines: ['Ok'] }, rcpt: { code: 451, lines: ['4.7.1 Greylisted'] }, verdict: 'temporary' }],
};
const lookup = { status: 'ok' as const, ms: 1 };
const ENFORCED: MtaSts = {
  lookup,
  records: ['v=STSv1; id=abc'],
  id: 'abc',
  fetch: {
    url: 'https://mta-sts.example.test/.well-known/mta-sts.txt',
    address: '192.0.2.1',
    outcome: 'fetched',
    status: 200,
    contentType: 'text/plain',
    bytes: 80,
    tls: { trusted: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', hostnameMatch: false, names: [] },
    ms: 20,
  },
  policy: { text: 'version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n', version: 'STSv1', mode: 'enforce', mx: ['mx.example.test'], maxAge: 86400, errors: [] },
};
const RPT: TlsRpt = { lookup, records: ['v=TLSRPTv1; rua=mailto:r@example.test'], rua: ['mailto:r@example.test'] };

function withPolicyAndRelay(): CheckResult {
  const r = structuredClone(SAMPLE_RESULT);
  const p25 = r.probes.filter((p) => p.port === 25);
  p25[0]!.relay = OPEN_BYPASS;
  p25[1]!.relay = GREYLISTED;
  r.policy = { mtaSts: ENFORCED, tlsRpt: RPT };
  return r;
}

/** A later result that differs in every way the compare page words. */
function laterResult(): CheckResult {
  const r = structuredClone(SAMPLE_RESULT);
  r.summary.verdict = 'ok';
  const tls = r.probes.find((p) => p.port === 465 && p.tls)!;
  tls.tls!.version = 'TLSv1.2';
  tls.tls!.chain[0] = { ...tls.tls!.chain[0]!, sha256: 'ff'.repeat(32), notAfter: '2027-01-01T00:00:00.000Z', issuer: 'CN=Other CA' };
  const closed = r.probes.find((p) => p.port === 587)!;
  Object.assign(closed, { outcome: 'connection-refused', phase: 'connect', errorCode: 'ECONNREFUSED', encryption: 'unknown' });
  r.dns.hosts[0]!.preference = 5;
  r.dns.hosts.push({ ...structuredClone(r.dns.hosts[1]!), name: 'mx3.example.test', preference: 30 });
  r.dns.hosts[1]!.addresses.pop();
  r.findings = r.findings.slice(1);
  return r;
}

const CHANGES: Change[] = [
  ...compareResults(SAMPLE_RESULT, laterResult()),
  { kind: 'mx-kind', from: 'explicit', to: 'implicit' },
  { kind: 'mx-removed', host: 'mx9.example.test' },
  { kind: 'finding-appeared', finding: SAMPLE_RESULT.findings.find((f) => f.severity === 'critical')! },
  { kind: 'finding-resolved', finding: SAMPLE_RESULT.findings.find((f) => f.severity === 'critical')! },
  { kind: 'finding-appeared', finding: { ...SAMPLE_RESULT.findings[0]!, severity: 'info' } },
];

describe('French surfaces', () => {
  it('the English fragments list is not empty (the check below could not fail otherwise)', () => {
    for (const f of ['Open relay', 'policy not fetched', 'Could not test', 'History of', 'What changed for', 'trusted', 'expires', 'preference']) {
      expect([...ENGLISH].some((e) => e.includes(f)), f).toBe(true);
    }
  });

  it('report: Policy and Open relay sections', () => {
    const out = html(createElement(Report, { result: withPolicyAndRelay(), permalink: '/fr/check/x', checkId: 'AAAAAAAAAAAAAAAAAAAAAA' }));
    for (const word of ['Politique', 'Relais ouvert', 'Relais ouvert via l’astuce du pourcentage (percent hack)', 'Test impossible', 'refus temporaire (greylisting', 'dans TLS', 'URL de la politique', 'pas de confiance (DEPTH_ZERO_SELF_SIGNED_CERT)', 'non valide pour le nom', 'politique servie avec un certificat invalide', 'rapports envoyés à mailto:r@example.test', 'Texte de la politique']) {
      expect(out, word).toContain(word);
    }
    // Transcripts are the session's record, quoted as captured (server lines and the engine's notes).
    expect(leftovers(out.replace(/<ol class="mt-1 max-h-80[^"]*">[\s\S]*?<\/ol>/g, ''))).toEqual([]);
  });

  it('report: every expander shows its marker (summary has its list marker removed in globals.css)', () => {
    const out = html(createElement(Report, { result: withPolicyAndRelay(), permalink: '/fr/check/x', checkId: 'AAAAAAAAAAAAAAAAAAAAAA' }));
    const summaries = [...out.matchAll(/<summary\b[\s\S]*?<\/summary>/g)].map((m) => m[0]);
    expect(summaries.some((s) => s.includes('Texte de la politique'))).toBe(true);
    // a rotating chevron, or an icon of its own (the Export menu's button)
    expect(summaries.filter((s) => !s.includes('details-chevron') && !s.includes('<svg'))).toEqual([]);
  });

  it('history list and compare page change list', () => {
    const record = (id: string, result: CheckResult, createdAt: number): CheckRecord => ({
      id, domain: 'example.test', mode: 'domain', target: result.target, status: 'done', createdAt, finishedAt: createdAt + 10_000, result, error: null,
    });
    const checks = [historyEntry(record('BBBBBBBBBBBBBBBBBBBBBB', laterResult(), 2_000_000)), historyEntry(record('AAAAAAAAAAAAAAAAAAAAAA', SAMPLE_RESULT, 1_000_000))];
    const list = html(createElement(HistoryList, { domain: 'example.test', checks }));
    expect(list).toContain('Changements depuis la précédente');
    expect(list).toMatch(/expire le \d+ \S+ \d{4}/);
    // the count and its unit stay on one line in the narrow certificate column
    expect(list).toMatch(/\(\d+\u00a0jours?\)/);
    expect(leftovers(list)).toEqual([]);

    const changes = html(createElement(ChangeList, { changes: CHANGES }));
    for (const word of ['Moins bien', 'Mieux', 'Problèmes détectés → Tout va bien', 'version TLS TLS 1.3 → TLS 1.2', 'certificat remplacé', 'émetteur', 'préférence MX', 'ajouté (préférence 30)', 'Nouveau problème (critique)', 'Problème résolu (critique)', 'Désormais']) {
      expect(changes, word).toContain(word);
    }
    expect(leftovers(changes)).toEqual([]);
    expect(html(createElement(ChangeList, { changes: [] }))).toContain('Rien n’a changé');
  });

  it('compare API words and the Atom feed in French; the facts stay language-free', () => {
    const from = { id: 'AAAAAAAAAAAAAAAAAAAAAA', domain: 'example.test', mode: 'domain' as const, target: SAMPLE_RESULT.target, status: 'done' as const, createdAt: 1, finishedAt: 2, result: SAMPLE_RESULT, error: null };
    const to = { ...from, id: 'BBBBBBBBBBBBBBBBBBBBBB', createdAt: 3, finishedAt: 4, result: laterResult() };
    const body = compareResponse({ ok: true, domain: 'example.test', from, to, changes: CHANGES }, 'fr');
    expect(body.changes).toEqual(CHANGES);
    expect(body.text.map((x) => x.text)).toEqual(CHANGES.map((c) => describeChange(c, 'fr').text));
    expect(leftovers(JSON.stringify(body.text))).toEqual([]);
    expect(compareResponse({ ok: true, domain: 'example.test', from, to, changes: CHANGES }).text[0]!.text).toMatch(/^Problems found → All good$/);

    const xml = renderAtomFeed({ origin: 'https://mxray.example', domain: 'example.test', displayDomain: 'example.test', checks: [to, from], now: 5, locale: 'fr' });
    expect(xml).toContain('xml:lang="fr"');
    expect(xml).toContain('Changements des serveurs mail');
    expect(xml).toContain('https://mxray.example/fr/domain/example.test/compare?');
    expect(xml).toContain('Verdict : Tout va bien.'.replace(' :', '\u00a0:'));
    expect(leftovers(xml)).toEqual([]);
    // Entry ids do not depend on the language: a reader switching language sees no new entries.
    const ids = (s: string) => [...s.matchAll(/<id>([^<]+)<\/id>/g)].map((m) => m[1]);
    expect(ids(xml)).toEqual(ids(renderAtomFeed({ origin: 'https://mxray.example', domain: 'example.test', displayDomain: 'example.test', checks: [to, from], now: 5 })));
  });

  it('preview image words', () => {
    const m = previewModel(SAMPLE_RESULT, 'fr');
    expect(m.verdict?.label).toBe('Problèmes détectés');
    expect(m.rows[0]!.ports.map((p) => p.label)).toEqual(['OK', 'OK', 'Critique', 'Fermé']);
    expect(m.checkedAt).toBe('2 mars 2026');
  });

  it('embed widget, finished and live', () => {
    const done = html(createElement(EmbedWidget, { model: embedFromResult('AAAAAAAAAAAAAAAAAAAAAA', withPolicyAndRelay()), theme: 'light' }));
    for (const word of ['Port 465\u00a0: TLS implicite, TLS 1.3 (OK)', 'Fermé', 'Relais ouvert sur 1 des 2 adresses MX', 'MTA-STS\u00a0: politique servie', 'TLS-RPT\u00a0: rapports envoyés']) {
      expect(done, word).toContain(word);
    }
    expect(leftovers(done)).toEqual([]);

    const target = fakeTarget('example.test');
    const events = fakeEvents(target, [25, 465]);
    const state = events.slice(0, 4).reduce((s, event, i) => liveReducer(s, { type: 'event', seq: i + 1, event, at: 0 }), initialLiveState);
    const live = html(createElement(EmbedWidget, { model: embedFromLive('AAAAAAAAAAAAAAAAAAAAAA', { displayDomain: 'example.test', mode: 'domain' }, state), theme: 'dark' }));
    expect(live).toContain('Port 25\u00a0: En attente de l’accueil…');
    expect(live).toContain('Accueil…');
    expect(leftovers(live)).toEqual([]);
  });

  it('CLI report: every line in French', () => {
    const out = formatReport(withPolicyAndRelay(), { color: false, locale: 'fr' });
    for (const word of ['MX du domaine', 'préférence 10', 'adresse', 'Relais Relais ouvert via', 'Politique', 'émetteur', 'expire le', 'Certificats', 'Constats', 'AVERTISSEMENT', 'CRITIQUE', 'Verdict', 'PROBLÈMES DÉTECTÉS']) {
      expect(out, word).toContain(word);
    }
    expect(out).toMatch(/✔ STARTTLS 1\.3/);
    expect(leftovers(out)).toEqual([]);
    // English stays as scripts know it.
    const english = formatReport(withPolicyAndRelay(), { color: false });
    expect(english).toContain('Relay Open relay via percent hack');
    expect(english).toContain('preference 10');
  });

  it('badge title keeps its detail in French', () => {
    const domain = localizeBadge(domainBadge('example.test', { finishedAt: 1_000, result: SAMPLE_RESULT }, 2_000), 'fr');
    expect(domain.spec.title).toBe('serveurs mail de example.test\u00a0: problèmes détectés (vérifié le 2 mars 2026)');
    const old = localizeBadge(domainBadge('example.test', { finishedAt: 0, result: SAMPLE_RESULT }, 40 * 86_400_000), 'fr');
    expect(old.spec.title).toBe('serveurs mail de example.test\u00a0: la dernière vérification (2 mars 2026) date de plus de 30 jours');
    const running = localizeBadge(checkBadge({ status: 'running', result: null, target: { displayDomain: 'example.test' } }), 'fr');
    expect(running.spec.title).toBe('serveurs mail de example.test\u00a0: vérification en cours');
    for (const b of [domain, old, running]) expect(leftovers(b.spec.title ?? '')).toEqual([]);
    // English badges are untouched.
    expect(domainBadge('example.test', { finishedAt: 1_000, result: SAMPLE_RESULT }, 2_000).spec.title).toBe('mail servers of example.test: problems found (checked 2 Mar 2026)');
  });
});

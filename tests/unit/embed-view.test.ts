import { describe, expect, it } from 'vitest';
import { embedFromLive, embedFromResult } from '@/lib/embed/embed-view';
import fs from 'node:fs';
import { EMBED_HEIGHT_MESSAGE, embedSnippets, escapeAttr } from '@/lib/embed/snippets';
import { CHECK_ID_RE } from '@/lib/store/check-id';
import { parseTheme } from '@/lib/embed/theme';
import { FALLBACK_ORIGIN, publicOrigin } from '@/lib/http/public-origin';
import type { CheckResult } from '@/lib/probe/schema';
import { initialLiveState, liveReducer, type LiveState } from '@/lib/report/live-state';
import { fakeEvents, fakeTarget } from '@/tests/fixtures/fake-engine';
import { say, type Words } from '@/lib/i18n/msg';
import { translatorFor } from '@/lib/i18n/translator';

/** The widget's words as an English (or French) reader sees them. */
const en = (w: Words | undefined) => (w === undefined ? undefined : say(translatorFor('en'), w));
const frWords = (w: Words | undefined) => (w === undefined ? undefined : say(translatorFor('fr'), w));
import { MX1_LEAF, SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const ID = 'Vx3kQ9mT2bYpLw7nR4sD1a';

describe('embed view of a finished check', () => {
  const model = embedFromResult(ID, SAMPLE_RESULT);

  it('has the domain, the verdict and one line per MX host in preference order', () => {
    expect(model).toMatchObject({ checkId: ID, domain: 'example.test', phase: 'done', verdict: 'critical', checkedAt: SAMPLE_RESULT.startedAt });
    expect(model.hosts.map((h) => [h.host, h.addresses])).toEqual([
      ['mx1.example.test', 2],
      ['mx2.example.test', 2],
    ]);
    for (const h of model.hosts) expect(h.cells.map((c) => c.port)).toEqual([25, 465, 587, 2525]);
  });

  it('says per port what protected the session, in words that fit a narrow cell', () => {
    const [mx1, mx2] = model.hosts;
    expect(mx1!.cells.map((c) => en(c.text))).toEqual(['STARTTLS', 'TLS', 'STARTTLS', 'Closed']);
    expect(mx1!.cells.map((c) => c.tone)).toEqual(['good', 'good', 'bad', 'muted']);
    expect(en(mx1!.cells[1]!.detail)).toBe('Port 465: Implicit TLS, TLS 1.3 (OK)');
    // Both languages' words fit the 60 px cell.
    for (const c of model.hosts.flatMap((h) => h.cells)) {
      expect(en(c.text)!.length).toBeLessThanOrEqual(11);
      expect(frWords(c.text)!.length).toBeLessThanOrEqual(11);
    }
    // mx2: one address times out on 25 while the other's certificate has expired: the worst shows.
    expect(mx2!.cells[0]).toMatchObject({ tone: 'bad', icon: 'cross' });
    expect(en(mx2!.cells[0]!.text)).toBe('STARTTLS');
    expect(en(mx2!.cells[0]!.detail)).toContain('addresses differ');
    expect(mx2!.cells[1]).toMatchObject({ tone: 'muted', icon: 'question' });
    expect(en(mx2!.cells[1]!.text)).toBe('Timeout');
  });

  it('names the certificate that expires first (expired ones included), and how many there are', () => {
    expect(model.cert).toEqual({ daysLeft: -12, notAfter: expect.any(String), count: 2 });
    const onlyMx1 = embedFromResult(ID, { ...SAMPLE_RESULT, probes: SAMPLE_RESULT.probes.filter((p) => p.host === 'mx1.example.test') });
    expect(onlyMx1.cert).toEqual({ daysLeft: 44, notAfter: MX1_LEAF.notAfter, count: 1 });
  });

  it('explains a domain with nothing to probe instead of listing no host', () => {
    const nullMx: CheckResult = {
      ...SAMPLE_RESULT,
      dns: { ...SAMPLE_RESULT.dns, mxKind: 'null', hosts: [], mx: { status: 'ok', ms: 1, records: [{ exchange: '', preference: 0 }] } },
      probes: [],
    };
    const m = embedFromResult(ID, nullMx);
    expect(m.hosts).toEqual([]);
    expect(en(m.note)).toBe('Null MX: this domain receives no mail');
    expect(frWords(m.note)).toBe('MX nul\u00a0: ce domaine ne reçoit pas de courrier');
    expect(m.cert).toBeNull();
  });
});

describe('embed view of a running check', () => {
  const target = fakeTarget('live.test');
  const events = fakeEvents(target, [25, 465]);
  const apply = (n: number): LiveState =>
    events.slice(0, n).reduce((s, event, i) => liveReducer(s, { type: 'event', seq: i + 1, event, at: 0 }), initialLiveState);

  it('shows planned probes as pending, then their outcome without a verdict until the result', () => {
    const planned = embedFromLive(ID, target, apply(3));
    expect(planned.phase).toBe('running');
    expect(planned.verdict).toBeUndefined();
    expect(en(planned.progress?.text)).toBe('0 of 2 probes done.');
    expect(planned.hosts[0]!.cells.slice(0, 2).map((c) => [en(c.text), c.pending])).toEqual([
      ['Connecting…', true],
      ['Connecting…', true],
    ]);
    expect(planned.hosts[0]!.cells[2]).toMatchObject({ text: '–', pending: false });

    const greeting = embedFromLive(ID, target, apply(4)).hosts[0]!.cells[0]!;
    expect([en(greeting.text), en(greeting.detail)]).toEqual(['Greeting…', 'Port 25: Waiting for greeting…']);

    // connected + done for port 25: a word, but a neutral tone (findings are not known yet)
    const one = embedFromLive(ID, target, apply(5));
    expect(one.hosts[0]!.cells[0]).toMatchObject({ pending: false, tone: 'muted', icon: null });
    expect(en(one.hosts[0]!.cells[0]!.text)).toBe('STARTTLS');
    expect(one.hosts[0]!.cells[1]!.pending).toBe(true);
    expect(en(one.progress?.text)).toBe('1 of 2 probes done.');
  });

  it('becomes the finished view once check-done arrives', () => {
    const done = embedFromLive(ID, target, apply(events.length));
    expect(done).toMatchObject({ phase: 'done', verdict: 'ok' });
    expect(done.hosts[0]!.cells[0]).toMatchObject({ tone: 'good', icon: 'check' });
  });

  it('says so when the server interrupted the check', () => {
    const s = liveReducer(apply(4), { type: 'interrupted', at: 0 });
    expect(embedFromLive(ID, target, s).phase).toBe('interrupted');
  });
});

describe('embed snippets', () => {
  const base = { origin: 'https://mxray.example', checkId: ID, domain: 'xn--bcher-kva.example', displayDomain: 'bücher.example', mode: 'domain' as const };

  it('give the script, the iframe and badge Markdown on the site origin', () => {
    const s = embedSnippets({ ...base, theme: 'auto' });
    expect(s.script).toBe(`<script src="https://mxray.example/embed.js" data-check="${ID}" async></script>`);
    expect(s.scriptForDomain).toBe('<script src="https://mxray.example/embed.js" data-domain="xn--bcher-kva.example" async></script>');
    expect(s.iframe).toContain(`src="https://mxray.example/embed/${ID}"`);
    expect(s.iframe).toContain('title="Mail servers of bücher.example (mxray)"');
    expect(s.badgeMarkdown).toBe(`[![Mail servers of bücher.example](https://mxray.example/badge/check/${ID}.svg)](https://mxray.example/check/${ID})`);
    expect(s.domainBadgeMarkdown).toBe(`[![Mail servers of bücher.example](https://mxray.example/badge/xn--bcher-kva.example.svg)](https://mxray.example/check/${ID})`);
  });

  it('carry the theme, and leave out the domain forms in host mode', () => {
    const s = embedSnippets({ ...base, mode: 'host', theme: 'dark' });
    expect(s.widgetUrl).toBe(`https://mxray.example/embed/${ID}?theme=dark`);
    expect(s.script).toContain('data-theme="dark"');
    expect(s.scriptForDomain).toBeUndefined();
    expect(s.domainBadgeMarkdown).toBeUndefined();
  });

  it('escape what lands in attributes and alt text', () => {
    expect(escapeAttr(`"><script>`)).toBe('&#34;&#62;&#60;script&#62;');
    const s = embedSnippets({ ...base, displayDomain: 'a"b]c', theme: 'auto' });
    expect(s.iframe).toContain('title="Mail servers of a&#34;b]c (mxray)"');
    expect(s.badgeMarkdown).toContain('[![Mail servers of a"b\\]c]');
  });

  it('size the iframe to the measured widget, or a default that fits two hosts', () => {
    expect(embedSnippets({ ...base, theme: 'auto', height: 301.4 }).iframe).toContain('height="301"');
    expect(embedSnippets({ ...base, theme: 'auto' }).iframe).toContain('height="340"');
  });

  it('speak the same protocol as public/embed.js (message type, check id shape)', () => {
    const script = fs.readFileSync(new URL('../../public/embed.js', import.meta.url), 'utf8');
    expect(script).toContain(`var MESSAGE = '${EMBED_HEIGHT_MESSAGE}';`);
    expect(script).toContain(`var ID_RE = /${CHECK_ID_RE.source}/;`);
  });

  it('read the theme from the query, anything unknown being auto', () => {
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('light')).toBe('light');
    for (const v of [undefined, null, '', 'DARK', 'blue', ['dark', 'light']]) expect(parseTheme(v)).toBe('auto');
  });
});

describe('public origin for the docs', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('uses the Host header, and the forwarded protocol and host only behind a trusted proxy', () => {
    expect(publicOrigin(h({ host: 'mxray.example:8080' }), { trustProxy: false })).toBe('http://mxray.example:8080');
    expect(publicOrigin(h({ host: 'a.example', 'x-forwarded-proto': 'https' }), { trustProxy: false })).toBe('http://a.example');
    expect(publicOrigin(h({ host: 'a.example', 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'b.example' }), { trustProxy: true })).toBe('https://b.example');
    expect(publicOrigin(h({ host: '[::1]:3000' }), { trustProxy: false })).toBe('http://[::1]:3000');
  });
  it('falls back when the host is not shaped like one', () => {
    expect(publicOrigin(h({ host: 'evil.example/<script>' }), { trustProxy: false })).toBe(FALLBACK_ORIGIN);
    expect(publicOrigin(h({}), { trustProxy: false })).toBe(FALLBACK_ORIGIN);
  });
});

/**
 * One change in words, for the compare page, the compare API's `text`, the Atom feed and webhook
 * payloads. lib/history/compare-results.ts returns facts (codes and values); this file words them
 * in a language through the message files (compare.*, status.*), so a change reads the same
 * everywhere it is shown. English by default.
 */
import { localizedFindingText } from '@/lib/i18n/finding-text';
import { isLocale, type Locale } from '@/lib/i18n/locales';
import { msg, say, type Msg, type Translate } from '@/lib/i18n/msg';
import { translatorFor } from '@/lib/i18n/translator';
import type { Tone } from '@/lib/report/status';
import { formatEndpoint } from '@/lib/report/format';
import { formatTlsVersion } from '@/lib/verdict/probe-view';
import type { PortStatus } from '@/lib/probe/schema';
import type { Change } from './compare-results';

export interface ChangeText {
  /** what the change is about: "mx1.example.test 192.0.2.10:25", "MX set", "Verdict" */
  subject: string;
  /** the change itself: "OK → Closed" */
  text: string;
  /** good news, bad news, or neither (colour reinforces the words; it never replaces them) */
  tone: Tone;
}

/** The same, as messages: for presentations that word them themselves (React's useTranslations). */
export interface ChangeWords {
  subject: Msg | string;
  text: Msg;
  tone: Tone;
}

const STATUS_RANK: Record<PortStatus, number> = { ok: 0, info: 1, untested: 2, blocked: 2, closed: 3, warning: 4, critical: 5 };

const statusWord = (s: PortStatus | null): Msg => (s === null ? msg('compare.notProbed') : msg(`status.port.${s}`));
const day = (iso: string) => iso.slice(0, 10);
const arrow = (from: Msg | string, to: Msg | string) => msg('compare.arrow', { from, to });

export function changeWords(c: Change, locale: Locale = 'en'): ChangeWords {
  switch (c.kind) {
    case 'verdict':
      return {
        subject: msg('compare.subject.verdict'),
        text: arrow(msg(`status.verdict.${c.from}`), msg(`status.verdict.${c.to}`)),
        tone: c.direction === 'worse' ? 'bad' : c.direction === 'better' ? 'good' : 'muted',
      };
    case 'mx-kind':
      return { subject: msg('compare.subject.mailServers'), text: arrow(msg(`compare.mxKind.${c.from}`), msg(`compare.mxKind.${c.to}`)), tone: 'warn' };
    case 'mx-added':
      return {
        subject: msg('compare.subject.mxSet'),
        text: c.preference === undefined ? msg('compare.mxAdded', { host: c.host }) : msg('compare.mxAddedPreference', { host: c.host, preference: c.preference }),
        tone: 'note',
      };
    case 'mx-removed':
      return { subject: msg('compare.subject.mxSet'), text: msg('compare.mxRemoved', { host: c.host }), tone: 'note' };
    case 'mx-preference':
      return { subject: c.host, text: msg('compare.mxPreference', { from: c.from ?? '–', to: c.to ?? '–' }), tone: 'note' };
    case 'address-added':
      return { subject: c.host, text: msg('compare.addressAdded', { address: c.address }), tone: 'note' };
    case 'address-removed':
      return { subject: c.host, text: msg('compare.addressRemoved', { address: c.address }), tone: 'note' };
    case 'port-status': {
      const worse = c.from !== null && c.to !== null && STATUS_RANK[c.to] > STATUS_RANK[c.from];
      const better = c.from !== null && c.to !== null && STATUS_RANK[c.to] < STATUS_RANK[c.from];
      return {
        subject: `${c.host} ${formatEndpoint(c.address, c.port)}`,
        text: arrow(statusWord(c.from), statusWord(c.to)),
        tone: worse ? 'bad' : better ? 'good' : 'muted',
      };
    }
    case 'tls-version': {
      const v = (x: string | null) => formatTlsVersion(x ?? undefined) ?? msg('compare.none');
      return { subject: `${c.host} ${formatEndpoint(c.address, c.port)}`, text: msg('compare.tlsVersion', { from: v(c.from), to: v(c.to) }), tone: 'note' };
    }
    case 'certificate': {
      const parts: Msg[] = [];
      if (c.fields.includes('fingerprint')) parts.push(msg('compare.certReplaced'));
      if (c.fields.includes('expiry')) parts.push(msg('compare.certExpiry', { from: c.from ? day(c.from.notAfter) : '–', to: c.to ? day(c.to.notAfter) : '–' }));
      if (c.fields.includes('issuer')) parts.push(msg('compare.certIssuer', { from: c.from?.issuer ?? '–', to: c.to?.issuer ?? '–' }));
      // Facts joined by "; " (compare.and, with each language's spacing).
      const text = parts.slice(1).reduce<Msg>((acc, p) => msg('compare.and', { a: acc, b: p }), parts[0]!);
      return { subject: `${c.host} ${formatEndpoint(c.address, c.port)}`, text, tone: 'note' };
    }
    case 'finding-appeared':
    case 'finding-resolved': {
      const f = c.finding;
      const port = f.port ? msg('compare.port', { port: f.port }) : undefined;
      const place = f.address && f.port ? formatEndpoint(f.address, f.port) : (f.address ?? port);
      const where: (Msg | string)[] = [f.host, place].filter((x): x is Msg | string => x !== undefined && x !== '');
      // The finding's own title in the language asked for (the catalogue, or its translation).
      const title = localizedFindingText(isLocale(locale) ? locale : 'en', f.code, f.params).title;
      const appeared = c.kind === 'finding-appeared';
      const serious = f.severity === 'warning' || f.severity === 'critical';
      const subject: Msg | string =
        where.length === 0 ? msg('compare.subject.domain') : where.length === 1 ? where[0]! : msg('compare.where', { host: where[0]!, place: where[1]! });
      return {
        subject,
        // Severity words only where they matter: "Resolved ok: …" would read as nonsense.
        text: serious
          ? msg(appeared ? 'compare.findingNew' : 'compare.findingResolved', { severity: msg(`compare.severity.${f.severity}`), title })
          : msg(appeared ? 'compare.findingNow' : 'compare.findingGone', { title }),
        tone: !serious || f.untested ? 'muted' : appeared ? 'bad' : 'good',
      };
    }
  }
}

/** A change in words of one language (English unless asked), through the message files. */
export function describeChange(c: Change, locale: Locale = 'en', t: Translate = translatorFor(locale)): ChangeText {
  const w = changeWords(c, locale);
  return { subject: say(t, w.subject), text: say(t, w.text), tone: w.tone };
}

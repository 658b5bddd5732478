/**
 * One change in words, for the compare page, the Atom feed and webhook payloads. Words for
 * statuses and verdicts come from the report's status tables (the interpretation layer's labels);
 * this file only arranges them, so a change reads the same everywhere it is shown.
 */
import { findingText } from '@/lib/probe/findings/catalogue';
import { SEVERITY_META, PORT_STATUS_META, VERDICT_META, type Tone } from '@/lib/report/status';
import { formatEndpoint } from '@/lib/report/format';
import { formatTlsVersion } from '@/lib/verdict/probe-view';
import type { MxKind, PortStatus } from '@/lib/probe/schema';
import type { Change } from './compare-results';

export interface ChangeText {
  /** what the change is about: "mx1.example.test 192.0.2.10:25", "MX set", "Verdict" */
  subject: string;
  /** the change itself: "OK → Closed" */
  text: string;
  /** good news, bad news, or neither (colour reinforces the words; it never replaces them) */
  tone: Tone;
}

const MX_KIND: Record<MxKind, string> = {
  explicit: 'MX records',
  implicit: 'no MX, the domain’s own address',
  null: 'null MX (accepts no mail)',
  host: 'one server',
  none: 'no usable mail server',
};

const STATUS_RANK: Record<PortStatus, number> = { ok: 0, info: 1, untested: 2, blocked: 2, closed: 3, warning: 4, critical: 5 };

function statusWord(s: PortStatus | null): string {
  return s === null ? 'not probed' : PORT_STATUS_META[s].label;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

export function describeChange(c: Change): ChangeText {
  switch (c.kind) {
    case 'verdict':
      return {
        subject: 'Verdict',
        text: `${VERDICT_META[c.from].label} → ${VERDICT_META[c.to].label}`,
        tone: c.direction === 'worse' ? 'bad' : c.direction === 'better' ? 'good' : 'muted',
      };
    case 'mx-kind':
      return { subject: 'Mail servers', text: `${MX_KIND[c.from]} → ${MX_KIND[c.to]}`, tone: 'warn' };
    case 'mx-added':
      return { subject: 'MX set', text: `${c.host} added${c.preference === undefined ? '' : ` (preference ${c.preference})`}`, tone: 'note' };
    case 'mx-removed':
      return { subject: 'MX set', text: `${c.host} removed`, tone: 'note' };
    case 'mx-preference':
      return { subject: c.host, text: `MX preference ${c.from ?? '–'} → ${c.to ?? '–'}`, tone: 'note' };
    case 'address-added':
      return { subject: c.host, text: `address ${c.address} added`, tone: 'note' };
    case 'address-removed':
      return { subject: c.host, text: `address ${c.address} removed`, tone: 'note' };
    case 'port-status': {
      const worse = c.from !== null && c.to !== null && STATUS_RANK[c.to] > STATUS_RANK[c.from];
      const better = c.from !== null && c.to !== null && STATUS_RANK[c.to] < STATUS_RANK[c.from];
      return {
        subject: `${c.host} ${formatEndpoint(c.address, c.port)}`,
        text: `${statusWord(c.from)} → ${statusWord(c.to)}`,
        tone: worse ? 'bad' : better ? 'good' : 'muted',
      };
    }
    case 'tls-version':
      return {
        subject: `${c.host} ${formatEndpoint(c.address, c.port)}`,
        text: `TLS version ${formatTlsVersion(c.from ?? undefined) ?? 'none'} → ${formatTlsVersion(c.to ?? undefined) ?? 'none'}`,
        tone: 'note',
      };
    case 'certificate': {
      const parts: string[] = [];
      if (c.fields.includes('fingerprint')) parts.push('certificate replaced');
      if (c.fields.includes('expiry')) parts.push(`expiry ${c.from ? day(c.from.notAfter) : '–'} → ${c.to ? day(c.to.notAfter) : '–'}`);
      if (c.fields.includes('issuer')) parts.push(`issuer ${c.from?.issuer ?? '–'} → ${c.to?.issuer ?? '–'}`);
      return { subject: `${c.host} ${formatEndpoint(c.address, c.port)}`, text: parts.join('; '), tone: 'note' };
    }
    case 'finding-appeared':
    case 'finding-resolved': {
      const f = c.finding;
      const where = [f.host, f.address && f.port ? formatEndpoint(f.address, f.port) : f.address ?? (f.port ? `port ${f.port}` : undefined)]
        .filter(Boolean)
        .join(' ');
      const title = findingText(f.code, f.params).title;
      const appeared = c.kind === 'finding-appeared';
      const serious = f.severity === 'warning' || f.severity === 'critical';
      return {
        subject: where || 'Domain',
        // Severity words only where they matter: "Resolved ok: …" would read as nonsense.
        text: serious
          ? `${appeared ? 'New' : 'Resolved'} ${SEVERITY_META[f.severity].label.toLowerCase()}: ${title}`
          : `${appeared ? 'Now' : 'No longer'}: ${title}`,
        tone: !serious || f.untested ? 'muted' : appeared ? 'bad' : 'good',
      };
    }
  }
}

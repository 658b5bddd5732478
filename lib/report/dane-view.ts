/**
 * How DNSSEC and DANE read in the report, the widget and the CLI: one policy line each (beside
 * MTA-STS and TLS-RPT in policyLines), a message under `policyDane` in messages/<locale>.json and a
 * tone, computed from the measured facts alone.
 */
import type { DaneResult, DnssecResult, PolicyResult } from '@/lib/probe/schema';
import { daneApplies, tlsaText } from '@/lib/probe/dane/tlsa-record';
import { msg } from '@/lib/i18n/msg';
import type { PolicyLine, PolicyTone } from './policy-view';

type LineKey =
  | 'dnssecSecure'
  | 'dnssecInsecure'
  | 'dnssecBogus'
  | 'dnssecUnknown'
  | 'dnssecNotValidating'
  | 'daneNone'
  | 'daneMatch'
  | 'daneMismatch'
  | 'daneBogus'
  | 'daneNotValidated'
  | 'daneNoUsable'
  | 'daneUntested';

/** A policy line (lib/report/policy-view.ts) whose words are under `policyDane` in the messages. */
export type DaneLine = PolicyLine & { label: 'DNSSEC' | 'DANE' };

export function dnssecLine(d: DnssecResult): DaneLine {
  const line = (tone: PolicyTone, key: LineKey, params?: Record<string, string | number>): DaneLine => ({ label: 'DNSSEC', tone, text: msg(`policyDane.${key}`, params) });
  if (d.mx.status === 'bogus') return line('critical', 'dnssecBogus', { name: d.mx.name });
  const bogusHost = d.hosts.find((h) => h.a.status === 'bogus' || h.aaaa.status === 'bogus');
  if (bogusHost) return line('critical', 'dnssecBogus', { name: bogusHost.host });
  if (d.mx.status === 'unknown') return line('untested', 'dnssecUnknown');
  if (!d.validating) return line('untested', 'dnssecNotValidating');
  if (d.mx.status === 'insecure') return line('info', 'dnssecInsecure');
  const signed = d.hosts.filter((h) => h.a.status === 'secure' && h.aaaa.status === 'secure').length;
  return line('ok', 'dnssecSecure', { secure: signed, hosts: d.hosts.length });
}

export function daneLine(dane: DaneResult): DaneLine {
  const line = (tone: PolicyTone, key: LineKey, params?: Record<string, string | number>): DaneLine => ({ label: 'DANE', tone, text: msg(`policyDane.${key}`, params) });
  const bogus = dane.hosts.find((h) => h.tlsa.status === 'bogus');
  if (bogus) return line('critical', 'daneBogus', { host: bogus.host });
  const failing = dane.hosts.flatMap((h) => h.addresses.filter((a) => a.outcome === 'mismatch' || a.outcome === 'no-tls'));
  if (failing.length > 0) return line('critical', 'daneMismatch', { count: failing.length });
  const withRecords = dane.hosts.filter((h) => h.records.length > 0);
  if (withRecords.length === 0) return line('info', 'daneNone');
  if (withRecords.some((h) => h.tlsa.status !== 'secure')) return line('warning', 'daneNotValidated');
  const applying = withRecords.filter(daneApplies);
  if (applying.length === 0) return line('warning', 'daneNoUsable');
  if (applying.some((h) => h.addresses.some((a) => a.outcome !== 'match'))) return line('untested', 'daneUntested');
  return line('ok', 'daneMatch', { hosts: applying.length });
}

export function daneLines(p: PolicyResult | undefined): DaneLine[] {
  if (!p) return [];
  return [...(p.dnssec ? [dnssecLine(p.dnssec)] : []), ...(p.dane ? [daneLine(p.dane)] : [])];
}

/** The TLSA records of each MX host as written in a zone, for the CSV and the CLI. */
export function tlsaSummary(dane: DaneResult | undefined): string | undefined {
  if (!dane) return undefined;
  const parts = dane.hosts.filter((h) => h.records.length > 0).map((h) => `${h.host}: ${h.records.map(tlsaText).join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

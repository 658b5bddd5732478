/**
 * Finding rules for DNSSEC and DANE (RFC 7672): from the measured DNSSEC statuses, TLSA records and
 * per-address matches to coded findings; the words are in catalogue-dane.ts. Pure.
 */
import type { DaneHost, DaneResult, DnsResult, DnssecLookup, DnssecResult, Finding, Severity } from '../schema';
import { daneApplies, tlsaText, tlsaUsable } from '../dane/tlsa-record';
import { TA_PROBLEM_TEXT } from '../dane/match-tlsa';
import { FINDINGS, type FindingCode } from './catalogue';

type Params = Record<string, string | number | boolean>;
type Where = Pick<Finding, 'scope' | 'host' | 'address' | 'port'>;

function finding(code: FindingCode, where: Where, params?: Params, severity?: Severity): Finding {
  const def = FINDINGS[code];
  return { code, severity: severity ?? def.severity, untested: 'untested' in def ? def.untested : false, ...where, ...(params ? { params } : {}) };
}

const USAGE: Record<number, string> = { 0: 'PKIX-TA', 1: 'PKIX-EE', 2: 'DANE-TA', 3: 'DANE-EE' };

function dnssecFindings(d: DnssecResult, domain: string): Finding[] {
  const out: Finding[] = [];
  const dom: Where = { scope: 'domain' };
  const bogus = (l: DnssecLookup, where: Where) => finding('dnssec.bogus', where, { name: l.name, type: l.type });
  if (d.mx.status === 'bogus') out.push(bogus(d.mx, dom));
  else if (d.mx.status === 'secure') out.push(finding('dnssec.mx-secure', dom, { domain }));
  else if (d.mx.status === 'insecure' && d.validating) out.push(finding('dnssec.mx-insecure', dom, { domain }));
  else if (d.mx.status === 'unknown') out.push(finding('dnssec.lookup-failed', dom, { name: d.mx.name, type: 'MX', reason: d.mx.rcode ?? d.mx.errorCode ?? 'error' }));
  for (const h of d.hosts) {
    for (const l of [h.a, h.aaaa]) if (l.status === 'bogus') out.push(bogus(l, { scope: 'host', host: h.host }));
  }
  // Without a single AD bit, "insecure" may only mean that the resolver does not validate.
  const answered = [d.mx, ...d.hosts.flatMap((h) => [h.a, h.aaaa])].some((l) => l.status === 'insecure');
  if (!d.validating && answered) out.push(finding('dnssec.resolver-not-validating', dom));
  return out;
}

function hostFindings(h: DaneHost, d: DnssecResult): Finding[] {
  const where: Where = { scope: 'host', host: h.host };
  const out: Finding[] = [];
  if (h.tlsa.status === 'bogus') return [finding('dane.tlsa-bogus', where, { host: h.host })];
  if (h.records.length === 0) return [];
  if (h.tlsa.status !== 'secure') return [finding('dane.tlsa-not-validated', where, { host: h.host, count: h.records.length })];
  const pkix = h.records.filter((r) => r.usage === 0 || r.usage === 1);
  if (pkix.length > 0) out.push(finding('dane.pkix-usage', where, { host: h.host, records: pkix.map(tlsaText).join(', ') }));
  const usable = h.records.filter(tlsaUsable);
  if (usable.length === 0) {
    out.push(finding('dane.no-usable-records', where, { host: h.host }));
    return out;
  }
  const addr = d.hosts.find((x) => x.host === h.host);
  // RFC 7672 §2.2.2: a sender looks up TLSA only for a host whose address records are secure.
  const insecure = addr ? [addr.a, addr.aaaa].filter((l) => l.status === 'insecure' && l.rcode === 'NOERROR') : [];
  if (insecure.length > 0) out.push(finding('dane.addresses-insecure', where, { host: h.host, types: insecure.map((l) => l.type).join(', ') }));
  // Rollover: a second record (the next key or CA) already published, or a TA beside an EE
  // (RFC 7671 §8.1, RFC 7672 §3.1.1 note).
  const ready = usable.length > 1;
  out.push(finding(ready ? 'dane.rollover-ready' : 'dane.single-record', where, { host: h.host, count: usable.length }));
  for (const a of h.addresses) {
    const at: Where = { scope: 'address', host: h.host, address: a.address };
    if (a.outcome === 'match') {
      const used = [...new Set(a.matches.map((m) => USAGE[h.records[m.record]!.usage] ?? '?'))].join(', ');
      out.push(finding('dane.match', at, { host: h.host, address: a.address, usage: used }));
    } else if (a.outcome === 'mismatch') {
      out.push(finding('dane.mismatch', at, { host: h.host, address: a.address, reason: a.taProblem ? TA_PROBLEM_TEXT[a.taProblem] : 'no TLSA record matches the certificate chain presented on port 25' }));
    } else if (a.outcome === 'no-tls') {
      out.push(finding('dane.no-tls', at, { host: h.host, address: a.address }));
    } else {
      out.push(finding('dane.untested', at, { host: h.host, address: a.address }));
    }
  }
  return out;
}

export function evaluateDane(r: { dnssec: DnssecResult; dane: DaneResult }, ctx: { domain: string; dns: DnsResult }): Finding[] {
  const out = dnssecFindings(r.dnssec, ctx.domain);
  for (const h of r.dane.hosts) out.push(...hostFindings(h, r.dnssec));
  const definitive = r.dane.hosts.filter((h) => h.tlsa.status !== 'unknown' && h.tlsa.status !== 'bogus');
  // Without a validating resolver, "no TLSA" says little: dnssec.resolver-not-validating covers it.
  if (r.dnssec.validating && r.dane.hosts.length > 0 && definitive.length === r.dane.hosts.length && r.dane.hosts.every((h) => h.records.length === 0)) {
    out.push(finding('dane.absent', { scope: 'domain' }, { domain: ctx.domain }));
  }
  return out;
}

/** Port 25 certificate findings that a matching DANE-EE record makes moot for DANE senders. */
const WAIVED_BY_EE = new Set<string>(['cert.expired', 'cert.not-yet-valid', 'cert.expiring-soon', 'cert.untrusted', 'cert.hostname-mismatch']);

/**
 * RFC 7672 §3.1.1: with a DANE-EE record that matches, the certificate's names, dates and issuer
 * do not matter to a DANE sender. Those port 25 findings drop to info, marked, with one finding
 * saying why. A bogus MX answer is a validation failure, not a broken server: its SERVFAIL finding
 * gives way to dnssec.bogus.
 */
export function adjustForDane(findings: Finding[], r: { dnssec: DnssecResult; dane: DaneResult }, dns: DnsResult): Finding[] {
  let out = findings;
  if (r.dnssec.mx.status === 'bogus' && dns.mx.status === 'servfail') out = out.filter((f) => f.code !== 'dns.servfail');
  const eeMatched = new Set<string>();
  for (const h of r.dane.hosts) {
    if (!daneApplies(h)) continue;
    for (const a of h.addresses) {
      if (a.outcome === 'match' && a.matches.some((m) => h.records[m.record]?.usage === 3)) eeMatched.add(`${h.host}|${a.address}`);
    }
  }
  if (eeMatched.size === 0) return out;
  const waivedAt = new Set<string>();
  out = out.map((f) => {
    const key = `${f.host}|${f.address}`;
    if (f.scope !== 'port' || f.port !== 25 || !WAIVED_BY_EE.has(f.code) || !eeMatched.has(key)) return f;
    waivedAt.add(key);
    return { ...f, severity: 'info', params: { ...f.params, dane: 'DANE-EE' } };
  });
  for (const key of waivedAt) {
    const [host, address] = key.split('|') as [string, string];
    out.push(finding('dane.ee-waives-pkix', { scope: 'port', host, address, port: 25 }, { host }));
  }
  return out;
}

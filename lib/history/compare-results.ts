/**
 * What changed between two results of the same target: the one function the compare page, its
 * JSON API, the Atom feed and monitor alerts all read, so none of them diffs results on its own.
 * It returns facts (codes and values), never sentences; lib/history/describe-change.ts words them.
 *
 * Status per probe comes from the interpretation layer (statusInResult), never re-derived here.
 */
import type { Certificate, CheckResult, Finding, Port, PortProbe, Summary } from '@/lib/probe/schema';
import type { CertFacts, Change } from './schemas';
import { statusInResult } from '@/lib/verdict/probe-status';

type Verdict = Summary['verdict'];

export type { CertFacts, Change } from './schemas';

/** Where a probe-level change happened. */
export interface ProbeRef {
  host: string;
  address: string;
  port: Port;
}

export type ChangeKind = Change['kind'];

/**
 * Verdict order for "better or worse". 'untested' sits outside the ladder: a check that could not
 * test is neither an improvement nor a regression (it says nothing about the server).
 */
const VERDICT_RANK: Record<Exclude<Verdict, 'untested'>, number> = { ok: 0, info: 1, warning: 2, critical: 3 };

export function verdictDirection(from: Verdict, to: Verdict): 'better' | 'worse' | 'other' {
  if (from === 'untested' || to === 'untested') return 'other';
  return VERDICT_RANK[to] > VERDICT_RANK[from] ? 'worse' : 'better';
}

/** A finding's identity across checks: code and location, not its parameters (days left changes daily). */
export function findingKey(f: Finding): string {
  return [f.code, f.scope, f.host ?? '', f.address ?? '', f.port ?? ''].join('|');
}

function probeKey(p: ProbeRef): string {
  return `${p.host}|${p.address}|${p.port}`;
}

function certFacts(cert: Certificate | undefined): CertFacts | null {
  if (!cert) return null;
  return { sha256: cert.sha256, notAfter: cert.notAfter, issuer: cert.issuer, subject: cert.subject };
}

/** Order used for probes in the change list: host, address, port, as the report's table reads. */
function compareRefs(a: ProbeRef, b: ProbeRef): number {
  return a.host.localeCompare(b.host) || a.address.localeCompare(b.address) || a.port - b.port;
}

function probeChanges(before: CheckResult, after: CheckResult): Change[] {
  const a = new Map(before.probes.map((p) => [probeKey(p), p]));
  const b = new Map(after.probes.map((p) => [probeKey(p), p]));
  const keys = new Map<string, ProbeRef>();
  for (const p of [...before.probes, ...after.probes]) keys.set(probeKey(p), { host: p.host, address: p.address, port: p.port });
  const refs = [...keys.values()].sort(compareRefs);
  const out: Change[] = [];
  for (const ref of refs) {
    const pa: PortProbe | undefined = a.get(probeKey(ref));
    const pb: PortProbe | undefined = b.get(probeKey(ref));
    const sa = pa ? statusInResult(pa, before.findings) : null;
    const sb = pb ? statusInResult(pb, after.findings) : null;
    if (sa !== sb) out.push({ kind: 'port-status', ...ref, from: sa, to: sb });
    // TLS and certificate are compared only where both checks completed a handshake: a port that
    // closed already reads as a status change, and "certificate gone" would only repeat it.
    if (!pa?.tls || !pb?.tls) continue;
    const va = pa.tls.version ?? null;
    const vb = pb.tls.version ?? null;
    if (va !== vb) out.push({ kind: 'tls-version', ...ref, from: va, to: vb });
    const ca = certFacts(pa.tls.chain[0]);
    const cb = certFacts(pb.tls.chain[0]);
    const fields: ('fingerprint' | 'expiry' | 'issuer')[] = [];
    if (ca?.sha256 !== cb?.sha256) fields.push('fingerprint');
    if (ca?.notAfter !== cb?.notAfter) fields.push('expiry');
    if (ca?.issuer !== cb?.issuer) fields.push('issuer');
    if (fields.length > 0) out.push({ kind: 'certificate', ...ref, from: ca, to: cb, fields });
  }
  return out;
}

function dnsChanges(before: CheckResult, after: CheckResult): Change[] {
  const out: Change[] = [];
  if (before.dns.mxKind !== after.dns.mxKind) out.push({ kind: 'mx-kind', from: before.dns.mxKind, to: after.dns.mxKind });
  const ha = new Map(before.dns.hosts.map((h) => [h.name, h]));
  const hb = new Map(after.dns.hosts.map((h) => [h.name, h]));
  for (const h of before.dns.hosts) {
    if (!hb.has(h.name)) out.push({ kind: 'mx-removed', host: h.name, ...(h.preference === undefined ? {} : { preference: h.preference }) });
  }
  for (const h of after.dns.hosts) {
    const old = ha.get(h.name);
    if (!old) {
      out.push({ kind: 'mx-added', host: h.name, ...(h.preference === undefined ? {} : { preference: h.preference }) });
      continue;
    }
    if (old.preference !== h.preference) out.push({ kind: 'mx-preference', host: h.name, from: old.preference, to: h.preference });
    const aa = new Set(old.addresses.map((x) => x.address));
    const ab = new Set(h.addresses.map((x) => x.address));
    for (const x of aa) if (!ab.has(x)) out.push({ kind: 'address-removed', host: h.name, address: x });
    for (const x of ab) if (!aa.has(x)) out.push({ kind: 'address-added', host: h.name, address: x });
  }
  return out;
}

function findingChanges(before: CheckResult, after: CheckResult): Change[] {
  const a = new Map(before.findings.map((f) => [findingKey(f), f]));
  const b = new Map(after.findings.map((f) => [findingKey(f), f]));
  const out: Change[] = [];
  for (const [k, f] of b) if (!a.has(k)) out.push({ kind: 'finding-appeared', finding: f });
  for (const [k, f] of a) if (!b.has(k)) out.push({ kind: 'finding-resolved', finding: f });
  return out;
}

/**
 * Every change from `before` to `after`, in reading order: verdict, DNS (MX set, addresses), each
 * probe (status, TLS version, certificate), then findings appeared and resolved. An empty list
 * means nothing a reader would notice changed (timings and transcripts are not compared).
 */
export function compareResults(before: CheckResult, after: CheckResult): Change[] {
  const out: Change[] = [];
  const va = before.summary.verdict;
  const vb = after.summary.verdict;
  if (va !== vb) out.push({ kind: 'verdict', from: va, to: vb, direction: verdictDirection(va, vb) });
  out.push(...dnsChanges(before, after), ...probeChanges(before, after), ...findingChanges(before, after));
  return out;
}

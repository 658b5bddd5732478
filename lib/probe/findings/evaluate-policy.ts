/**
 * Finding rules for the domain's transport-security policy: MTA-STS record and policy (RFC 8461),
 * cross-checked against the MX set and what port 25 of each MX really presented, and TLS-RPT
 * (RFC 8460). Pure: from measured facts to coded findings; the words are in catalogue-policy.ts.
 */
import type { DnsResult, Finding, MtaSts, PolicyResult, PortProbe, Severity, TlsRpt } from '../schema';
import { matchingPattern } from '../policy/sts-policy';
import { FINDINGS, type FindingCode } from './catalogue';
import { answered, isUntestedOutcome } from '@/lib/verdict/probe-status';

type Params = Record<string, string | number | boolean>;
type Where = { scope: Finding['scope']; host?: string; address?: string };

function finding(code: FindingCode, where: Where, params?: Params, severity?: Severity): Finding {
  const def = FINDINGS[code];
  return { code, severity: severity ?? def.severity, untested: 'untested' in def ? def.untested : false, ...where, ...(params ? { params } : {}) };
}

const DOMAIN: Where = { scope: 'domain' };
/** Lookup statuses that say whether a record exists; the others mean "could not ask". */
const DEFINITIVE = new Set(['ok', 'nxdomain', 'nodata']);

/** Fetch outcomes that say nothing about the policy server (our side, or the check's budget). */
const FETCH_UNTESTED = new Set(['timeout', 'aborted', 'blocked-target']);

/** Why port 25 of an MX fails what MTA-STS requires (§4.2), or undefined when it passes or is untested. */
export function stsFailure(p: PortProbe): string | undefined {
  if (isUntestedOutcome(p) || !answered(p)) return undefined;
  if (p.outcome === 'starttls-rejected') return `STARTTLS is refused (${p.starttlsReply?.code ?? '?'})`;
  if (p.outcome === 'tls-handshake-failed') return `the TLS handshake fails (${p.errorMessage ?? p.systemError ?? 'error'})`;
  if (p.ehlo && !p.ehlo.starttls && !p.tls) return 'it does not offer STARTTLS';
  const tls = p.tls;
  if (!tls) return undefined;
  const why: string[] = [];
  if (!tls.trusted) why.push(`its certificate is not trusted (${tls.trustReason ?? tls.verifyError ?? 'unknown reason'})`);
  if (tls.hostnameMatch === false) why.push(`its certificate is not valid for ${p.host}`);
  return why.length > 0 ? why.join(' and ') : undefined;
}

function fetchFindings(m: MtaSts, domain: string): Finding[] {
  const f = m.fetch;
  if (!f) return [];
  const out: Finding[] = [];
  if (f.tls && !f.tls.trusted) out.push(finding('mta-sts.policy-cert-untrusted', DOMAIN, { domain, reason: f.tls.verifyError ?? 'unknown' }));
  if (f.tls && !f.tls.hostnameMatch) {
    out.push(finding('mta-sts.policy-cert-name-mismatch', DOMAIN, { domain, names: f.tls.names.map((n) => n.replace(/^DNS:/, '')).join(', ') || 'no names' }));
  }
  switch (f.outcome) {
    case 'fetched':
      break;
    case 'redirect':
      out.push(finding('mta-sts.policy-redirect', DOMAIN, { url: f.url, status: f.status ?? 0, location: f.location ? ` to ${f.location}` : '' }));
      return out;
    case 'oversize':
      out.push(finding('mta-sts.policy-oversize', DOMAIN, { url: f.url }));
      return out;
    default: {
      const reason = f.errorMessage ?? f.outcome;
      out.push(finding(FETCH_UNTESTED.has(f.outcome) ? 'mta-sts.fetch-untested' : 'mta-sts.fetch-failed', DOMAIN, { url: f.url, reason }));
      return out;
    }
  }
  const type = (f.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'text/plain') out.push(finding('mta-sts.policy-content-type', DOMAIN, { contentType: f.contentType ?? 'none' }));
  return out;
}

/** Every MX matched by a pattern; in enforce (testing) mode, port 25 must pass (§4.1, §4.2). */
function crossCheck(m: MtaSts, dns: DnsResult, probes: readonly PortProbe[]): Finding[] {
  const policy = m.policy;
  if (!policy || policy.errors.length > 0 || policy.mode === undefined || policy.mode === 'none') return [];
  const out: Finding[] = [];
  const enforce = policy.mode === 'enforce';
  const patterns = policy.mx.join(', ');
  for (const h of dns.hosts) {
    if (!matchingPattern(policy.mx, h.name)) {
      out.push(finding('mta-sts.mx-not-covered', { scope: 'host', host: h.name }, { host: h.name, patterns }, enforce ? 'critical' : 'warning'));
      continue;
    }
    for (const p of probes.filter((x) => x.host === h.name && x.port === 25)) {
      const reason = stsFailure(p);
      if (reason === undefined) continue;
      const at = { scope: 'address' as const, host: p.host, address: p.address };
      out.push(finding(enforce ? 'mta-sts.enforce-mx-fails' : 'mta-sts.testing-mx-fails', at, { host: p.host, address: p.address, reason }));
    }
  }
  for (const pattern of policy.mx) {
    if (!dns.hosts.some((h) => matchingPattern([pattern], h.name))) out.push(finding('mta-sts.pattern-unused', DOMAIN, { pattern }));
  }
  return out;
}

export function evaluateMtaSts(m: MtaSts, ctx: { domain: string; dns: DnsResult; probes: readonly PortProbe[] }): Finding[] {
  const { domain } = ctx;
  if (!DEFINITIVE.has(m.lookup.status)) return [finding('mta-sts.lookup-failed', DOMAIN, { domain, status: m.lookup.status })];
  if (m.problem === 'none') return [finding('mta-sts.absent', DOMAIN, { domain })];
  const out: Finding[] = [];
  if (m.problem === 'multiple') {
    out.push(finding('mta-sts.record-multiple', DOMAIN, { domain, count: m.records.filter((r) => r.startsWith('v=STSv1')).length }));
  }
  if (m.problem === 'invalid') out.push(finding('mta-sts.record-invalid', DOMAIN, { domain, detail: m.detail ?? 'malformed' }));
  out.push(...fetchFindings(m, domain));
  const policy = m.policy;
  if (policy && policy.errors.length > 0) out.push(finding('mta-sts.policy-invalid', DOMAIN, { errors: policy.errors.join('; ') }));
  if (policy && policy.errors.length === 0) {
    if (policy.mode === 'testing') out.push(finding('mta-sts.testing', DOMAIN));
    if (policy.mode === 'none') out.push(finding('mta-sts.mode-none', DOMAIN));
  }
  out.push(...crossCheck(m, ctx.dns, ctx.probes));
  if (out.every((f) => f.severity === 'ok' || f.severity === 'info') && policy?.mode && policy.errors.length === 0 && !m.problem) {
    out.push(finding('mta-sts.ok', DOMAIN, { mode: policy.mode }));
  }
  return out;
}

export function evaluateTlsRpt(t: TlsRpt, ctx: { domain: string; stsInUse: boolean }): Finding[] {
  const { domain } = ctx;
  if (!DEFINITIVE.has(t.lookup.status)) return [];
  if (t.problem === 'none') return ctx.stsInUse ? [finding('tls-rpt.missing', DOMAIN, { domain })] : [];
  if (t.problem === 'multiple') return [finding('tls-rpt.multiple', DOMAIN, { domain, count: t.records.filter((r) => r.startsWith('v=TLSRPTv1')).length })];
  if (t.problem === 'invalid') return [finding('tls-rpt.invalid', DOMAIN, { domain, detail: t.detail ?? 'malformed' })];
  return [finding('tls-rpt.ok', DOMAIN, { rua: t.rua.join(', ') })];
}

export function evaluatePolicy(policy: PolicyResult | undefined, ctx: { domain: string; dns: DnsResult; probes: readonly PortProbe[] }): Finding[] {
  if (!policy) return [];
  const out: Finding[] = [];
  if (policy.mtaSts) out.push(...evaluateMtaSts(policy.mtaSts, ctx));
  const stsInUse = policy.mtaSts !== undefined && policy.mtaSts.problem !== 'none' && DEFINITIVE.has(policy.mtaSts.lookup.status);
  if (policy.tlsRpt) out.push(...evaluateTlsRpt(policy.tlsRpt, { domain: ctx.domain, stsInUse }));
  return out;
}

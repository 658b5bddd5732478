/**
 * Roll-up: the worst finding decides the port, the worst port the host, the worst host the domain
 * (the EFF STARTTLS checker's ladder); plus the seed article's port table as measured, and the
 * port a mail client and an application should use.
 */
import {
  PORTS,
  type CheckMode,
  type Encryption,
  type Finding,
  type Port,
  type PortProbe,
  type PortStatus,
  type PortSummary,
  type Severity,
  type Summary,
} from '../schema';
import { answered, isUntestedOutcome } from './evaluate';

const SEVERITY_RANK: Record<Severity, number> = { ok: 0, info: 1, warning: 2, critical: 3 };

export function worstSeverity(severities: Iterable<Severity>): Severity {
  let worst: Severity = 'ok';
  for (const s of severities) if (SEVERITY_RANK[s] > SEVERITY_RANK[worst]) worst = s;
  return worst;
}

const ROLES: Record<Port, PortSummary['role']> = { 25: 'relay', 465: 'submission', 587: 'submission', 2525: 'submission-alt' };

/** The table status of one probe, from its outcome and the findings attached to it. */
export function probeStatus(p: PortProbe, findings: readonly Finding[]): PortStatus {
  const own = findings.filter((f) => f.scope === 'port' && f.address === p.address && f.port === p.port && f.host === p.host);
  const decisive = own.filter((f) => !f.untested);
  if (decisive.length > 0) {
    const w = worstSeverity(decisive.map((f) => f.severity));
    if (w === 'warning' || w === 'critical') return w;
  }
  if (p.outcome === 'blocked-target') return 'blocked';
  if ((p.outcome === 'connection-refused' || p.outcome === 'unreachable') && !isUntestedOutcome(p)) return 'closed';
  if (isUntestedOutcome(p)) return 'untested';
  if (decisive.length > 0) return worstSeverity(decisive.map((f) => f.severity)) === 'info' ? 'info' : 'ok';
  return answered(p) ? 'ok' : 'closed';
}

const STATUS_RANK: Record<PortStatus, number> = { blocked: 0, closed: 1, untested: 2, ok: 3, info: 4, warning: 5, critical: 6 };

function summarizePort(port: Port, probes: readonly PortProbe[], findings: readonly Finding[]): PortSummary {
  const mine = probes.filter((p) => p.port === port);
  const talking = mine.filter(answered);
  const encs = new Set<Encryption>(talking.map((p) => p.encryption));
  // The weakest protection seen is what an attacker can choose.
  const encryption: Encryption = encs.has('none')
    ? 'none'
    : encs.has('unknown') || encs.size === 0
      ? 'unknown'
      : encs.has('starttls')
        ? 'starttls'
        : 'implicit-tls';
  const authSeen = talking.some((p) => (p.ehlo?.auth.length ?? 0) > 0 || (p.ehloTls?.auth.length ?? 0) > 0);
  const authBeforeTls = findings.some((f) => f.code === 'auth.before-tls' && f.port === port);
  const downgradeRisk: PortSummary['downgradeRisk'] =
    encryption === 'implicit-tls' ? 'none' : encryption === 'starttls' ? 'possible' : encryption === 'none' ? 'plaintext' : 'unknown';
  let status: PortStatus = 'blocked';
  for (const p of mine) {
    const s = probeStatus(p, findings);
    if (STATUS_RANK[s] > STATUS_RANK[status]) status = s;
  }
  return {
    port,
    role: ROLES[port],
    answered: talking.length,
    probed: mine.length,
    encryption,
    auth: talking.length === 0 ? 'unknown' : authSeen ? 'offered' : 'not-offered',
    authBeforeTls,
    downgradeRisk,
    status: mine.length === 0 ? 'untested' : status,
  };
}

/** A port is usable for submission when some address completed TLS and then offered AUTH. */
function usable(port: Port, probes: readonly PortProbe[]): { ok: boolean; trusted: boolean } {
  const good = probes.filter(
    (p) => p.port === port && p.outcome === 'success' && p.tls && (p.ehloTls?.auth.length ?? p.ehlo?.auth.length ?? 0) > 0,
  );
  return { ok: good.length > 0, trusted: good.some((p) => p.tls?.trusted && p.tls.hostnameMatch !== false) };
}

function recommend(order: readonly Port[], kind: 'client' | 'app', probes: readonly PortProbe[], mode: CheckMode) {
  const candidates = order.map((port) => ({ port, ...usable(port, probes) })).filter((c) => c.ok);
  // Clients verify certificates: a port whose certificate fails is not a recommendation.
  const pick = candidates.find((c) => c.trusted);
  if (!pick && candidates.length > 0) return { port: null, reason: 'rec.none-trusted' };
  if (pick) {
    return {
      port: pick.port,
      encryption: (pick.port === 465 ? 'implicit-tls' : 'starttls') as Encryption,
      reason: `rec.${kind}.${pick.port}`,
    };
  }
  const sub = probes.filter((p) => p.port !== 25);
  const untested = sub.length > 0 && sub.every((p) => isUntestedOutcome(p));
  return { port: null, reason: untested ? 'rec.none-untested' : mode === 'domain' ? 'rec.none-mx' : 'rec.none' };
}

export function summarize(input: { mode: CheckMode; probes: readonly PortProbe[]; findings: readonly Finding[]; hosts: number; addresses: number }): Summary {
  const { probes, findings, mode } = input;
  const severity = worstSeverity(findings.filter((f) => !f.untested).map((f) => f.severity));
  // A 421 greeting "answers" but tells nothing: only decisive probes count as tested.
  const anyTested = probes.some((p) => answered(p) && !isUntestedOutcome(p));
  const anyUntested = findings.some((f) => f.untested);
  const verdict: Summary['verdict'] =
    severity === 'warning' || severity === 'critical' ? severity : !anyTested && anyUntested ? 'untested' : severity;
  return {
    severity: worstSeverity(findings.map((f) => f.severity)),
    verdict,
    ports: PORTS.map((port) => summarizePort(port, probes, findings)),
    recommendation: {
      // Seed article: clients prefer 465 (no downgrade), then 587, then 2525; applications 587 first.
      mailClient: recommend([465, 587, 2525], 'client', probes, mode),
      application: recommend([587, 465, 2525], 'app', probes, mode),
    },
    counts: { hosts: input.hosts, addresses: input.addresses, probes: probes.length, answered: probes.filter(answered).length },
  };
}

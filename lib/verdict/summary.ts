/**
 * The summary stored with a result: the verdict, the seed article's port table as measured (one
 * line per port, rolled up over every MX address) and the port a mail client and an application
 * should use. Built from the same per-probe status the web table, widget, CSV and CLI show.
 */
import { PORTS } from '@/lib/probe/ports';
import type {
  CheckMode,
  Encryption,
  Finding,
  Port,
  PortProbe,
  PortSummary,
  Summary,
} from '@/lib/probe/schema';
import type { RecommendationCode } from '@/lib/probe/findings/catalogue';
import { answered, isUntestedOutcome, statusInResult } from './probe-status';
import { downgradeOf } from './probe-view';
import { rollUpStatus, worstSeverity } from './severity';

const ROLES: Record<Port, PortSummary['role']> = { 25: 'relay', 465: 'submission', 587: 'submission', 2525: 'submission-alt' };

/** The weakest protection seen is what an attacker can choose. */
function weakestEncryption(encs: ReadonlySet<Encryption>): Encryption {
  if (encs.has('none')) return 'none';
  if (encs.has('unknown') || encs.size === 0) return 'unknown';
  return encs.has('starttls') ? 'starttls' : 'implicit-tls';
}

export function summarizePort(port: Port, probes: readonly PortProbe[], findings: readonly Finding[]): PortSummary {
  const mine = probes.filter((p) => p.port === port);
  const talking = mine.filter(answered);
  const encryption = weakestEncryption(new Set(talking.map((p) => p.encryption)));
  const authSeen = talking.some((p) => (p.ehlo?.auth.length ?? 0) > 0 || (p.ehloTls?.auth.length ?? 0) > 0);
  return {
    port,
    role: ROLES[port],
    answered: talking.length,
    probed: mine.length,
    encryption,
    auth: talking.length === 0 ? 'unknown' : authSeen ? 'offered' : 'not-offered',
    authBeforeTls: findings.some((f) => f.code === 'auth.before-tls' && f.port === port),
    downgradeRisk: downgradeOf(encryption),
    status: rollUpStatus(mine.map((p) => statusInResult(p, findings))),
  };
}

/** A port is usable for submission when some address completed TLS and then offered AUTH. */
function usable(port: Port, probes: readonly PortProbe[]): { ok: boolean; trusted: boolean } {
  const good = probes.filter(
    (p) => p.port === port && p.outcome === 'success' && p.tls && (p.ehloTls?.auth.length ?? p.ehlo?.auth.length ?? 0) > 0,
  );
  return { ok: good.length > 0, trusted: good.some((p) => p.tls?.trusted && p.tls.hostnameMatch !== false) };
}

type Recommendation = Summary['recommendation']['mailClient'];

/** The reason behind each pick, by who asks and which port won (codes from the catalogue). */
const PICKED: Record<'client' | 'app', Partial<Record<Port, RecommendationCode>>> = {
  client: { 465: 'rec.client.465', 587: 'rec.client.587', 2525: 'rec.client.2525' },
  app: { 587: 'rec.app.587', 465: 'rec.app.465', 2525: 'rec.app.2525' },
};

function recommend(order: readonly Port[], kind: 'client' | 'app', probes: readonly PortProbe[], mode: CheckMode): Recommendation {
  const candidates = order.map((port) => ({ port, ...usable(port, probes) })).filter((c) => c.ok);
  // Clients verify certificates: a port whose certificate fails is not a recommendation.
  const pick = candidates.find((c) => c.trusted);
  if (!pick && candidates.length > 0) return { port: null, reason: 'rec.none-trusted' };
  if (pick) {
    return {
      port: pick.port,
      encryption: (pick.port === 465 ? 'implicit-tls' : 'starttls') as Encryption,
      reason: PICKED[kind][pick.port] ?? 'rec.none',
    };
  }
  const sub = probes.filter((p) => p.port !== 25);
  const untested = sub.length > 0 && sub.every((p) => isUntestedOutcome(p));
  return { port: null, reason: untested ? 'rec.none-untested' : mode === 'domain' ? 'rec.none-mx' : 'rec.none' };
}

/**
 * The overall verdict: the worst decisive finding, except that a check where nothing decisive was
 * measured is "could not test", never "fails" and never "all good".
 */
export function verdictOf(probes: readonly PortProbe[], findings: readonly Finding[]): Summary['verdict'] {
  const severity = worstSeverity(findings.filter((f) => !f.untested).map((f) => f.severity)) ?? 'ok';
  // A 421 greeting "answers" but tells nothing: only decisive probes count as tested.
  const anyTested = probes.some((p) => answered(p) && !isUntestedOutcome(p));
  const anyUntested = findings.some((f) => f.untested);
  if (severity === 'warning' || severity === 'critical') return severity;
  return !anyTested && anyUntested ? 'untested' : severity;
}

export function summarize(input: { mode: CheckMode; probes: readonly PortProbe[]; findings: readonly Finding[]; hosts: number; addresses: number }): Summary {
  const { probes, findings, mode } = input;
  return {
    severity: worstSeverity(findings.map((f) => f.severity)) ?? 'ok',
    verdict: verdictOf(probes, findings),
    ports: PORTS.map((port) => summarizePort(port, probes, findings)),
    recommendation: {
      // Seed article: clients prefer 465 (no downgrade), then 587, then 2525; applications 587 first.
      mailClient: recommend([465, 587, 2525], 'client', probes, mode),
      application: recommend([587, 465, 2525], 'app', probes, mode),
    },
    counts: { hosts: input.hosts, addresses: input.addresses, probes: probes.length, answered: probes.filter(answered).length },
  };
}

/**
 * What one port probe means: did the server answer, could we test it at all, and the status a
 * table cell shows. The only place these rules live; the summary stored in a result, the web
 * table and cards, the live table, the widget, the CSV and the CLI all ask here.
 */
import type { Finding, PortProbe, PortStatus, ProbeOutcome } from '@/lib/probe/schema';
import { worstSeverity } from './severity';

/** A port probe produced an SMTP conversation (or a TLS handshake on 465): the server answered. */
export function answered(p: PortProbe): boolean {
  return p.greeting !== undefined || p.tls !== undefined;
}

/**
 * The only 'unreachable' codes that come from the far side: an ICMP host-unreachable or
 * administratively-prohibited from a router on the server's path (RFC 1122 §3.2.2.1 maps them to
 * EHOSTUNREACH/EHOSTDOWN). That is the network's answer about the server, so it is a measurement:
 * the port reads "closed", like a refused connection, and counts as tested.
 */
const REMOTE_UNREACHABLE: ReadonlySet<string> = new Set(['EHOSTUNREACH', 'EHOSTDOWN']);

/**
 * Unreachable for a reason on our side of the network: no route (ENETUNREACH, e.g. a tester without
 * IPv6), no source address (EADDRNOTAVAIL), interface down. It tells nothing about the server.
 */
export function noRouteFromHere(p: Pick<PortProbe, 'outcome' | 'systemError'>): boolean {
  return p.outcome === 'unreachable' && !REMOTE_UNREACHABLE.has(p.systemError ?? '');
}

/** Outcomes that say nothing about the server whatever the details. */
const UNTESTED_OUTCOMES: ReadonlySet<ProbeOutcome> = new Set<ProbeOutcome>([
  'connection-timeout',
  'io-timeout',
  'server-busy',
  'aborted',
  'blocked-target',
]);

/** The "could not test" rule: this probe says nothing about the server (timeout, 421, no route …). */
export function isUntestedOutcome(p: Pick<PortProbe, 'outcome' | 'systemError'>): boolean {
  return UNTESTED_OUTCOMES.has(p.outcome) || noRouteFromHere(p);
}

/** The findings attached to one probe (same port, and same host and address where they say). */
export function findingsForProbe(probe: PortProbe, findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) =>
      f.scope === 'port' &&
      f.port === probe.port &&
      (f.host === undefined || f.host === probe.host) &&
      (f.address === undefined || f.address === probe.address),
  );
}

/**
 * The findings that decide a probe's status: its own, plus a decisive (warning or critical) result of
 * the open relay test when that test ran over this very session. The relay finding belongs to the
 * address (the report's relay section lists it there), but the relay is this port's server: an open
 * relay's port 25 never reads "OK" in a table, a summary, a widget or a history entry.
 */
export function findingsForStatus(probe: PortProbe, findings: readonly Finding[]): Finding[] {
  const own = findingsForProbe(probe, findings);
  if (!probe.relay) return own;
  const relay = findings.filter(
    (f) =>
      f.scope === 'address' &&
      f.code.startsWith('relay.') &&
      (f.severity === 'warning' || f.severity === 'critical') &&
      !f.untested &&
      (f.host === undefined || f.host === probe.host) &&
      f.address === probe.address,
  );
  return relay.length > 0 ? [...own, ...relay] : own;
}

/**
 * The status of one probe, from its outcome and its own findings (findingsForStatus):
 * 1. a decisive warning or critical finding wins (an expired certificate behind a 421 still counts);
 * 2. an address the policy refused was not probed ('blocked');
 * 3. a refusal, or a host-unreachable from the far side, is a closed port;
 * 4. anything else that tells nothing about the server is 'untested';
 * 5. a complete session is as good as its findings ('ok' or 'info');
 * 6. a session that failed without a finding to say why is never 'ok': 'warning' once the server
 *    had answered, 'closed' when nothing SMTP ever answered.
 */
export function probeStatus(probe: PortProbe, own: readonly Finding[]): PortStatus {
  const worst = worstSeverity(own.filter((f) => !f.untested).map((f) => f.severity));
  if (worst === 'warning' || worst === 'critical') return worst;
  if (probe.outcome === 'blocked-target') return 'blocked';
  if (probe.outcome === 'connection-refused' || (probe.outcome === 'unreachable' && !noRouteFromHere(probe))) return 'closed';
  if (isUntestedOutcome(probe)) return 'untested';
  if (probe.outcome === 'success') return worst ?? 'ok';
  return answered(probe) ? 'warning' : 'closed';
}

/** probeStatus over a check's findings (picks the ones that decide this probe's status). */
export function statusInResult(probe: PortProbe, findings: readonly Finding[]): PortStatus {
  return probeStatus(probe, findingsForStatus(probe, findings));
}

/**
 * What a probe showed, as one code every layout has a word for (lib/verdict/labels.ts): the
 * protection of a session that got that far, otherwise how it ended, with "unreachable" split
 * into the far side's answer and our own missing route.
 */
export type ProbeReading = 'starttls' | 'implicit-tls' | 'plaintext' | 'no-route' | ProbeOutcome;

export function probeReading(probe: PortProbe): ProbeReading {
  if (probe.encryption === 'starttls' || probe.encryption === 'implicit-tls') return probe.encryption;
  if (probe.outcome === 'success' && probe.encryption === 'none') return 'plaintext';
  if (noRouteFromHere(probe)) return 'no-route';
  return probe.outcome;
}

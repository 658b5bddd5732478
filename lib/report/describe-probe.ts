/**
 * One port probe as a table cell reads it: status, what protected the session, AUTH exposure and
 * the downgrade reading. Pure, so the server-rendered table, the live view and the tests agree.
 */
import type { Finding, PortProbe, PortStatus, ProbeOutcome } from '@/lib/probe/schema';
import { ENCRYPTION_LABEL, OUTCOME_LABEL, PHASE_LABEL, formatTlsVersion } from './format';
import { worstSeverity } from './status';

export type DowngradeReading = 'none' | 'possible' | 'plaintext' | 'unknown';

export interface ProbeView {
  status: PortStatus;
  /** an SMTP server answered (greeting received) */
  reachable: boolean;
  /** "STARTTLS", "Implicit TLS", "Refused", "Timed out" … */
  headline: string;
  /** why it stopped, when it did not succeed: "during the greeting (ETIMEDOUT)" */
  reason?: string;
  tlsVersion?: string;
  /** AUTH mechanisms offered at any stage; null when we never got that far */
  auth: { mechanisms: string[]; beforeTls: boolean } | null;
  greetingMs?: number;
  downgrade: DowngradeReading;
  downgradeText: string;
  findings: Finding[];
}

/** Outcomes that say "we could not tell", not "the server is broken". */
const UNTESTED: ReadonlySet<ProbeOutcome> = new Set([
  'connection-timeout',
  'unreachable',
  'io-timeout',
  'server-busy',
  'aborted',
]);

export function findingsForProbe(probe: PortProbe, findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) =>
      f.scope === 'port' &&
      f.port === probe.port &&
      (f.host === undefined || f.host === probe.host) &&
      (f.address === undefined || f.address === probe.address),
  );
}

function statusOf(probe: PortProbe, own: readonly Finding[]): PortStatus {
  if (probe.outcome === 'blocked-target') return 'blocked';
  if (probe.outcome === 'connection-refused') return 'closed';
  const worst = worstSeverity(own.filter((f) => !f.untested).map((f) => f.severity));
  if (UNTESTED.has(probe.outcome) && (worst === null || worst === 'ok' || worst === 'info')) return 'untested';
  if (worst) return worst;
  // A failed session without a finding still must not read as "OK".
  return probe.outcome === 'success' ? 'ok' : 'warning';
}

function downgradeOf(probe: PortProbe): { downgrade: DowngradeReading; text: string } {
  switch (probe.encryption) {
    case 'implicit-tls':
      return { downgrade: 'none', text: 'none, TLS from the first byte' };
    case 'starttls':
      return { downgrade: 'possible', text: 'possible, STARTTLS can be stripped' };
    case 'none':
      return { downgrade: 'plaintext', text: 'nothing to strip: no encryption at all' };
    default:
      return { downgrade: 'unknown', text: 'unknown' };
  }
}

/** "during the greeting · ETIMEDOUT"; the phase is left out where the headline implies it. */
function reasonOf(probe: PortProbe): string | undefined {
  if (probe.outcome === 'success') return undefined;
  const parts: string[] = [];
  if (probe.phase !== 'done' && probe.phase !== 'policy' && probe.phase !== 'connect') {
    parts.push(`during ${PHASE_LABEL[probe.phase]}`);
  }
  if (probe.errorCode) parts.push(probe.errorCode);
  return parts.length ? parts.join(' · ') : undefined;
}

export function describeProbe(probe: PortProbe, findings: readonly Finding[]): ProbeView {
  const own = findingsForProbe(probe, findings);
  const reachable = probe.greeting !== undefined;
  const encrypted = probe.encryption === 'starttls' || probe.encryption === 'implicit-tls';
  const headline = encrypted || (probe.outcome === 'success' && probe.encryption === 'none')
    ? ENCRYPTION_LABEL[probe.encryption]
    : OUTCOME_LABEL[probe.outcome];
  const before = probe.ehlo?.auth ?? [];
  const after = probe.ehloTls?.auth ?? [];
  const auth = probe.ehlo || probe.ehloTls
    ? { mechanisms: [...new Set([...before, ...after])], beforeTls: before.length > 0 }
    : null;
  const { downgrade, text } = downgradeOf(probe);
  return {
    status: statusOf(probe, own),
    reachable,
    headline,
    reason: reasonOf(probe),
    tlsVersion: formatTlsVersion(probe.tls?.version),
    auth,
    greetingMs: probe.timings.greetingMs,
    downgrade,
    downgradeText: text,
    findings: own,
  };
}

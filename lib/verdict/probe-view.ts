/**
 * One port probe as every reader shows it: status, the reading (what protected the session or how
 * it ended) with its words, why it stopped, TLS version, AUTH exposure and the downgrade reading.
 * React-free, so the server-rendered table, the live table, the widget, the CSV and the CLI are
 * built from the same object and only lay it out differently.
 */
import type { Finding, PortProbe, PortStatus, PortSummary } from '@/lib/probe/schema';
import { label, phaseLabel, readingLabel } from './labels';
import { findingsForProbe, probeReading, probeStatus, statusInResult, type ProbeReading } from './probe-status';

export type DowngradeReading = PortSummary['downgradeRisk'];

export interface ProbeView {
  status: PortStatus;
  reading: ProbeReading;
  /** an SMTP server answered (greeting received) */
  reachable: boolean;
  /** "STARTTLS", "Implicit TLS", "Refused", "Timed out" … */
  headline: string;
  /** the same reading in a narrow cell: "TLS", "Closed", "Timeout" … */
  short: string;
  /** and in a terminal column: "TLS", "refused", "timeout" … */
  terse: string;
  /** why it stopped, when it did not succeed: "during greeting · ETIMEDOUT" */
  reason?: string;
  /** "TLS 1.3" */
  tlsVersion?: string;
  /** AUTH mechanisms offered at any stage; null when we never got that far */
  auth: { mechanisms: string[]; beforeTls: boolean } | null;
  greetingMs?: number;
  downgrade: DowngradeReading;
  downgradeText: string;
  findings: Finding[];
}

/** "TLSv1.3" → "TLS 1.3" */
export function formatTlsVersion(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const m = /^TLSv(\d(?:\.\d)?)$/.exec(v);
  return m ? `TLS ${m[1]}` : v;
}

/** Can an attacker strip the encryption this session had? */
export function downgradeOf(encryption: PortProbe['encryption']): DowngradeReading {
  switch (encryption) {
    case 'implicit-tls':
      return 'none';
    case 'starttls':
      return 'possible';
    case 'none':
      return 'plaintext';
    default:
      return 'unknown';
  }
}

/**
 * The code that says why a probe stopped, as a short token for a cell, a CSV column or a trace
 * attribute: "SMTP_421" for a reply code, the foreign protocol ("HTTP"), the refused range
 * ("loopback") or the system error ("ECONNREFUSED"). Built from the typed fields, never read back.
 */
export function stopCodeLabel(probe: Pick<PortProbe, 'smtpCode' | 'foreignProtocol' | 'refusal' | 'systemError'>): string | undefined {
  if (probe.smtpCode !== undefined) return `SMTP_${probe.smtpCode}`;
  if (probe.foreignProtocol !== undefined) return probe.foreignProtocol;
  if (probe.refusal !== undefined) return probe.refusal.range ?? probe.refusal.reason;
  return probe.systemError;
}

/** The engine's own stop tokens that only restate a cell's headline ("Plain text, not TLS"). */
const HEADLINE_CODES: ReadonlySet<string> = new Set(['PLAINTEXT_ON_465', 'TLS_ON_PLAIN_PORT']);

/**
 * What a table cell names as the reason a probe stopped: an SMTP reply by its code (the page words
 * it, "reply 421"), otherwise the stop code (ECONNREFUSED), and nothing where the headline says it.
 */
export function cellStop(probe: Pick<PortProbe, 'smtpCode' | 'foreignProtocol' | 'refusal' | 'systemError'>): { reply: number } | { code: string } | undefined {
  if (probe.smtpCode !== undefined) return { reply: probe.smtpCode };
  const code = stopCodeLabel(probe);
  return code === undefined || HEADLINE_CODES.has(code) ? undefined : { code };
}

/** Whether the cell says which phase a failure happened in (the headline implies policy/connect). */
export function phaseShown(probe: PortProbe): boolean {
  return probe.phase !== 'done' && probe.phase !== 'policy' && probe.phase !== 'connect';
}

/** "during greeting · ETIMEDOUT"; the phase is left out where the headline implies it. */
function reasonOf(probe: PortProbe): string | undefined {
  if (probe.outcome === 'success') return undefined;
  const parts: string[] = [];
  if (phaseShown(probe)) parts.push(`during ${phaseLabel(probe.phase)}`);
  const code = stopCodeLabel(probe);
  if (code) parts.push(code);
  return parts.length ? parts.join(' · ') : undefined;
}

/** The probe read against its own findings (pass the check's findings; [] before they exist). */
export function describeProbe(probe: PortProbe, findings: readonly Finding[]): ProbeView {
  const own = findingsForProbe(probe, findings);
  const reading = probeReading(probe);
  const before = probe.ehlo?.auth ?? [];
  const after = probe.ehloTls?.auth ?? [];
  const auth = probe.ehlo || probe.ehloTls ? { mechanisms: [...new Set([...before, ...after])], beforeTls: before.length > 0 } : null;
  const downgrade = downgradeOf(probe.encryption);
  return {
    status: statusInResult(probe, findings),
    reading,
    reachable: probe.greeting !== undefined,
    headline: readingLabel(reading, 'cell'),
    short: readingLabel(reading, 'short'),
    terse: readingLabel(reading, 'terse'),
    reason: reasonOf(probe),
    tlsVersion: formatTlsVersion(probe.tls?.version),
    auth,
    greetingMs: probe.timings.greetingMs,
    downgrade,
    downgradeText: label(`downgrade.${downgrade}`),
    findings: own,
  };
}

/**
 * A finished probe while the check still runs: its findings come with the result, so a complete
 * session is only "done" (not yet "good"), while a failure already reads as what it is.
 */
export function liveProbeStatus(probe: PortProbe): PortStatus | 'done' {
  return probe.outcome === 'success' ? 'done' : probeStatus(probe, []);
}

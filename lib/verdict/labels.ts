/**
 * Every word the readers of a result use for its closed vocabularies, in one table keyed by stable
 * codes ("outcome.connection-refused", "status.untested", …). The web report, the widget, the CSV
 * header-less values, the badge and the CLI look words up here instead of keeping their own lists,
 * and a translation layer can later swap the table by key without touching any reader.
 *
 * Three lengths exist because three layouts exist: a table cell ("outcome"), a 60 px widget cell
 * ("short") and a terminal column ("terse"); they are variants of one reading, not separate ones.
 */
import type { Encryption, PortStatus, ProbeOutcome, ProbePhase, Severity, Summary } from '@/lib/probe/schema';
import type { ProbeReading } from './probe-status';

type Verdict = Summary['verdict'];

export const LABELS = {
  // Severity of a finding
  'severity.ok': 'OK',
  'severity.info': 'Info',
  'severity.warning': 'Warning',
  'severity.critical': 'Critical',

  // Overall verdict of a check
  'verdict.ok': 'All good',
  'verdict.info': 'Good, with notes',
  'verdict.warning': 'Needs attention',
  'verdict.critical': 'Problems found',
  'verdict.untested': 'Could not test',

  // Status of one port on one address (and rolled up per port)
  'status.ok': 'OK',
  'status.info': 'OK, notes',
  'status.warning': 'Warning',
  'status.critical': 'Critical',
  'status.untested': 'Not tested',
  'status.closed': 'Closed',
  'status.blocked': 'Not probed',

  // What protected a session
  'encryption.starttls': 'STARTTLS',
  'encryption.implicit-tls': 'Implicit TLS',
  'encryption.none': 'No encryption',
  'encryption.unknown': 'Unknown',

  // How a probe ended, as a table cell says it. 'unreachable' is split by who said so.
  'outcome.success': 'Answered',
  'outcome.blocked-target': 'Not probed: special-purpose address',
  'outcome.connection-refused': 'Refused',
  'outcome.connection-timeout': 'Timed out',
  'outcome.unreachable': 'Host unreachable',
  'outcome.no-route': 'No route from here',
  'outcome.connection-reset': 'Connection dropped',
  'outcome.io-timeout': 'Stopped answering',
  'outcome.server-busy': 'Busy, try later',
  'outcome.greeting-rejected': 'Rejects sessions',
  'outcome.command-rejected': 'EHLO refused',
  'outcome.not-smtp': 'Not SMTP',
  'outcome.tls-on-plain-port': 'Expects TLS at once',
  'outcome.plaintext-on-implicit-port': 'Plain text, not TLS',
  'outcome.starttls-rejected': 'STARTTLS refused',
  'outcome.tls-handshake-failed': 'TLS handshake failed',
  'outcome.reply-too-large': 'Reply flood',
  'outcome.protocol-error': 'Malformed replies',
  'outcome.aborted': 'Cancelled',

  // The same readings for a narrow widget cell (at most 11 characters)
  'short.starttls': 'STARTTLS',
  'short.implicit-tls': 'TLS',
  'short.plaintext': 'No TLS',
  'short.success': 'Answered',
  'short.blocked-target': 'Skipped',
  'short.connection-refused': 'Closed',
  'short.connection-timeout': 'Timeout',
  'short.unreachable': 'Unreachable',
  'short.no-route': 'No route',
  'short.connection-reset': 'Dropped',
  'short.io-timeout': 'Stalled',
  'short.server-busy': 'Busy',
  'short.greeting-rejected': 'Rejects',
  'short.command-rejected': 'Refused',
  'short.not-smtp': 'Not SMTP',
  'short.tls-on-plain-port': 'TLS only',
  'short.plaintext-on-implicit-port': 'No TLS',
  'short.starttls-rejected': 'No TLS',
  'short.tls-handshake-failed': 'TLS failed',
  'short.reply-too-large': 'Flood',
  'short.protocol-error': 'Garbled',
  'short.aborted': 'Cancelled',

  // The same readings for a terminal column (lower case, like other command-line tools)
  'terse.starttls': 'STARTTLS',
  'terse.implicit-tls': 'TLS',
  'terse.plaintext': 'plain',
  'terse.success': 'answered',
  'terse.blocked-target': 'blocked',
  'terse.connection-refused': 'refused',
  'terse.connection-timeout': 'timeout',
  'terse.unreachable': 'unreachable',
  'terse.no-route': 'no route',
  'terse.connection-reset': 'reset',
  'terse.io-timeout': 'timeout',
  'terse.server-busy': 'busy',
  'terse.greeting-rejected': 'rejected',
  'terse.command-rejected': 'EHLO refused',
  'terse.not-smtp': 'not SMTP',
  'terse.tls-on-plain-port': 'TLS-first',
  'terse.plaintext-on-implicit-port': 'plaintext',
  'terse.starttls-rejected': 'STARTTLS refused',
  'terse.tls-handshake-failed': 'TLS failed',
  'terse.reply-too-large': 'flood',
  'terse.protocol-error': 'bad replies',
  'terse.aborted': 'aborted',

  // Where a probe stopped, after "during …"
  'phase.policy': 'address check',
  'phase.connect': 'connect',
  'phase.greeting': 'greeting',
  'phase.ehlo': 'EHLO',
  'phase.starttls': 'STARTTLS',
  'phase.tls': 'TLS handshake',
  'phase.ehlo-tls': 'EHLO after TLS',
  'phase.relay': 'relay test',
  'phase.quit': 'QUIT',
  'phase.done': 'done',
  'phase.mail-before-tls': 'MAIL FROM before TLS',

  // A finished probe of a running check, before its findings exist
  'live.done': 'Done',

  // What a running probe waits for (live table; the widget's cell uses "short-stage")
  'stage.connecting': 'Connecting',
  'stage.tls': 'TLS handshake',
  'stage.greeting': 'Waiting for greeting',
  'stage.ehlo': 'EHLO',
  'stage.starttls': 'STARTTLS',
  'stage.ehlo-tls': 'EHLO after TLS',
  'stage.closing': 'Closing',
  'stage.done': 'Done',
  'short-stage.connecting': 'Connecting',
  'short-stage.tls': 'TLS',
  'short-stage.greeting': 'Greeting',
  'short-stage.ehlo': 'EHLO',
  'short-stage.starttls': 'STARTTLS',
  'short-stage.ehlo-tls': 'EHLO',
  'short-stage.closing': 'Closing',
  'short-stage.done': 'Done',

  // Can the encryption be stripped?
  'downgrade.none': 'none, TLS from the first byte',
  'downgrade.possible': 'possible, STARTTLS can be stripped',
  'downgrade.plaintext': 'nothing to strip: no encryption at all',
  'downgrade.unknown': 'unknown',
} as const;

export type LabelKey = keyof typeof LABELS;

/** The English word for a code. Unknown keys are a type error, so no reader can invent one. */
export function label(key: LabelKey): string {
  return LABELS[key];
}

export const severityLabel = (s: Severity) => label(`severity.${s}`);
export const verdictLabel = (v: Verdict) => label(`verdict.${v}`);
export const statusLabel = (s: PortStatus) => label(`status.${s}`);
export const encryptionLabel = (e: Encryption) => label(`encryption.${e}`);
export const phaseLabel = (p: ProbePhase) => label(`phase.${p}`);

/** A cell's headline for a reading: "STARTTLS", "Implicit TLS", "Refused", "No route from here" … */
export function readingLabel(r: ProbeReading, size: 'cell' | 'short' | 'terse'): string {
  if (size === 'cell') {
    if (r === 'starttls' || r === 'implicit-tls') return label(`encryption.${r}`);
    if (r === 'plaintext') return label('encryption.none');
    return label(`outcome.${r}`);
  }
  return label(`${size}.${r}`);
}

/** Word for an outcome in a table cell (no reading context, e.g. the CSV's or a legend's). */
export const outcomeLabel = (o: ProbeOutcome) => label(`outcome.${o}`);

/**
 * How the open relay test reads, in one place for every presentation (web report, widget, CSV,
 * CLI): one row per MX address that carried the test, a status word with its tone, a detail line,
 * and a one-line summary over the whole check. "Could not test" never reads as "closed".
 */
import type { CheckResult, RelayForm, RelayReason, RelayStatus, RelayTest, SmtpReply } from '@/lib/probe/schema';
import type { StatusMeta } from './status';

export const RELAY_FORM_LABEL: Record<RelayForm, string> = {
  plain: 'plain foreign address',
  'percent-hack': 'percent hack',
  'bang-path': 'bang path',
  'quoted-local-part': 'quoted local part',
};

export const RELAY_STATUS_META: Record<RelayStatus, StatusMeta> = {
  open: { label: 'Open relay', icon: 'cross', tone: 'bad' },
  closed: { label: 'Closed', icon: 'check', tone: 'good' },
  untested: { label: 'Could not test', icon: 'question', tone: 'muted' },
  'not-tested': { label: 'Not tested', icon: 'minus', tone: 'muted' },
};

const REASON_TEXT: Record<RelayReason, string> = {
  accepted: 'accepted a recipient at a domain it does not serve',
  refused: 'refused the foreign recipient in all four forms',
  temporary: 'temporary refusal (greylisting?)',
  'mail-from-refused': 'the test sender was refused',
  'no-answer': 'no answer during the test',
  'unexpected-reply': 'an unexpected reply',
  aborted: 'the check ended before the test finished',
  'not-reached': 'port 25 did not get far enough to test',
  'host-mode': 'single server: not tested unless asked for',
};

export interface RelayRow {
  /** the MX names this address was found under (the test runs once per address) */
  hosts: string[];
  address: string;
  relay: RelayTest;
  meta: StatusMeta;
  /** the status word, with the bypass form when one was accepted */
  label: string;
  /** why, in a few words, with the deciding reply when there is one */
  detail: string;
}

const replyText = (r: SmtpReply | undefined) => (r ? `${r.code} ${r.lines.join(' ')}`.slice(0, 120) : undefined);

/** The reply that decided the result (the accepted RCPT, or the first that was not a refusal). */
function decidingReply(relay: RelayTest): string | undefined {
  const a =
    relay.status === 'open'
      ? relay.attempts.find((x) => x.verdict === 'accepted')
      : relay.attempts.find((x) => x.verdict !== 'rejected') ?? relay.attempts[0];
  if (!a) return undefined;
  return replyText(a.verdict === 'mail-from-refused' ? a.mailFrom : a.rcpt);
}

export function describeRelay(relay: RelayTest): { meta: StatusMeta; label: string; detail: string } {
  const meta = RELAY_STATUS_META[relay.status];
  const form = relay.acceptedForm && relay.acceptedForm !== 'plain' ? ` via ${RELAY_FORM_LABEL[relay.acceptedForm]}` : '';
  const accepted = relay.attempts.find((x) => x.verdict === 'accepted');
  const reply = decidingReply(relay);
  const detail =
    relay.status === 'open' && accepted
      ? `accepted RCPT TO:<${accepted.recipient}>${reply ? ` (${reply})` : ''}`
      : `${REASON_TEXT[relay.reason]}${reply && relay.status === 'untested' ? `: ${reply}` : ''}`;
  return { meta, label: `${meta.label}${form}`, detail: `${detail}${relay.tls ? ' · inside TLS' : ''}` };
}

/** One row per address that carried a relay result, in probe order, with every MX name it has. */
export function relayRows(result: Pick<CheckResult, 'probes'>): RelayRow[] {
  const rows: RelayRow[] = [];
  for (const p of result.probes) {
    if (!p.relay) continue;
    rows.push({ hosts: [p.host], address: p.address, relay: p.relay, ...describeRelay(p.relay) });
  }
  for (const p of result.probes) {
    const row = rows.find((r) => r.address === p.address);
    if (row && !row.hosts.includes(p.host)) row.hosts.push(p.host);
  }
  return rows;
}

/** The relay result of one address, if it carried one. */
export function relayRowFor(result: Pick<CheckResult, 'probes'>, address: string): RelayRow | undefined {
  return relayRows(result).find((r) => r.address === address);
}

/** One line over the whole check for summaries (widget, CLI header); undefined without any result. */
export function relaySummary(result: Pick<CheckResult, 'probes'>): { meta: StatusMeta; text: string } | undefined {
  const rows = relayRows(result);
  if (rows.length === 0) return undefined;
  const open = rows.filter((r) => r.relay.status === 'open');
  if (open.length > 0) {
    return { meta: RELAY_STATUS_META.open, text: `Open relay on ${open.length} of ${rows.length} MX address${rows.length > 1 ? 'es' : ''}` };
  }
  if (rows.every((r) => r.relay.status === 'not-tested')) return { meta: RELAY_STATUS_META['not-tested'], text: 'Open relay not tested (single server)' };
  const closed = rows.filter((r) => r.relay.status === 'closed').length;
  if (closed === rows.length) return { meta: RELAY_STATUS_META.closed, text: 'Not an open relay' };
  if (closed === 0) return { meta: RELAY_STATUS_META.untested, text: 'Open relay: could not test' };
  return { meta: RELAY_STATUS_META.untested, text: `Not an open relay on ${closed} of ${rows.length} addresses; the rest could not be tested` };
}

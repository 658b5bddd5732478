/**
 * How the open relay test reads, in one place for every presentation (web report, widget, CSV,
 * CLI): one row per MX address that carried the test, a status word with its tone, a detail line,
 * and a one-line summary over the whole check. "Could not test" never reads as "closed".
 * Words are messages (lib/i18n/msg.ts): each presentation says them in its reader's language.
 */
import type { CheckResult, RelayStatus, RelayTest, SmtpReply } from '@/lib/probe/schema';
import { msg, type Msg } from '@/lib/i18n/msg';
import type { StatusMeta } from './status';

/** Icon and tone per status; `label` is the English word (the word itself comes from relay.status.*). */
export const RELAY_STATUS_META: Record<RelayStatus, StatusMeta> = {
  open: { label: 'Open relay', icon: 'cross', tone: 'bad' },
  closed: { label: 'Closed', icon: 'check', tone: 'good' },
  untested: { label: 'Could not test', icon: 'question', tone: 'muted' },
  'not-tested': { label: 'Not tested', icon: 'minus', tone: 'muted' },
};

export interface RelayRow {
  /** the MX names this address was found under (the test runs once per address) */
  hosts: string[];
  address: string;
  relay: RelayTest;
  meta: StatusMeta;
  /** the status word, with the bypass form when one was accepted */
  label: Msg;
  /** why, in a few words, with the deciding reply when there is one */
  detail: Msg;
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

export function describeRelay(relay: RelayTest): { meta: StatusMeta; label: Msg; detail: Msg } {
  const meta = RELAY_STATUS_META[relay.status];
  const status = msg(`relay.status.${relay.status}`);
  const label = relay.acceptedForm && relay.acceptedForm !== 'plain' ? msg('relay.via', { status, form: msg(`relay.form.${relay.acceptedForm}`) }) : status;
  const accepted = relay.attempts.find((x) => x.verdict === 'accepted');
  const reply = decidingReply(relay);
  let detail: Msg;
  if (relay.status === 'open' && accepted) {
    // The command is quoted as sent; as a value it is never read as markup by the message format.
    const command = `RCPT TO:<${accepted.recipient}>`;
    detail = reply ? msg('relay.acceptedReply', { command, reply }) : msg('relay.accepted', { command });
  } else {
    const reason = msg(`relay.reason.${relay.reason}`);
    detail = reply && relay.status === 'untested' ? msg('relay.reasonReply', { reason, reply }) : reason;
  }
  return { meta, label, detail: relay.tls ? msg('relay.inTls', { detail }) : detail };
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
export function relaySummary(result: Pick<CheckResult, 'probes'>): { meta: StatusMeta; text: Msg } | undefined {
  const rows = relayRows(result);
  if (rows.length === 0) return undefined;
  const open = rows.filter((r) => r.relay.status === 'open');
  if (open.length > 0) return { meta: RELAY_STATUS_META.open, text: msg('relay.summary.open', { open: open.length, total: rows.length }) };
  if (rows.every((r) => r.relay.status === 'not-tested')) return { meta: RELAY_STATUS_META['not-tested'], text: msg('relay.summary.notTested') };
  const closed = rows.filter((r) => r.relay.status === 'closed').length;
  if (closed === rows.length) return { meta: RELAY_STATUS_META.closed, text: msg('relay.summary.closed') };
  if (closed === 0) return { meta: RELAY_STATUS_META.untested, text: msg('relay.summary.untested') };
  return { meta: RELAY_STATUS_META.untested, text: msg('relay.summary.mixed', { closed, total: rows.length }) };
}

/**
 * The open relay rules, pure: how one RCPT reply reads, the recipient forms tried, and the verdict
 * over every attempt. "Could not test" is never "closed": only a 5xx to every form proves the server
 * refuses to relay.
 */
import type { RelayAttempt, RelayForm, RelayReason, RelayStatus, SmtpReply } from '@/lib/probe/schema';

/**
 * MAIL FROM and the foreign RCPT TO: at example.com, reserved by RFC 2606 §3, so no real mailbox
 * can ever be reached even if a server relays it. Configurable (PROBE_RELAY_TEST_ADDRESS).
 */
export const DEFAULT_RELAY_TEST_ADDRESS = 'relay-test@example.com';

/** RFC 5321 §4.2.2: 250 OK, 251 "user not local; will forward" both accept the recipient. */
const ACCEPTED = new Set([250, 251]);

export type AttemptVerdict = RelayAttempt['verdict'];

/** How the reply to RCPT TO reads for a recipient at a domain the server does not serve. */
export function rcptVerdict(reply: SmtpReply): AttemptVerdict {
  if (ACCEPTED.has(reply.code)) return 'accepted';
  if (reply.code >= 500 && reply.code < 600) return 'rejected';
  if (reply.code >= 400 && reply.code < 500) return 'temporary';
  return 'unexpected';
}

/** MAIL FROM must get a 2xx (RFC 5321 §4.1.1.2: 250); anything else leaves RCPT untestable. */
export function mailFromAccepted(reply: SmtpReply): boolean {
  return reply.code >= 200 && reply.code < 300;
}

/**
 * The recipients tried, in order, for a foreign test address `local@foreign` and a domain the
 * server does serve (`ownDomain`: the checked domain, or the host's name in host mode). The bypasses
 * hope the server accepts the address as its own and then forwards it to `foreign`.
 */
export function relayRecipients(testAddress: string, ownDomain: string): { form: RelayForm; recipient: string }[] {
  const at = testAddress.lastIndexOf('@');
  const local = testAddress.slice(0, at);
  const foreign = testAddress.slice(at + 1);
  return [
    { form: 'plain', recipient: testAddress },
    { form: 'percent-hack', recipient: `${local}%${foreign}@${ownDomain}` },
    { form: 'bang-path', recipient: `${foreign}!${local}@${ownDomain}` },
    { form: 'quoted-local-part', recipient: `"${local}@${foreign}"@${ownDomain}` },
  ];
}

/** Attempts that end the test at once: a verdict (accepted) or nothing more to learn. */
export function endsTest(verdict: AttemptVerdict): boolean {
  return verdict === 'accepted' || verdict === 'mail-from-refused' || verdict === 'no-answer';
}

export interface RelayVerdict {
  status: RelayStatus;
  reason: RelayReason;
  acceptedForm?: RelayForm;
}

/**
 * Open as soon as one form was accepted; closed only when every planned form was refused with a
 * 5xx; otherwise "could not test", for the reason of the first attempt that was not a refusal.
 */
export function relayVerdict(attempts: readonly RelayAttempt[], planned: number): RelayVerdict {
  const accepted = attempts.find((a) => a.verdict === 'accepted');
  if (accepted) return { status: 'open', reason: 'accepted', acceptedForm: accepted.form };
  if (attempts.length === planned && planned > 0 && attempts.every((a) => a.verdict === 'rejected')) {
    return { status: 'closed', reason: 'refused' };
  }
  const first = attempts.find((a) => a.verdict !== 'rejected');
  const reason: RelayReason =
    first?.verdict === 'temporary'
      ? 'temporary'
      : first?.verdict === 'mail-from-refused'
        ? 'mail-from-refused'
        : first?.verdict === 'unexpected'
          ? 'unexpected-reply'
          : 'no-answer';
  return { status: 'untested', reason };
}

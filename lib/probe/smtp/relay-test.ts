/**
 * The open relay test, run inside a port 25 probe after its STARTTLS part (inside TLS when it was
 * negotiated, else in clear), once per MX address. Per recipient form, at most three commands:
 *
 *     MAIL FROM:<test address>   RCPT TO:<form>   RSET
 *
 * for at most four forms (relay-verdict.ts), so at most 12 commands before the probe's QUIT. It
 * stops at the first accepted form, at a refused MAIL FROM and when the server stops answering.
 * DATA is never sent (SmtpSession refuses to write it), so no message can ever be transmitted.
 * Nothing here decides the probe's outcome: a failure is recorded as "could not test".
 */
import type { RelayAttempt, RelayTest, SmtpReply } from '@/lib/probe/schema';
import { endsTest, mailFromAccepted, rcptVerdict, relayRecipients, relayVerdict } from '@/lib/probe/relay/relay-verdict';
import type { ProbeRun } from './probe-run';
import type { SmtpSession } from './smtp-session';

/** What a port 25 probe is asked to do about relaying (run-check decides, once per address). */
export type RelayPlan =
  /** run the test: MAIL FROM and the foreign RCPT use testAddress; bypasses aim at ownDomain */
  | { test: true; testAddress: string; ownDomain: string }
  /** record why it was not run (host mode without the option) */
  | { test: false; reason: 'host-mode' };

/** One command and its reply; undefined when there was none (timeout, closed). Aborts propagate. */
async function exchange(run: ProbeRun, session: SmtpSession, line: string): Promise<SmtpReply | undefined> {
  if (!session.send(line)) return undefined;
  const res = await session.readReply(run.deadline(run.limits.commandTimeoutMs), run.opts.signal);
  if (res.ok) return res.reply;
  if (res.failure.kind === 'interrupted' && res.failure.interrupted === 'aborted') {
    run.stop('aborted', { systemError: 'ABORTED', message: 'the check was cancelled' });
  }
  return undefined;
}

export async function relayTest(run: ProbeRun, session: SmtpSession, plan: Extract<RelayPlan, { test: true }>): Promise<RelayTest> {
  run.phase = 'relay';
  const tls = run.encryption === 'starttls';
  const forms = relayRecipients(plan.testAddress, plan.ownDomain);
  run.note(
    `open relay test (${tls ? 'inside TLS' : 'in clear'}): MAIL FROM and RCPT TO a foreign address, then RSET; never DATA`,
  );
  const attempts: RelayAttempt[] = [];
  let aborted = false;
  let result: RelayTest | undefined;
  try {
    for (const { form, recipient } of forms) {
      const mailFrom = await exchange(run, session, `MAIL FROM:<${plan.testAddress}>`);
      let attempt: RelayAttempt;
      if (!mailFrom) attempt = { form, recipient, verdict: 'no-answer' };
      else if (!mailFromAccepted(mailFrom)) attempt = { form, recipient, mailFrom, verdict: 'mail-from-refused' };
      else {
        const rcpt = await exchange(run, session, `RCPT TO:<${recipient}>`);
        attempt = rcpt ? { form, recipient, mailFrom, rcpt, verdict: rcptVerdict(rcpt) } : { form, recipient, mailFrom, verdict: 'no-answer' };
      }
      attempts.push(attempt);
      // Whatever happened, the transaction is cleared before anything else is said.
      if (attempt.verdict !== 'no-answer') await exchange(run, session, 'RSET');
      if (endsTest(attempt.verdict)) break;
    }
  } catch (err) {
    aborted = true;
    throw err;
  } finally {
    const v = aborted ? { status: 'untested' as const, reason: 'aborted' as const } : relayVerdict(attempts, forms.length);
    result = { ...v, tls, sender: plan.testAddress, attempts };
    run.relay = result;
    run.note(
      v.status === 'open'
        ? `open relay: the server accepted the ${v.acceptedForm} recipient form for a domain it does not serve`
        : v.status === 'closed'
          ? 'relaying refused for every recipient form'
          : `relay test inconclusive (${v.reason})`,
    );
  }
  return result;
}

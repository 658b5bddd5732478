/**
 * Does a submission server insist on TLS before a mail transaction? After the plaintext EHLO the
 * probe sends `MAIL FROM:<>` (the null reverse-path: no address of anyone's), reads the answer and
 * sends RSET, then goes on with STARTTLS. A 2xx means credentials and mail could be handed over in
 * clear by a client that skips STARTTLS (RFC 3207 §4: a server may require TLS with 530 5.7.0).
 * Never RCPT, never DATA: no mail is ever sent.
 */
import type { ProbePortOptions } from '@/lib/probe/probe-port';
import { command } from './probe-steps';
import type { ProbeRun } from './probe-run';
import type { SmtpSession } from './smtp-session';

/** Submission ports always; port 25 only when the user named the server (host mode). */
export function testsMailBeforeTls(opts: Pick<ProbePortOptions, 'port' | 'mode'>): boolean {
  return opts.port === 587 || opts.port === 2525 || (opts.port === 25 && opts.mode === 'host');
}

export async function mailBeforeTls(run: ProbeRun, session: SmtpSession): Promise<void> {
  const phase = run.phase;
  run.phase = 'mail-before-tls';
  const reply = await command(run, session, 'MAIL FROM:<>');
  const accepted = reply.code >= 200 && reply.code < 300;
  run.mailBeforeTls = { reply, accepted };
  if (reply.code === 421) {
    // The server is closing the session: as for a 421 anywhere else, could not test.
    run.stop('server-busy', { smtpCode: 421, message: reply.lines.join(' ') });
  }
  // RSET whatever the answer: nothing of this transaction may linger into the TLS session.
  await command(run, session, 'RSET');
  run.phase = phase;
}

/**
 * The steps a port probe is made of. Each records what it learns on the ProbeRun (timings, replies,
 * events, transcript) and ends the probe with a ProbeStop when the server fails it.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Ehlo, ProbeOutcome, SmtpReply } from '@/lib/probe/schema';
import type { WaitInterrupt } from '@/lib/probe/net/deadline';
import { guardedConnect } from '@/lib/probe/net/guarded-connect';
import { waitForConnect } from '@/lib/probe/net/wait-for-connect';
import { tlsHandshake } from '@/lib/probe/net/tls-handshake';
import { describeTls } from '@/lib/probe/tls/describe-tls';
import { parseEhlo } from './capabilities';
import { ProbeStop, type ProbeRun } from './probe-run';
import { SmtpSession, type ReadFailure, type ReadResult } from './smtp-session';

/** RFC 5321 §4.5.3.2.8 allows 5 minutes for QUIT's 221; an interactive tool waits briefly. */
const QUIT_WAIT_MS = 2_000;

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN']);

/** How a failed TCP connect reads as an outcome. */
export function connectOutcome(code: string | undefined): ProbeOutcome {
  if (code === 'ECONNREFUSED') return 'connection-refused';
  if (code === 'ETIMEDOUT') return 'connection-timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection-reset';
  if (code !== undefined && UNREACHABLE.has(code)) return 'unreachable';
  return 'unreachable';
}

/** The stop for a wait that was cut short: cancelled, out of budget, or past its own deadline. */
function interruption(run: ProbeRun, interrupted: WaitInterrupt, what: string, stageMs: number, timeout: ProbeOutcome): ProbeStop {
  if (interrupted === 'aborted') return new ProbeStop('aborted', run.phase, { systemError: 'ABORTED', message: 'the check was cancelled' });
  if (interrupted === 'budget') {
    return new ProbeStop(timeout, run.phase, { systemError: 'PROBE_BUDGET', message: `the probe's ${run.limits.probeBudgetMs} ms budget ran out (${what})` });
  }
  return new ProbeStop(timeout, run.phase, { systemError: 'ETIMEDOUT', message: `${what}: no answer within ${stageMs} ms` });
}

/** Ends the probe for a failed read (timeout, closed connection, or a reply we refuse to accept). */
export function failRead(run: ProbeRun, failure: ReadFailure, what: string, stageMs: number): never {
  switch (failure.kind) {
    case 'interrupted':
      throw interruption(run, failure.interrupted, what, stageMs, 'io-timeout');
    case 'closed':
      return run.stop('connection-reset', { systemError: failure.code, message: failure.message });
    case 'reader': {
      const e = failure.error;
      if (e.kind === 'not-smtp') return run.stop('not-smtp', { ...(e.protocol ? { foreignProtocol: e.protocol } : {}), message: e.message });
      if (e.kind === 'reply-too-large') return run.stop('reply-too-large', { systemError: 'REPLY_TOO_LARGE', message: e.limit ?? e.message });
      return run.stop('protocol-error', { systemError: 'PROTOCOL_ERROR', message: e.message });
    }
  }
}

/** Guard, then TCP connect within connectTimeoutMs. The socket is tracked by the run. */
export async function openConnection(run: ProbeRun, opts: { announce: boolean }): Promise<Socket> {
  const { address, port, family, policy, connect } = run.opts;
  run.phase = 'policy';
  const guarded = guardedConnect({ address, port, family, policy, ...(connect ? { connect } : {}) });
  if (!guarded.ok) {
    run.note(`not connecting: ${guarded.refusal.message}`);
    const range = guarded.refusal.policy?.range;
    run.stop('blocked-target', { refusal: { reason: guarded.refusal.reason, ...(range !== undefined ? { range } : {}) }, message: guarded.refusal.message });
  }
  const socket = guarded.socket;
  run.track(socket);
  run.phase = 'connect';
  const start = run.now();
  run.note(`connecting to ${family === 6 ? `[${address}]` : address}:${port}`);
  const res = await waitForConnect(socket, { deadline: run.deadline(run.limits.connectTimeoutMs), ...(run.opts.signal ? { signal: run.opts.signal } : {}) });
  if (res !== undefined) {
    socket.destroy();
    if ('interrupted' in res) {
      run.note(`connect ${res.interrupted}`);
      throw interruption(run, res.interrupted, 'TCP connect', run.limits.connectTimeoutMs, 'connection-timeout');
    }
    run.note(`connect failed: ${res.code ?? res.message}`);
    run.stop(connectOutcome(res.code), { ...(res.code ? { systemError: res.code } : {}), message: res.message });
  }
  const ms = run.since(start);
  if (opts.announce) {
    run.timings.connectMs = ms;
    run.emit({ type: 'probe-connected', ...run.key, ms });
  }
  run.note(`connected in ${ms} ms`);
  return socket;
}

export function openSession(run: ProbeRun, socket: Socket): SmtpSession {
  return new SmtpSession(socket, run.limits, run.transcript);
}

/**
 * A TLS handshake on `socket`; on success the TLS details are recorded and announced. On failure
 * the ProbeStop is returned rather than thrown, so the caller can look further (plaintext on 465).
 */
export async function handshake(run: ProbeRun, socket: Socket, mode: 'starttls' | 'implicit'): Promise<TLSSocket | ProbeStop> {
  run.phase = 'tls';
  const start = run.now();
  const hs = await tlsHandshake({
    socket,
    host: run.opts.host,
    ctx: run.opts.tls,
    deadline: run.deadline(run.limits.tlsTimeoutMs),
    ...(run.opts.signal ? { signal: run.opts.signal } : {}),
  });
  run.track(hs.socket);
  if (!hs.ok) {
    if ('interrupted' in hs) {
      run.note(`TLS handshake ${hs.interrupted}`);
      return interruption(run, hs.interrupted, 'TLS handshake', run.limits.tlsTimeoutMs, 'io-timeout');
    }
    run.note(`TLS handshake failed: ${hs.code} ${hs.message}`);
    return new ProbeStop('tls-handshake-failed', 'tls', { systemError: hs.code, message: hs.message });
  }
  const handshakeMs = run.since(start);
  run.timings.tlsMs = handshakeMs;
  const info = describeTls(hs.socket, {
    ...(hs.peerCertificate ? { peerCertificate: hs.peerCertificate } : {}),
    mode,
    servername: run.opts.host,
    handshakeMs,
    now: new Date(run.opts.clock.now()),
    ctx: run.opts.tls,
  });
  run.tls = info;
  const trust = info.trusted ? 'trusted' : `not trusted${info.verifyError ? ` (${info.verifyError})` : ''}`;
  run.note(`TLS established: ${info.version ?? '?'} ${info.cipher ?? '?'}${info.group ? ` ${info.group}` : ''}, certificate ${trust}`);
  run.emit({ type: 'probe-tls', ...run.key, ms: handshakeMs, ...(info.version ? { version: info.version } : {}), trusted: info.trusted });
  run.opts.onTls?.(info);
  return hs.socket;
}

/**
 * Reads the whole greeting within greetingTimeoutMs, an absolute deadline: a server dripping a byte
 * at a time still ends. Nothing is sent before its last line.
 */
export async function receiveGreeting(run: ProbeRun, session: SmtpSession): Promise<ReadResult> {
  run.phase = 'greeting';
  const start = run.now();
  const res = await session.readReply(run.deadline(run.limits.greetingTimeoutMs), run.opts.signal);
  if (!res.ok) return res;
  const ms = run.since(start);
  run.timings.greetingMs = ms;
  run.greeting = res.reply;
  run.emit({ type: 'probe-greeting', ...run.key, ms, greeting: res.reply });
  return res;
}

/** 220 lets the probe go on; 4xx says "try later"; 5xx says "no SMTP service for you". */
export async function acceptGreeting(run: ProbeRun, session: SmtpSession, greeting: SmtpReply): Promise<void> {
  if (greeting.code === 220) return;
  const text = greeting.lines.join(' ');
  if (greeting.code >= 400 && greeting.code < 500) {
    await sayQuit(run, session);
    run.stop('server-busy', { smtpCode: greeting.code, message: text });
  }
  if (greeting.code >= 500 && greeting.code < 600) {
    await sayQuit(run, session);
    run.stop('greeting-rejected', { smtpCode: greeting.code, message: text });
  }
  run.stop('protocol-error', { systemError: 'PROTOCOL_ERROR', message: `unexpected greeting code ${greeting.code}` });
}

/** Sends one command and reads its reply within commandTimeoutMs. */
export async function command(run: ProbeRun, session: SmtpSession, line: string): Promise<SmtpReply> {
  const verb = line.split(' ')[0] ?? line;
  if (!session.send(line)) run.stop('connection-reset', { systemError: 'EOF', message: `the connection was closed before ${verb}` });
  const res = await session.readReply(run.deadline(run.limits.commandTimeoutMs), run.opts.signal);
  if (!res.ok) failRead(run, res.failure, `reply to ${verb}`, run.limits.commandTimeoutMs);
  return res.reply;
}

/**
 * EHLO, falling back to HELO when EHLO is refused for good (5xx, RFC 5321 §4.1.4); stores and
 * announces the result. A 4xx (421 included) says "try later", as a sending MTA reads it: the port
 * could not be tested, and HELO is not tried, since a HELO session shows no STARTTLS either way.
 */
export async function sayEhlo(run: ProbeRun, session: SmtpSession, tls: boolean): Promise<Ehlo> {
  run.phase = tls ? 'ehlo-tls' : 'ehlo';
  const start = run.now();
  const name = run.opts.ehloName;
  let reply = await command(run, session, `EHLO ${name}`);
  let heloFallback = false;
  const refuse = async (r: SmtpReply): Promise<never> => {
    await sayQuit(run, session);
    const detail = { smtpCode: r.code, message: r.lines.join(' ') };
    return run.stop(r.code >= 400 && r.code < 500 ? 'server-busy' : 'command-rejected', detail);
  };
  if (reply.code >= 400 && reply.code < 500) await refuse(reply);
  if (reply.code < 200 || reply.code >= 300) {
    const ehloReply = reply;
    // A server that refuses EHLO and hangs up has given its answer: the refusal, not a dropped line.
    if (!session.send(`HELO ${name}`)) return refuse(ehloReply);
    const res = await session.readReply(run.deadline(run.limits.commandTimeoutMs), run.opts.signal);
    if (!res.ok) {
      if (res.failure.kind === 'closed') return refuse(ehloReply);
      failRead(run, res.failure, 'reply to HELO', run.limits.commandTimeoutMs);
    }
    reply = res.reply;
    heloFallback = true;
    if (reply.code < 200 || reply.code >= 300) await refuse(reply);
  }
  const ehlo = parseEhlo(reply, { heloFallback });
  const ms = run.since(start);
  if (tls) {
    run.ehloTls = ehlo;
    run.timings.ehloTlsMs = ms;
  } else {
    run.ehlo = ehlo;
    run.timings.ehloMs = ms;
  }
  run.emit({ type: 'probe-ehlo', ...run.key, ms, tls, ehlo });
  return ehlo;
}

/** STARTTLS, then the handshake over the same socket. Leaves the session talking TLS. */
export async function startTls(run: ProbeRun, session: SmtpSession): Promise<void> {
  run.phase = 'starttls';
  const reply = await command(run, session, 'STARTTLS');
  run.starttlsReply = reply;
  if (reply.code === 421) {
    // RFC 5321 §3.8: 421 is the server closing the session (overload, shutdown), not a verdict on
    // its TLS: could not test, like a 421 greeting. 454 and the rest stay "STARTTLS refused".
    run.encryption = 'unknown';
    run.stop('server-busy', { smtpCode: 421, message: reply.lines.join(' ') });
  }
  if (reply.code !== 220) {
    run.encryption = 'none';
    await sayQuit(run, session);
    run.stop('starttls-rejected', { smtpCode: reply.code, message: reply.lines.join(' ') });
  }
  const plain = session.detachForTls();
  const tls = await handshake(run, plain, 'starttls');
  if (tls instanceof ProbeStop) {
    // The server offered TLS and could not deliver it: mail to it goes in clear, or not at all.
    if (tls.outcome === 'tls-handshake-failed') run.encryption = 'none';
    throw tls;
  }
  run.encryption = 'starttls';
  session.attachTls(tls);
}

/**
 * QUIT and a short wait for 221, so the server can close cleanly and log a polite client. Never
 * fails the probe: by now the outcome is decided.
 */
export async function sayQuit(run: ProbeRun, session: SmtpSession): Promise<void> {
  if (session.quitSent || !session.send('QUIT')) return;
  await session.readReply(run.deadline(Math.min(run.limits.commandTimeoutMs, QUIT_WAIT_MS)), run.opts.signal);
}

/**
 * One port on one address, probed the way a careful mail client would: connect through the address
 * guard, wait for the whole greeting before saying a word, EHLO, STARTTLS when offered (implicit TLS
 * on 465), EHLO again inside TLS, QUIT. On submission ports, MAIL FROM:<> before STARTTLS to see
 * whether TLS is required (then RSET). On the one port 25 probe per address that run-check picks,
 * the open relay test comes before QUIT (MAIL FROM, RCPT TO, RSET: smtp/relay-test.ts). Never DATA.
 * It also recognises the usual
 * misconfigurations: plaintext on 465, TLS from the first byte on 25/587/2525, a rejected or broken
 * STARTTLS, a non-SMTP speaker, a flood.
 *
 * probePort never throws for a server's fault: every ending is a PortProbe that keeps what was
 * gathered. It throws only for our own bugs.
 */
import type { TLSSocket } from 'node:tls';
import type { CheckEvent, CheckMode, PortProbe, Port, TlsInfo } from './schema';
import { mailBeforeTls, testsMailBeforeTls } from './smtp/mail-before-tls';
import { ProbeRun, ProbeStop } from './smtp/probe-run';
import {
  acceptGreeting,
  failRead,
  handshake,
  openConnection,
  openSession,
  receiveGreeting,
  sayEhlo,
  sayQuit,
  startTls,
} from './smtp/probe-steps';
import { relayTest, type RelayPlan } from './smtp/relay-test';
import type { AddressPolicy, Clock, ConnectFn, ProbeLimits, ProbeLogger, TlsContext } from './types';

export interface ProbePortOptions {
  /** the host name probed: SNI and certificate matching (an IP literal sends no SNI) */
  host: string;
  /** the IP literal to connect to; never a name */
  address: string;
  family: 4 | 6;
  port: Port;
  ehloName: string;
  limits: ProbeLimits;
  policy: AddressPolicy;
  tls: TlsContext;
  clock: Clock;
  signal?: AbortSignal;
  logger?: ProbeLogger;
  /** progress: probe-connected, probe-greeting, probe-ehlo, probe-tls (probe-done is the caller's) */
  onEvent?: (ev: CheckEvent) => void;
  /** the raw TCP connector used after the address guard (default: net.connect to the literal) */
  connect?: ConnectFn;
  /** port 25 only: run the open relay test before QUIT, or record why not (absent: not this probe) */
  relay?: RelayPlan;
  /** the check's mode: in host mode port 25 is tested like a submission port (MAIL before TLS) */
  mode?: CheckMode;
  /** called once a TLS handshake of this probe succeeded (run-check starts the TLS matrix there) */
  onTls?: (tls: TlsInfo) => void;
}

export async function probePort(opts: ProbePortOptions): Promise<PortProbe> {
  const run = new ProbeRun(opts);
  let stop: ProbeStop | undefined;
  try {
    if (opts.signal?.aborted) run.stop('aborted', { systemError: 'ABORTED', message: 'the check was cancelled' });
    if (opts.port === 465) await probeImplicitTls(run);
    else await probeStarttlsPort(run);
  } catch (err) {
    if (!(err instanceof ProbeStop)) throw err;
    stop = err;
    if (stop.outcome === 'aborted') run.note('probe cancelled');
  } finally {
    run.release();
  }
  const result = run.result(stop);
  opts.logger?.debug(
    { host: opts.host, address: opts.address, port: opts.port, outcome: result.outcome, phase: result.phase, ms: result.timings.totalMs },
    'port probe done',
  );
  return result;
}

/** 25, 587, 2525: plaintext greeting, then STARTTLS when offered. */
async function probeStarttlsPort(run: ProbeRun): Promise<void> {
  const session = openSession(run, await openConnection(run, { announce: true }));
  const greeting = await receiveGreeting(run, session);
  if (!greeting.ok) {
    const f = greeting.failure;
    // Total silence (not a slow drip) is what a server waiting for a TLS ClientHello looks like.
    if (f.kind === 'interrupted' && f.interrupted === 'timeout' && session.bytesReceived === 0) {
      session.release();
      // One connection at a time per probe: the per-target bound (TargetGate) counts probes.
      run.destroyAll();
      await checkTlsFirst(run);
    }
    failRead(run, f, 'greeting', run.limits.greetingTimeoutMs);
  }
  await acceptGreeting(run, session, greeting.reply);
  const ehlo = await sayEhlo(run, session, false);
  if (ehlo.starttls) {
    if (testsMailBeforeTls(run.opts)) await mailBeforeTls(run, session);
    await startTls(run, session);
    await sayEhlo(run, session, true);
  } else {
    run.encryption = 'none';
  }
  const relay = run.opts.relay;
  if (relay?.test && run.opts.port === 25) await relayTest(run, session, relay);
  run.phase = 'quit';
  await sayQuit(run, session);
}

/** 465: TLS from the first byte (RFC 8314), then the SMTP conversation inside it. */
async function probeImplicitTls(run: ProbeRun): Promise<void> {
  const socket = await openConnection(run, { announce: true });
  const tls = await handshake(run, socket, 'implicit');
  if (tls instanceof ProbeStop) {
    if (tls.outcome !== 'aborted') {
      run.destroyAll(); // one connection at a time, as above
      await checkPlaintextOnImplicitPort(run);
    }
    throw tls;
  }
  run.encryption = 'implicit-tls';
  await converseInsideTls(run, tls);
}

/** Greeting, EHLO and QUIT inside an implicit-TLS connection; the EHLO is stored as ehloTls. */
async function converseInsideTls(run: ProbeRun, tls: TLSSocket): Promise<void> {
  const session = openSession(run, tls);
  const greeting = await receiveGreeting(run, session);
  if (!greeting.ok) failRead(run, greeting.failure, 'greeting', run.limits.greetingTimeoutMs);
  await acceptGreeting(run, session, greeting.reply);
  await sayEhlo(run, session, true);
  run.phase = 'quit';
  await sayQuit(run, session);
}

/**
 * Runs a step whose failure must not decide the outcome (a second look after the main finding, or a
 * check that may come up empty). A cancellation still ends the probe.
 */
async function attempt<T>(run: ProbeRun, step: () => Promise<T>): Promise<T | undefined> {
  const phase = run.phase;
  try {
    return await step();
  } catch (err) {
    if (!(err instanceof ProbeStop) || err.outcome === 'aborted') throw err;
    run.note(`(${err.outcome}${err.detail.message ? `: ${err.detail.message}` : ''})`);
    return undefined;
  } finally {
    run.phase = phase;
  }
}

/**
 * 465 whose TLS handshake failed: if a fresh plain connection gets an SMTP greeting, the port speaks
 * plaintext where clients expect TLS. Its EHLO is kept, since it shows what the port offers in clear.
 */
async function checkPlaintextOnImplicitPort(run: ProbeRun): Promise<void> {
  run.note('connecting again without TLS to see whether the port speaks plaintext SMTP');
  const found = await attempt(run, async () => {
    const session = openSession(run, await openConnection(run, { announce: false }));
    const greeting = await receiveGreeting(run, session);
    if (!greeting.ok) failRead(run, greeting.failure, 'greeting', run.limits.greetingTimeoutMs);
    return { session, greeting: greeting.reply };
  });
  if (!found) return;
  run.encryption = 'none';
  if (found.greeting.code === 220) await attempt(run, () => sayEhlo(run, found.session, false));
  await sayQuit(run, found.session);
  throw new ProbeStop(
    'plaintext-on-implicit-port',
    'tls',
    { systemError: 'PLAINTEXT_ON_465', message: `port ${run.opts.port} answered with a plaintext SMTP greeting instead of a TLS handshake` },
  );
}

/**
 * 25/587/2525 that stayed silent: if a fresh connection completes a TLS handshake, the port expects
 * TLS from the first byte, which plaintext clients and STARTTLS clients both fail on. Whatever the
 * server says inside TLS is kept as context.
 */
async function checkTlsFirst(run: ProbeRun): Promise<void> {
  run.note('no greeting at all; trying a TLS handshake on a new connection');
  const tls = await attempt(run, async () => {
    const socket = await openConnection(run, { announce: false });
    const result = await handshake(run, socket, 'implicit');
    if (result instanceof ProbeStop) throw result;
    return result;
  });
  if (!tls) return;
  run.encryption = 'implicit-tls';
  await attempt(run, () => converseInsideTls(run, tls));
  throw new ProbeStop('tls-on-plain-port', 'greeting', { systemError: 'TLS_ON_PLAIN_PORT', message: `port ${run.opts.port} expects TLS from the first byte` });
}

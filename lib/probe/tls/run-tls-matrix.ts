/**
 * Runs the TLS matrix of one (address, port) that negotiated TLS (plan and reading in
 * tls-matrix.ts). Each attempt is a fresh connection through the address guard, holding its own
 * slot of the per-target gate: on STARTTLS ports the greeting, EHLO and STARTTLS are replayed with
 * the probe's SMTP session code, on implicit-TLS ports the handshake starts at once. After a
 * completed handshake the attempt says QUIT (STARTTLS) or just closes (implicit TLS, before the
 * greeting: nothing is said before it). Never MAIL, RCPT or DATA.
 *
 * At most `concurrency` attempts of one port run at once; every wait has its stage deadline, the
 * matrix as a whole the probe budget, and the check's signal ends it all. Like probePort it never
 * throws for a server's fault.
 */
import type { Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { TlsMatrix, TlsVersionName } from '@/lib/probe/schema';
import { deadlineFor, type WaitInterrupt } from '@/lib/probe/net/deadline';
import { guardedConnect } from '@/lib/probe/net/guarded-connect';
import { waitForConnect } from '@/lib/probe/net/wait-for-connect';
import { tlsHandshake } from '@/lib/probe/net/tls-handshake';
import { SmtpSession } from '@/lib/probe/smtp/smtp-session';
import { Transcript } from '@/lib/probe/smtp/transcript';
import type { AddressPolicy, Clock, ConnectFn, ProbeLimits, ProbeLogger, TargetGate, TlsContext } from '@/lib/probe/types';
import { localTlsSupport } from './local-tls-support';
import {
  familyCipherString,
  isLocalTlsError,
  TlsMatrixPlanner,
  VERSION_CIPHERS,
  type AttemptOutcome,
  type LocalTlsSupport,
  type MatrixAttempt,
} from './tls-matrix';

/** Handshakes of one port at once, unless configured otherwise (PROBE_TLS_MATRIX_CONCURRENCY). */
export const DEFAULT_MATRIX_CONCURRENCY = 3;

const CLOSE_GRACE_MS = 250;

export interface TlsMatrixOptions {
  host: string;
  address: string;
  family: 4 | 6;
  port: number;
  /** how the port's own probe got TLS: replayed the same way */
  mode: 'starttls' | 'implicit';
  /** what the port's own handshake negotiated (offering every version) */
  negotiated: { version?: string; cipher?: string };
  ehloName: string;
  limits: ProbeLimits;
  policy: AddressPolicy;
  clock: Clock;
  connect?: ConnectFn;
  signal?: AbortSignal;
  gate?: TargetGate;
  /** attempts of this port at once (≥ 1) */
  concurrency?: number;
  logger?: ProbeLogger;
  /** tests: what the local OpenSSL can offer (default: measured) */
  local?: LocalTlsSupport;
}

/** One secure context per (versions, ciphers): a handful per process, built on first use. */
const contexts = new Map<string, TlsContext>();

function contextFor(attempt: MatrixAttempt, local: LocalTlsSupport): TlsContext {
  let minVersion: TlsVersionName;
  let maxVersion: TlsVersionName;
  let ciphers: string;
  if (attempt.kind === 'versions') {
    minVersion = attempt.versions[0]!;
    maxVersion = attempt.versions[attempt.versions.length - 1]!;
    ciphers = maxVersion === 'TLSv1.3' ? 'DEFAULT:@SECLEVEL=0' : VERSION_CIPHERS;
  } else {
    const legacy = (['TLSv1', 'TLSv1.1', 'TLSv1.2'] as const).filter((v) => local.versions.has(v));
    minVersion = legacy[0] ?? 'TLSv1.2';
    maxVersion = legacy[legacy.length - 1] ?? 'TLSv1.2';
    ciphers = familyCipherString(attempt.families);
  }
  const key = `${minVersion}|${maxVersion}|${ciphers}`;
  let ctx = contexts.get(key);
  if (!ctx) {
    let secureContext: SecureContext | undefined;
    // No trust anchors: the matrix asks what the server accepts; the probe judged its certificate.
    ctx = {
      get secureContext() {
        secureContext ??= createSecureContext({ minVersion, maxVersion, ciphers });
        return secureContext;
      },
      anchorFingerprints: new Set<string>(),
    };
    contexts.set(key, ctx);
  }
  return ctx;
}

function interrupted(i: WaitInterrupt, what: string): AttemptOutcome {
  if (i === 'aborted') return { kind: 'untested', reason: 'aborted' };
  return { kind: 'untested', reason: 'timeout', detail: `${what}: no answer in time` };
}

/** One attempt: connect, replay the SMTP start when needed, handshake, close. */
async function runAttempt(o: TlsMatrixOptions, attempt: MatrixAttempt, local: LocalTlsSupport, budgetAt: number): Promise<AttemptOutcome> {
  let ctx: TlsContext;
  try {
    ctx = contextFor(attempt, local);
    void ctx.secureContext;
  } catch (err) {
    return { kind: 'untested', reason: 'local-openssl', detail: (err as Error).message };
  }
  const release = o.gate ? await o.gate.acquire(o.address, o.signal) : () => {};
  if (!release) return { kind: 'untested', reason: 'aborted' };
  const sockets: Socket[] = [];
  const now = () => o.clock.monotonic();
  const deadline = (ms: number) => deadlineFor(ms, budgetAt, now);
  const signal = o.signal ? { signal: o.signal } : {};
  try {
    const guarded = guardedConnect({ address: o.address, port: o.port, family: o.family, policy: o.policy, ...(o.connect ? { connect: o.connect } : {}) });
    if (!guarded.ok) return { kind: 'untested', reason: 'no-session', detail: guarded.refusal.message };
    const socket = guarded.socket;
    socket.on('error', () => {});
    sockets.push(socket);
    const connected = await waitForConnect(socket, { deadline: deadline(o.limits.connectTimeoutMs), ...signal });
    if (connected !== undefined) {
      if ('interrupted' in connected) return interrupted(connected.interrupted, 'TCP connect');
      return { kind: 'untested', reason: 'no-session', detail: `connect failed: ${connected.code ?? connected.message}` };
    }

    let plain: Socket = socket;
    if (o.mode === 'starttls') {
      // The transcript is not kept: the probe's own transcript shows the conversation once.
      const session = new SmtpSession(socket, o.limits, new Transcript(16, () => 0));
      const step = async (line: string | undefined, stageMs: number, want: (code: number) => boolean): Promise<AttemptOutcome | undefined> => {
        if (line !== undefined && !session.send(line)) return { kind: 'untested', reason: 'no-session', detail: `the connection closed before ${line.split(' ')[0]}` };
        const res = await session.readReply(deadline(stageMs), o.signal);
        const what = line === undefined ? 'greeting' : `reply to ${line.split(' ')[0]}`;
        if (!res.ok) {
          if (res.failure.kind === 'interrupted') return interrupted(res.failure.interrupted, what);
          return { kind: 'untested', reason: 'no-session', detail: `${what}: ${res.failure.kind === 'closed' ? res.failure.message : res.failure.error.message}` };
        }
        if (!want(res.reply.code)) return { kind: 'untested', reason: 'no-session', detail: `${what}: ${res.reply.code} ${res.reply.lines.join(' ')}`.slice(0, 200) };
        return undefined;
      };
      const stop =
        (await step(undefined, o.limits.greetingTimeoutMs, (c) => c === 220)) ??
        (await step(`EHLO ${o.ehloName}`, o.limits.commandTimeoutMs, (c) => c >= 200 && c < 300)) ??
        (await step('STARTTLS', o.limits.commandTimeoutMs, (c) => c === 220));
      if (stop) {
        session.send('QUIT');
        return stop;
      }
      plain = session.detachForTls();
    }

    const hs = await tlsHandshake({ socket: plain, host: o.host, ctx, deadline: deadline(o.limits.tlsTimeoutMs), ...signal });
    sockets.push(hs.socket);
    if (hs.ok) {
      const cipher = hs.socket.getCipher();
      const version = hs.socket.getProtocol() ?? cipher.version;
      // Implicit TLS: the greeting has not come yet, and nothing is said before it.
      if (o.mode === 'starttls') hs.socket.write('QUIT\r\n');
      return { kind: 'accepted', version, cipher: cipher.name, ...(cipher.standardName ? { standardName: cipher.standardName } : {}) };
    }
    if ('interrupted' in hs) return interrupted(hs.interrupted, 'TLS handshake');
    if (isLocalTlsError(hs.code)) return { kind: 'untested', reason: 'local-openssl', detail: hs.message };
    return { kind: 'refused', detail: hs.message };
  } finally {
    const live = sockets.filter((s) => !s.destroyed).reverse();
    for (const s of live) s.end();
    if (live.length > 0) setTimeout(() => live.forEach((s) => s.destroy()), CLOSE_GRACE_MS).unref();
    release();
  }
}

export async function runTlsMatrix(o: TlsMatrixOptions): Promise<TlsMatrix> {
  const t0 = o.clock.monotonic();
  const local = o.local ?? (await localTlsSupport());
  const planner = new TlsMatrixPlanner(o.negotiated, local);
  const budgetAt = t0 + o.limits.probeBudgetMs;
  const cap = Math.max(1, o.concurrency ?? DEFAULT_MATRIX_CONCURRENCY);
  const running = new Set<Promise<void>>();
  for (;;) {
    for (let a = running.size < cap ? planner.next() : undefined; a; a = running.size < cap ? planner.next() : undefined) {
      const attempt = a;
      const task: Promise<void> = runAttempt(o, attempt, local, budgetAt)
        .catch((err: unknown): AttemptOutcome => {
          // Our bug, not the server's: recorded as untested so the check still ends.
          o.logger?.error({ err, address: o.address, port: o.port }, 'tls matrix attempt failed');
          return { kind: 'untested', reason: 'inconclusive', detail: 'internal error' };
        })
        .then((outcome) => planner.record(attempt, outcome))
        .finally(() => running.delete(task));
      running.add(task);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  const matrix = planner.result(o.clock.monotonic() - t0);
  o.logger?.debug({ address: o.address, port: o.port, handshakes: matrix.handshakes, ms: matrix.ms }, 'tls matrix done');
  return matrix;
}

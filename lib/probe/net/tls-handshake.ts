/**
 * One TLS client handshake, over a fresh TCP socket (implicit TLS) or an SMTP socket after STARTTLS.
 * Certificate problems never stop the handshake (rejectUnauthorized: false): they are measured and
 * reported by describeTls. Old protocol versions are allowed by the shared TlsContext for the same
 * reason. A handshake that fails or hangs is a result, not a throw.
 */
import { isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { TlsContext } from '@/lib/probe/types';
import { waitWithDeadline, type Deadline, type WaitInterrupt } from './deadline';
import type { TlsSlots } from './tls-slots';

/** queuedMs: how long it waited for a slot of the TLS connection bound (0 without one) */
export type TlsHandshakeResult = { queuedMs: number } & (
  /** peerCertificate: the chain Node built for its identity check (only when the chain verified) */
  | { ok: true; socket: TLSSocket; peerCertificate?: DetailedPeerCertificate }
  | { ok: false; socket: TLSSocket; code: string; message: string }
  | { ok: false; socket: TLSSocket; interrupted: WaitInterrupt }
  /** the wait for a slot ended (budget or cancel) before any TLS socket was made */
  | { ok: false; socket?: undefined; interrupted: WaitInterrupt; queued: true }
  /** the connection was closed (by the server or under us) while it waited for a slot */
  | { ok: false; socket?: undefined; closedWhileQueued: true; queued: true }
);

/** SNI carries host names only (RFC 6066 §3): an IP literal is not sent. */
export function sniFor(host: string): string | undefined {
  return isIP(host) === 0 ? host : undefined;
}

/** OpenSSL messages end in a long "error:0A00010B:SSL routines:…:wrong version number" tail. */
export function tidyTlsError(err: NodeJS.ErrnoException): { code: string; message: string } {
  const reason = /SSL routines:(?:[^:]*:)?([^:]+?)(?::\.\.\/|:[^:]*\.c:|$)/.exec(err.message)?.[1];
  return { code: err.code ?? 'TLS_ERROR', message: reason ?? err.message };
}

export async function tlsHandshake(opts: {
  socket: Socket;
  host: string;
  ctx: TlsContext;
  /**
   * The handshake's own deadline, asked for once a slot is held: time spent waiting for one is not
   * the server's.
   */
  deadline: () => Deadline;
  signal?: AbortSignal;
  /**
   * The engine's bound on live client TLS connections: a slot is waited for (until `budget` or the
   * signal) before the TLS socket is made, and given back when that socket closes, however it ends.
   */
  slots?: { pool: TlsSlots; budget: Deadline };
}): Promise<TlsHandshakeResult> {
  const servername = sniFor(opts.host);
  let peerCertificate: DetailedPeerCertificate | undefined;
  let release: (() => void) | undefined;
  let queuedMs = 0;
  if (opts.slots) {
    const { pool, budget } = opts.slots;
    const t0 = budget.now();
    const slot = await pool.acquire({ deadline: budget, ...(opts.signal ? { signal: opts.signal } : {}) });
    queuedMs = budget.now() - t0;
    if ('interrupted' in slot) return { ok: false, interrupted: slot.interrupted, queued: true, queuedMs };
    // The server gave up on us while we waited (a TLS socket over a closed one would never end).
    if (opts.socket.destroyed || opts.socket.readableEnded) {
      slot.release();
      return { ok: false, closedWhileQueued: true, queued: true, queuedMs };
    }
    release = slot.release;
  }
  let socket: TLSSocket;
  try {
    socket = tlsConnect({
      socket: opts.socket,
      ...(servername ? { servername } : {}),
      secureContext: opts.ctx.secureContext,
      rejectUnauthorized: false,
      // Node's own check, unchanged; only the chain it builds for it is kept, for describeTls.
      checkServerIdentity: (host, cert) => {
        // Node calls it with getPeerCertificate(true): the detailed chain (lib/_tls_wrap.js).
        peerCertificate = cert as DetailedPeerCertificate;
        return checkServerIdentity(host, cert);
      },
    });
  } catch (err) {
    release?.();
    throw err;
  }
  // The slot is the socket's until it closes: every ending (done, refused, reset, timed out,
  // destroyed by an abort, or its plain socket destroyed under it) emits 'close' once.
  if (release) socket.once('close', release);
  // An error after the handshake result is in (or after an abort) must not become an uncaught one.
  socket.on('error', () => {});
  const result = await waitWithDeadline<{ ok: true } | { ok: false; err: NodeJS.ErrnoException }>(
    { deadline: opts.deadline(), ...(opts.signal ? { signal: opts.signal } : {}) },
    (done) => {
      const onSecure = () => done({ ok: true });
      const onError = (err: NodeJS.ErrnoException) => done({ ok: false, err });
      const onClose = () => {
        const err: NodeJS.ErrnoException = new Error('the server closed the connection during the TLS handshake');
        err.code = 'ECONNRESET';
        done({ ok: false, err });
      };
      socket.once('secureConnect', onSecure);
      socket.once('error', onError);
      socket.once('close', onClose);
      return () => {
        socket.off('secureConnect', onSecure);
        socket.off('error', onError);
        socket.off('close', onClose);
      };
    },
  );
  if ('interrupted' in result) return { ok: false, socket, interrupted: result.interrupted, queuedMs };
  if (result.ok) return { ok: true, socket, ...(peerCertificate ? { peerCertificate } : {}), queuedMs };
  return { ok: false, socket, ...tidyTlsError(result.err), queuedMs };
}

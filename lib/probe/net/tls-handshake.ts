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

export type TlsHandshakeResult =
  /** peerCertificate: the chain Node built for its identity check (only when the chain verified) */
  | { ok: true; socket: TLSSocket; peerCertificate?: DetailedPeerCertificate }
  | { ok: false; socket: TLSSocket; code: string; message: string }
  | { ok: false; socket: TLSSocket; interrupted: WaitInterrupt };

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
  deadline: Deadline;
  signal?: AbortSignal;
}): Promise<TlsHandshakeResult> {
  const servername = sniFor(opts.host);
  let peerCertificate: DetailedPeerCertificate | undefined;
  const socket = tlsConnect({
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
  // An error after the handshake result is in (or after an abort) must not become an uncaught one.
  socket.on('error', () => {});
  const result = await waitWithDeadline<{ ok: true } | { ok: false; err: NodeJS.ErrnoException }>(
    { deadline: opts.deadline, ...(opts.signal ? { signal: opts.signal } : {}) },
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
  if ('interrupted' in result) return { ok: false, socket, interrupted: result.interrupted };
  if (result.ok) return { ok: true, socket, ...(peerCertificate ? { peerCertificate } : {}) };
  return { ok: false, socket, ...tidyTlsError(result.err) };
}

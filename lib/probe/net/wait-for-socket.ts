/**
 * Waits for one socket event (`connect`, `secureConnect`) with the connection's failures and the
 * time budget turned into the caller's own error: `fail` for an error or an early close (as
 * ECONNRESET), `timedOut` when the signal aborts. Shared by the guarded HTTPS clients (the MTA-STS
 * policy fetch and webhook delivery).
 */
import type { Socket } from 'node:net';

export function waitForSocket<E extends Error>(
  socket: Socket,
  ok: string,
  signal: AbortSignal,
  fail: (err: NodeJS.ErrnoException) => E,
  timedOut: () => E,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off(ok, onOk);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onOk = () => (cleanup(), resolve());
    const onError = (err: NodeJS.ErrnoException) => (cleanup(), reject(fail(err)));
    const onClose = () => (cleanup(), reject(fail(Object.assign(new Error('the connection was closed'), { code: 'ECONNRESET' }))));
    const onAbort = () => (cleanup(), reject(timedOut()));
    if (signal.aborted) return onAbort();
    socket.once(ok, onOk);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

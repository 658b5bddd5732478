/**
 * Waits for a guarded socket's TCP connect within a probe's deadline: `undefined` once connected,
 * the socket's error when the connect fails, or how the wait was interrupted (stage timeout, the
 * probe's budget, or the check's cancellation). Shared by the port probe and the TLS matrix.
 */
import type { Socket } from 'node:net';
import { waitWithDeadline, type Deadline, type WaitInterrupt } from './deadline';

export function waitForConnect(
  socket: Socket,
  opts: { deadline: Deadline; signal?: AbortSignal },
): Promise<NodeJS.ErrnoException | undefined | { interrupted: WaitInterrupt }> {
  return waitWithDeadline<NodeJS.ErrnoException | undefined>(opts, (done) => {
    const onConnect = () => done(undefined);
    const onError = (err: NodeJS.ErrnoException) => done(err);
    socket.once('connect', onConnect);
    socket.once('error', onError);
    return () => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
    };
  });
}

/**
 * A process-wide bound on TLS handshakes in progress (PROBE_MAX_TLS_HANDSHAKES), shared by every
 * check one engine runs: the port probes' own handshakes (STARTTLS and implicit TLS) and the TLS
 * matrix's. A client TLS socket waiting for its ServerHello holds ~38 kB of native memory (Node's
 * TLS input buffers and OpenSSL's state); with 1,000 checks probing a saturated server, over a
 * thousand of them wait for that server's handshakes at once (BENCHMARKS.md). A busy server
 * completes the same handshakes per second whether 500 or 1,500 wait, so the waiting is moved into
 * this queue, where it costs a few bytes.
 *
 * Only the handshake holds a slot (tls-handshake.ts: taken just before the TLS socket is made,
 * given back when its result is in or the socket closes, whichever comes first). A bound on whole
 * connections was measured first and dropped: slots held through 465's greeting inside TLS and the
 * close grace throttled the handshakes themselves, and the matrix's answers turned "untested".
 *
 * Waiters are served first come, first served; a released slot passes straight to the next one.
 * No holder ever waits for anything that needs a second slot (a handshake's end depends only on
 * the server and its deadline), so the pool cannot deadlock: a port's probe and its matrix, started
 * at the probe's handshake, each take their own.
 */
import { waitWithDeadline, type Deadline, type WaitInterrupt } from './deadline';

export interface TlsSlots {
  /**
   * Waits for a slot until the deadline or the signal; resolves with its release (idempotent), or
   * with why the wait ended (no slot is held then).
   */
  acquire(opts: { deadline: Deadline; signal?: AbortSignal }): Promise<{ release: () => void } | { interrupted: WaitInterrupt }>;
  readonly limit: number;
  /** slots held now */
  readonly active: number;
  /** waiters in the queue now */
  readonly waiting: number;
}

export function createTlsSlots(opts: { max: number }): TlsSlots {
  if (!Number.isInteger(opts.max) || opts.max < 1) throw new Error(`the TLS connection bound must be a whole number ≥ 1, not ${opts.max}`);
  const max = opts.max;
  let active = 0;
  const queue: { grant: (release: () => void) => void }[] = [];

  function releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot overtake it.
      if (next) next.grant(releaser());
      else active--;
    };
  }

  return {
    acquire({ deadline, signal }) {
      if (signal?.aborted) return Promise.resolve({ interrupted: 'aborted' as const });
      if (active < max && queue.length === 0) {
        active++;
        return Promise.resolve({ release: releaser() });
      }
      return waitWithDeadline<{ release: () => void }>({ deadline, ...(signal ? { signal } : {}) }, (done) => {
        const waiter = { grant: (release: () => void) => done({ release }) };
        queue.push(waiter);
        // Runs when the wait ends either way: a waiter that gave up leaves the queue (after a
        // grant it has already been taken off it).
        return () => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
        };
      });
    },
    get limit() {
      return max;
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}

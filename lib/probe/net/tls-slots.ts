/**
 * A process-wide bound on live client TLS connections (PROBE_MAX_TLS_CONNECTIONS), shared by every
 * check one engine runs: the port probes' own handshakes (STARTTLS and implicit TLS) and the TLS
 * matrix's. A client TLS connection holds ~30–38 kB of native memory (Node's TLS input buffers and
 * OpenSSL's state) from its ClientHello until it closes; with 1,000 checks probing a saturated
 * server, thousands of them wait for that server's handshakes at once (BENCHMARKS.md). A busy
 * server completes the same handshakes per second whether 500 or 2,500 wait, so the waiting is
 * moved into this queue, where it costs a few bytes.
 *
 * Waiters are served first come, first served; a released slot passes straight to the next one.
 * A slot is taken just before a TLS socket is created and given back when that socket closes
 * (tls-handshake.ts). No holder ever waits for a second slot: a probe's own TLS connection never
 * waits on its port's matrix (the matrix runs beside it, each attempt taking its own slot, and the
 * probe closes its connection without waiting for them), so the pool cannot deadlock.
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

/**
 * Per-target fairness: at most N port probes (each holds at most one connection at a time) to one
 * IP address at once, across every check the process runs. Many domains share a few big MX hosts;
 * without this bound, a burst of checks of different domains would open hundreds of connections to
 * the same third-party server. Waiters are served first come, first served.
 */
import type { IPv6 } from 'ipaddr.js';
import { parseIpStrict } from '@/lib/probe/address-policy';
import type { TargetGate } from '@/lib/probe/types';

interface Slot {
  active: number;
  waiting: { grant: (release: () => void) => void }[];
}

/**
 * One key per address however it is written (2001:DB8::1 and 2001:db8:0::1 are the same host; so
 * are ::ffff:192.0.2.1 and 192.0.2.1, or an IPv4-mapped AAAA record would double the per-target
 * bound).
 */
export function targetKey(address: string): string {
  const ip = parseIpStrict(address);
  if (!ip) return address;
  if (ip.kind() === 'ipv6' && (ip as IPv6).isIPv4MappedAddress()) return (ip as IPv6).toIPv4Address().toString();
  return ip.toNormalizedString();
}

export function createTargetGate(opts: { maxPerTarget: number }): TargetGate {
  if (!Number.isInteger(opts.maxPerTarget) || opts.maxPerTarget < 1) {
    throw new Error(`maxPerTarget must be a whole number ≥ 1, not ${opts.maxPerTarget}`);
  }
  const slots = new Map<string, Slot>();

  function releaser(key: string, slot: Slot): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slot.waiting.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot overtake it.
      if (next) return next.grant(releaser(key, slot));
      slot.active--;
      // Idle addresses are forgotten: the map holds only addresses in use.
      if (slot.active === 0) slots.delete(key);
    };
  }

  return {
    acquire(address, signal) {
      if (signal?.aborted) return Promise.resolve(undefined);
      const key = targetKey(address);
      let slot = slots.get(key);
      if (!slot) {
        slot = { active: 0, waiting: [] };
        slots.set(key, slot);
      }
      if (slot.active < opts.maxPerTarget) {
        slot.active++;
        return Promise.resolve(releaser(key, slot));
      }
      const s = slot;
      return new Promise((resolve) => {
        const waiter = {
          grant: (release: () => void) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(release);
          },
        };
        const onAbort = () => {
          const i = s.waiting.indexOf(waiter);
          if (i >= 0) s.waiting.splice(i, 1);
          resolve(undefined);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        s.waiting.push(waiter);
      });
    },
    stats(address) {
      const slot = slots.get(targetKey(address));
      return { active: slot?.active ?? 0, waiting: slot?.waiting.length ?? 0 };
    },
    get size() {
      return slots.size;
    },
  };
}

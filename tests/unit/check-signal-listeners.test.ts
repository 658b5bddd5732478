/**
 * A check shares one AbortSignal among every probe and DNS question in flight, each holding a
 * listener on it. Node warns (MaxListenersExceededWarning) past 10, which the CLI printed on the
 * user's terminal for a domain with two MX hosts (tests/interop/cli.test.ts). The bound is the
 * check's own concurrency, so no warning may appear.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { runCheck } from '@/lib/probe/run-check';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS, type DnsResolver } from '@/lib/probe/types';

// Ten MX hosts at documentation addresses: refused by the address policy, so nothing is sent.
const HOSTS = Array.from({ length: 10 }, (_, i) => ({ name: `mx${i}.listeners.test`, address: `192.0.2.${i + 1}` }));
const resolver: DnsResolver = {
  resolveMx: async () => HOSTS.map((h, i) => ({ exchange: h.name, priority: 10 + i })),
  resolve4: async (name) => HOSTS.filter((h) => h.name === name).map((h) => h.address),
  resolve6: async (): Promise<string[]> => [],
  reverse: async () => [],
  getServers: () => ['192.0.2.53'],
};

const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
afterEach(() => {
  process.off('warning', onWarning);
});

describe('runCheck and its abort signal', () => {
  it('raises no MaxListenersExceededWarning with many probes in flight', async () => {
    process.on('warning', onWarning);
    const domain = 'listeners.test';
    const gen = runCheck(
      { input: domain, mode: 'domain', domain, displayDomain: domain },
      {
        resolver,
        policy: createAddressPolicy({ allowCidrs: [] }),
        tls: createTlsContext({ extraCaFile: '' }),
        limits: DEFAULT_LIMITS,
        ehloName: 'probe.listeners.test',
      },
    );
    let next = await gen.next();
    while (!next.done) next = await gen.next();
    expect(next.value.probes).toHaveLength(40);
    expect(next.value.probes.every((p) => p.outcome === 'blocked-target')).toBe(true);
    // Warnings are emitted on the next tick.
    await new Promise((r) => setTimeout(r, 20));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
  });
});

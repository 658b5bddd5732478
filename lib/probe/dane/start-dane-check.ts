/**
 * The hook between runCheck and DNSSEC/DANE: the DNSSEC questions run beside the port probes; each
 * MX host's DANE result is announced as soon as its TLSA records and all its port 25 probes are in.
 */
import type { CheckEvent, CheckInput, DaneHost, DaneResult, DnsResult, DnssecResult, PortProbe } from '@/lib/probe/schema';
import type { Runner } from '@/lib/probe/dns/lookup';
import type { Clock, DnsResolver } from '@/lib/probe/types';
import { checkDnssec } from './check-dnssec';
import { daneApplies, daneForHost } from './dane-host';

export interface DaneCheck {
  /** every probe as it ends (only port 25 matters) */
  onProbe(p: PortProbe): void;
  /** settles when the DNSSEC questions are answered (the probes are awaited by runCheck) */
  readonly asked: Promise<unknown>;
  /** the final DNSSEC and DANE parts, once every probe has been passed to onProbe */
  finish(): Promise<{ dnssec: DnssecResult; dane: DaneResult } | undefined>;
}

const NOTHING: DaneCheck = { onProbe() {}, asked: Promise.resolve(), finish: () => Promise.resolve(undefined) };

export function startDaneCheck(opts: {
  target: CheckInput;
  dns: DnsResult;
  /** the MX hosts probed, by name */
  hosts: readonly string[];
  /** what will be probed (host, address, port) */
  plan: readonly { host: string; address: string; port: number }[];
  resolver: DnsResolver;
  run: Runner;
  clock: Clock;
  signal: AbortSignal;
  onEvent: (e: CheckEvent) => void;
}): DaneCheck {
  // A host-mode check names one server, not a mail domain: no MX answer to validate, no DANE. A
  // domain without MX hosts (null MX, NXDOMAIN, no address) has no transport to protect, except
  // when its MX lookup failed with SERVFAIL: that may be DNSSEC validation failing (bogus).
  if (opts.target.mode !== 'domain' || !opts.resolver.queryDnssec) return NOTHING;
  if (opts.dns.hosts.length === 0 && opts.dns.mx.status !== 'servfail') return NOTHING;
  const addressesByHost = new Map<string, string[]>();
  for (const p of opts.plan) {
    if (p.port !== 25) continue;
    const list = addressesByHost.get(p.host) ?? [];
    if (!list.includes(p.address)) list.push(p.address);
    addressesByHost.set(p.host, list);
  }
  const probes = new Map<string, PortProbe>();
  const announced = new Set<string>();
  let tlsa: DaneHost[] | undefined;
  const now = () => new Date(opts.clock.now());
  const addrs = (host: string) => addressesByHost.get(host) ?? [];

  const announceReady = () => {
    for (const h of tlsa ?? []) {
      if (announced.has(h.host) || !daneApplies(h)) continue;
      if (addrs(h.host).some((a) => !probes.has(`${h.host}|${a}`))) continue;
      announced.add(h.host);
      opts.onEvent({ type: 'policy-dane', daneHost: daneForHost(h, addrs(h.host), probes, now()) });
    }
  };

  const asked = checkDnssec({ domain: opts.target.domain, dns: opts.dns, hosts: opts.hosts, resolver: opts.resolver, run: opts.run, signal: opts.signal }).then((r) => {
    tlsa = r.tlsa;
    opts.onEvent({ type: 'policy-dnssec', dnssec: r.dnssec, tlsa: r.tlsa });
    announceReady();
    return r;
  });

  return {
    onProbe(p) {
      if (p.port !== 25) return;
      probes.set(`${p.host}|${p.address}`, p);
      announceReady();
    },
    asked,
    async finish() {
      const r = await asked;
      return { dnssec: r.dnssec, dane: { hosts: r.tlsa.map((h) => daneForHost(h, addrs(h.host), probes, now())) } };
    },
  };
}

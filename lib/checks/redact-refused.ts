/**
 * Nothing internal in a public result: an MX that resolves to an address the policy refuses
 * (private, loopback, link-local, …) is reported as "points to a non-public address (private
 * range)" without the address itself. Echoing it would turn mxray into a way to read someone's
 * internal DNS (e.g. split-horizon answers from the deployment's own resolver). The engine keeps
 * the address (the CLI shows it to its own user); the web app replaces it, consistently across
 * every event and the result, with a placeholder before anything is stored.
 */
import type { CheckEvent, CheckResult, DaneHost, DnsResult, Finding, PolicyResult, PortProbe } from '@/lib/probe/schema';
import { refusedPlaceholder } from './refused-placeholder';

export interface RefusedRedactor {
  event(e: CheckEvent): CheckEvent;
  result(r: CheckResult): CheckResult;
}

export function createRefusedRedactor(): RefusedRedactor {
  const placeholders = new Map<string, string>();
  const sub = (address: string) => placeholders.get(address) ?? address;

  function learn(dns: DnsResult): void {
    for (const h of dns.hosts) {
      for (const a of h.addresses) {
        if (a.policy.allowed || placeholders.has(a.address)) continue;
        placeholders.set(a.address, refusedPlaceholder(placeholders.size + 1));
      }
    }
  }

  const dnsOut = (dns: DnsResult): DnsResult => ({
    ...dns,
    hosts: dns.hosts.map((h) => ({ ...h, addresses: h.addresses.map((a) => ({ ...a, address: sub(a.address) })) })),
  });

  const probeOut = (p: PortProbe): PortProbe => {
    if (!placeholders.has(p.address)) return p;
    const { errorMessage: _internal, ...rest } = p;
    return {
      ...rest,
      address: sub(p.address),
      // The policy's message names the address; the code (the range) says all that is public.
      transcript: p.transcript.map((t) => (t.text.includes(p.address) ? { ...t, text: t.text.split(p.address).join(sub(p.address)) } : t)),
    };
  };

  const findingOut = (f: Finding): Finding => {
    if (f.address === undefined || !placeholders.has(f.address)) return f;
    const params = f.params ? Object.fromEntries(Object.entries(f.params).map(([k, v]) => [k, typeof v === 'string' ? sub(v) : v])) : undefined;
    return { ...f, address: sub(f.address), ...(params ? { params } : {}) };
  };

  // DANE rows are per MX address: the refused ones get the same placeholder as everywhere else.
  const daneOut = (h: DaneHost): DaneHost => ({ ...h, addresses: h.addresses.map((a) => ({ ...a, address: sub(a.address) })) });
  const policyOut = (p: PolicyResult): PolicyResult => (p.dane ? { ...p, dane: { hosts: p.dane.hosts.map(daneOut) } } : p);

  return {
    event(e) {
      switch (e.type) {
        case 'dns-done':
          learn(e.dns);
          return { ...e, dns: dnsOut(e.dns) };
        case 'probes-planned':
          return { ...e, probes: e.probes.map((p) => ({ ...p, address: sub(p.address) })) };
        case 'probe-done':
          return { ...e, probe: probeOut(e.probe) };
        case 'check-started':
        // Policy pieces hold only public facts: TXT records, and the address the policy fetch
        // connected to, which the address policy allowed.
        case 'policy-mta-sts':
        case 'policy-tls-rpt':
        // DNSSEC statuses and TLSA records are public DNS facts (no addresses in them).
        case 'policy-dnssec':
          return e;
        case 'policy-dane':
          return { ...e, daneHost: daneOut(e.daneHost) };
        case 'check-done':
          return { ...e, result: this.result(e.result) };
        default:
          return { ...e, address: sub(e.address) };
      }
    },
    result(r) {
      learn(r.dns);
      return { ...r, dns: dnsOut(r.dns), probes: r.probes.map(probeOut), findings: r.findings.map(findingOut), ...(r.policy ? { policy: policyOut(r.policy) } : {}) };
    },
  };
}

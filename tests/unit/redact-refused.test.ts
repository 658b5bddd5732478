import { describe, expect, it } from 'vitest';
import { createRefusedRedactor } from '@/lib/checks/redact-refused';
import { createStorageBudget } from '@/lib/checks/storage-budget';
import { evaluateFindings } from '@/lib/probe/findings/evaluate';
import type { CheckResult, PortProbe } from '@/lib/probe/schema';
import { fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';

const INTERNAL = '10.20.30.40';

/** A check whose MX resolves to a private address (as a hostile or leaky zone would make it). */
function internalResult(): CheckResult {
  const target = fakeTarget('leaky.test');
  const base = fakeResult(target, [25]);
  const dns = {
    ...base.dns,
    hosts: [{ ...base.dns.hosts[0]!, addresses: [{ address: INTERNAL, family: 4 as const, policy: { allowed: false, range: 'private' } }] }],
  };
  const probe: PortProbe = {
    ...base.probes[0]!,
    address: INTERNAL,
    outcome: 'blocked-target',
    phase: 'policy',
    refusal: { reason: 'policy', range: 'private' },
    errorMessage: `refused to connect to ${INTERNAL}: private range`,
    transcript: [{ t: 0, dir: 'i', text: `refused ${INTERNAL} (private)` }],
  };
  const findings = evaluateFindings({ mode: 'domain', domain: target.domain, dns, probes: [probe] });
  return { ...base, dns, probes: [probe], findings };
}

describe('nothing internal in a public result', () => {
  it('reports an MX on a private address by its range, never the address, in events and result', () => {
    const r = internalResult();
    expect(JSON.stringify(r)).toContain(INTERNAL);
    const redact = createRefusedRedactor();
    const budget = createStorageBudget();
    const stored: string[] = [];
    for (const e of [
      { type: 'dns-done' as const, dns: r.dns },
      { type: 'probes-planned' as const, probes: [{ host: r.probes[0]!.host, address: INTERNAL, port: 25 as const, family: 4 as const }] },
      { type: 'probe-connected' as const, host: r.probes[0]!.host, address: INTERNAL, port: 25 as const, ms: 0 },
      { type: 'probe-done' as const, probe: r.probes[0]! },
    ]) {
      const a = budget.admit(redact.event(e));
      if (a) stored.push(a.json);
    }
    const final = budget.finish(redact.result(r));
    stored.push(final.resultJson, final.eventJson);
    for (const json of stored) expect(json).not.toContain(INTERNAL);
    const blocked = final.result.findings.find((f) => f.code === 'address.blocked-target');
    expect(blocked?.params).toMatchObject({ range: 'private' });
    expect(final.result.probes[0]).toMatchObject({ outcome: 'blocked-target', refusal: { reason: 'policy', range: 'private' }, address: 'non-public address 1' });
    // nor the deployment's resolvers
    expect(final.result.dns.servers).toEqual([]);
  });
});

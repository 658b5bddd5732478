/**
 * Reading a check's event log, version 1 or 2 (see EVENT_SCHEMA_VERSION in lib/probe/schema.ts):
 * a version-2 'check-done' leaves out the DNS result and the probes that 'dns-done' and
 * 'probe-done' already carried, and this puts them back. Pure: the live view in the browser, the
 * check page and the tests share it.
 */
import type { CheckEvent, CheckResult, DnsResult, PortProbe } from '@/lib/probe/schema';

type CheckDone = Extract<CheckEvent, { type: 'check-done' }>;

const probeKey = (p: { host: string; address: string; port: number }) => `${p.host}|${p.address}|${p.port}`;

/**
 * The whole result of a check from its final event and what came before it. `dns` and `probes`
 * are what the earlier events carried (the probes in the order they were planned).
 */
export function resultOf(done: CheckDone, earlier: { dns?: DnsResult; probes: readonly PortProbe[] }): CheckResult {
  const omitted = done.omitted ?? [];
  if (omitted.length === 0) return done.result;
  return {
    ...done.result,
    ...(omitted.includes('dns') && earlier.dns ? { dns: earlier.dns } : {}),
    ...(omitted.includes('probes') ? { probes: [...earlier.probes] } : {}),
  };
}

/** The same from a whole log: the result when it holds a 'check-done', else undefined. */
export function resultFromEvents(events: readonly { event: CheckEvent }[]): CheckResult | undefined {
  let dns: DnsResult | undefined;
  const order: string[] = [];
  const probes = new Map<string, PortProbe>();
  for (const { event } of events) {
    if (event.type === 'dns-done') dns = event.dns;
    else if (event.type === 'probes-planned') for (const p of event.probes) order.push(probeKey(p));
    else if (event.type === 'probe-done') {
      const k = probeKey(event.probe);
      if (!order.includes(k)) order.push(k);
      probes.set(k, event.probe);
    } else if (event.type === 'check-done') {
      const list = order.map((k) => probes.get(k)).filter((p): p is PortProbe => p !== undefined);
      return resultOf(event, { ...(dns ? { dns } : {}), probes: list });
    }
  }
  return undefined;
}

/**
 * Turns what the runner reports (CheckObserver) into Prometheus series. Everything is read from the
 * engine's own events and result: stage timings from PortProbe.timings, DNS statuses from the DNS
 * result. Labels are closed vocabularies only (mode, status, verdict, port, family, outcome, stage,
 * record type, DNS status): never the domain, a host name or an address.
 */
import type { CheckObserver } from '@/lib/checks/check-observer';
import type { DnsResult, PortProbe } from '@/lib/probe/schema';
import type { MxrayMetrics } from './metrics';

const STAGES = [
  ['connectMs', 'connect'],
  ['greetingMs', 'greeting'],
  ['tlsMs', 'tls'],
  ['ehloMs', 'ehlo'],
  ['ehloTlsMs', 'ehlo_tls'],
  ['totalMs', 'total'],
] as const satisfies readonly (readonly [keyof PortProbe['timings'], string])[];

/** Every DNS question the result kept, as (record type, status, ms). */
export function dnsQuestions(dns: DnsResult): { type: string; status: string; ms: number }[] {
  const out: { type: string; status: string; ms: number }[] = [];
  // In host mode no MX question is asked: its placeholder says 'ok' in 0 ms.
  if (dns.mxKind !== 'host') out.push({ type: 'MX', status: dns.mx.status, ms: dns.mx.ms });
  for (const h of dns.hosts) {
    out.push({ type: 'A', status: h.a.status, ms: h.a.ms });
    out.push({ type: 'AAAA', status: h.aaaa.status, ms: h.aaaa.ms });
    for (const a of h.addresses) if (a.ptr) out.push({ type: 'PTR', status: a.ptr.lookup.status, ms: a.ptr.lookup.ms });
  }
  return out;
}

export function createMetricsObserver(m: MxrayMetrics): CheckObserver {
  return {
    started(_id, target) {
      m.checksStarted.inc({ mode: target.mode });
    },
    event(_id, event) {
      if (event.type === 'dns-done') {
        for (const q of dnsQuestions(event.dns)) {
          m.dnsQuestions.inc({ type: q.type, status: q.status });
          m.dnsDuration.observe({ type: q.type }, q.ms / 1000);
        }
      } else if (event.type === 'probe-done') {
        const p = event.probe;
        const port = String(p.port);
        m.portProbes.inc({ port, family: String(p.family), outcome: p.outcome });
        for (const [field, stage] of STAGES) {
          const ms = p.timings[field];
          if (ms !== undefined) m.probeStage.observe({ port, stage }, ms / 1000);
        }
      }
    },
    ended(_id, target, end) {
      const status = end.status === 'done' ? (end.result?.incomplete ? 'incomplete' : 'done') : 'interrupted';
      m.checksFinished.inc({ mode: target.mode, status, verdict: end.result?.summary.verdict ?? 'none' });
      if (end.ran) m.checkDuration.observe({ mode: target.mode, status }, end.durationMs / 1000);
    },
  };
}

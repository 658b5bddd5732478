/**
 * What one check may store (CHECK_MAX_STORED_BYTES, default 2 MB), whatever its servers send.
 * Before, caps were per reply: a domain with 10 MX names on 4 addresses, each server sending a
 * 200-line greeting and an EHLO of control characters, stored ~940 MB (every reply four times:
 * progress event, probe-done, check-done, result). Here, in the runner, every event passes through
 * a per-check budget before it is stored:
 *
 * - progress events carry only what the live table shows (a reply's code and first line), and are
 *   dropped once their share is spent (the live table then waits for probe-done);
 * - each probe is compacted to a fair share of what is left (transcript, reply lines, capability
 *   lists, certificate PEMs, in that order), and the same compacted probe goes into its probe-done
 *   event and the stored result;
 * - check-done is stored as event version 2, without the DNS result and the probes that earlier
 *   events carried (lib/checks/event-log.ts puts them back).
 *
 * Anything cut is reported: the result gets the finding check.storage-truncated. The bound holds
 * by construction: every stored byte is counted against maxBytes.
 */
import type { CheckEvent, CheckResult, DnsResult, Ehlo, Finding, PortProbe, SmtpReply } from '@/lib/probe/schema';

export const DEFAULT_MAX_STORED_BYTES = 2 * 1024 * 1024;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const probeKey = (p: { host: string; address: string; port: number }) => `${p.host}|${p.address}|${p.port}`;

function slimReply(r: SmtpReply, lines: number, chars: number): SmtpReply {
  return { ...r, lines: r.lines.slice(0, lines).map((l) => clip(l, chars)) };
}

function slimEhlo(e: Ehlo, lines: number, chars: number, caps: number): Ehlo {
  return {
    ...e,
    reply: slimReply(e.reply, lines, chars),
    ...(e.serverName === undefined ? {} : { serverName: clip(e.serverName, chars) }),
    capabilities: e.capabilities.slice(0, caps).map((c) => ({ keyword: clip(c.keyword, 64), params: c.params.slice(0, 8).map((p) => clip(p, 64)) })),
    auth: e.auth.slice(0, 16).map((a) => clip(a, 32)),
  };
}

/** Compaction steps, gentlest first; each returns a smaller copy. */
const PROBE_STEPS: ((p: PortProbe) => PortProbe)[] = [
  (p) => ({ ...p, transcript: p.transcript.slice(0, 40), transcriptTruncated: p.transcriptTruncated || p.transcript.length > 40 }),
  (p) => ({
    ...p,
    ...(p.greeting ? { greeting: slimReply(p.greeting, 10, 256) } : {}),
    ...(p.starttlsReply ? { starttlsReply: slimReply(p.starttlsReply, 3, 256) } : {}),
    ...(p.ehlo ? { ehlo: slimEhlo(p.ehlo, 40, 256, 40) } : {}),
    ...(p.ehloTls ? { ehloTls: slimEhlo(p.ehloTls, 40, 256, 40) } : {}),
    ...(p.errorMessage ? { errorMessage: clip(p.errorMessage, 256) } : {}),
  }),
  (p) => ({ ...p, transcript: p.transcript.slice(0, 8), transcriptTruncated: p.transcriptTruncated || p.transcript.length > 8 }),
  (p) => (p.tls ? { ...p, tls: { ...p.tls, chain: p.tls.chain.map((c) => ({ ...c, pem: '' })) } } : p),
  (p) => ({
    ...p,
    transcript: [],
    transcriptTruncated: p.transcriptTruncated || p.transcript.length > 0,
    ...(p.greeting ? { greeting: slimReply(p.greeting, 1, 120) } : {}),
    ...(p.ehlo ? { ehlo: slimEhlo(p.ehlo, 1, 120, 12) } : {}),
    ...(p.ehloTls ? { ehloTls: slimEhlo(p.ehloTls, 1, 120, 12) } : {}),
    ...(p.tls ? { tls: { ...p.tls, chain: p.tls.chain.slice(0, 1).map((c) => ({ ...c, subjectAltNames: c.subjectAltNames.slice(0, 10) })) } } : {}),
  }),
];

/** The probe, compacted until it fits in maxBytes (or as small as the steps make it). */
export function compactProbe(probe: PortProbe, maxBytes: number): { probe: PortProbe; bytes: number; cut: boolean } {
  const c = compactProbeEvent(probe, maxBytes);
  return { probe: c.probe, bytes: c.bytes, cut: c.cut };
}

/** What JSON.stringify puts around a probe in its probe-done event ({"type":"probe-done","probe":…}). */
const PROBE_DONE_WRAP_BYTES = Buffer.byteLength(JSON.stringify({ type: 'probe-done', probe: null })) - 'null'.length;

/**
 * compactProbe, measuring each candidate as its probe-done event: the probe's own bytes are the
 * event's minus the fixed wrapper, and the last measurement is the event's JSON as stored, so the
 * probe is serialised once per step instead of once more to store it.
 */
function compactProbeEvent(probe: PortProbe, maxBytes: number): { probe: PortProbe; bytes: number; cut: boolean; eventJson: string } {
  const measure = (p: PortProbe) => {
    const eventJson = JSON.stringify({ type: 'probe-done', probe: p });
    return { eventJson, bytes: Buffer.byteLength(eventJson) - PROBE_DONE_WRAP_BYTES };
  };
  let p = probe;
  let m = measure(p);
  let cut = false;
  for (const step of PROBE_STEPS) {
    if (m.bytes <= maxBytes) break;
    p = step(p);
    m = measure(p);
    cut = true;
  }
  return { probe: p, bytes: m.bytes, cut, eventJson: m.eventJson };
}

/** DNS facts, bounded: MX records and PTR names beyond a sane count are dropped; no resolver addresses. */
export function compactDns(dns: DnsResult): { dns: DnsResult; cut: boolean } {
  const records = dns.mx.records.slice(0, 50);
  let cut = records.length < dns.mx.records.length;
  const hosts = dns.hosts.map((h) => ({
    ...h,
    addresses: h.addresses.map((a) => {
      if (!a.ptr || a.ptr.names.length <= 5) return a;
      cut = true;
      return { ...a, ptr: { ...a.ptr, names: a.ptr.names.slice(0, 5).map((n) => clip(n, 253)) } };
    }),
  }));
  // The deployment's resolvers are its own business, not part of a public result.
  return { dns: { ...dns, mx: { ...dns.mx, records }, hosts, servers: [] }, cut };
}

function slimProgress(event: CheckEvent): CheckEvent {
  if (event.type === 'probe-greeting') return { ...event, greeting: slimReply(event.greeting, 1, 120) };
  if (event.type === 'probe-ehlo') return { ...event, ehlo: slimEhlo(event.ehlo, 1, 120, 0) };
  return event;
}

export interface StorageBudget {
  /** The event to store (possibly compacted) and its JSON, or null to store nothing. */
  admit(event: CheckEvent): { event: CheckEvent; json: string } | null;
  /**
   * For the engine's check-done: the result to store once (probes and DNS as compacted on their
   * way through, the truncation finding added) and the version-2 event to log.
   */
  finish(result: CheckResult): { result: CheckResult; resultJson: string; event: CheckEvent; eventJson: string };
  /** bytes counted so far (events and result) */
  readonly used: number;
}

export function createStorageBudget(maxBytes = DEFAULT_MAX_STORED_BYTES): StorageBudget {
  // Shares of the whole: progress events, DNS (stored twice: dns-done and result), the rest of the
  // result (findings, summary), and the probes (stored twice: probe-done and result).
  const progressShare = maxBytes * 0.08;
  const fixedReserve = maxBytes * 0.22;
  let used = 0;
  let progressUsed = 0;
  let planned = 0;
  let probesDone = 0;
  let probesBytes = 0;
  let cut = false;
  let dns: DnsResult | undefined;
  const probes = new Map<string, PortProbe>();
  const seen = new Set<string>();

  const accept = (event: CheckEvent) => {
    const json = JSON.stringify(event);
    used += Buffer.byteLength(json);
    return { event, json };
  };

  return {
    get used() {
      return used;
    },
    admit(event) {
      switch (event.type) {
        case 'check-started':
          return accept({ ...event, eventVersion: 2 });
        case 'dns-done': {
          const c = compactDns(event.dns);
          cut ||= c.cut;
          dns = c.dns;
          return accept({ ...event, dns: c.dns });
        }
        case 'probes-planned':
          planned = event.probes.length;
          return accept(event);
        case 'probe-done': {
          const key = probeKey(event.probe);
          if (seen.has(key)) return null;
          seen.add(key);
          // A fair share of what the probes may still use, twice over (event and result).
          const probeSpace = maxBytes - fixedReserve - progressShare - probesBytes * 2;
          const left = Math.max(1, planned - probesDone);
          const c = compactProbeEvent(event.probe, Math.max(256, Math.floor(probeSpace / 2 / left)));
          cut ||= c.cut;
          probesDone++;
          probesBytes += c.bytes;
          probes.set(key, c.probe);
          // accept() without serialising the probe again: its JSON is the last measurement's.
          used += c.bytes + PROBE_DONE_WRAP_BYTES;
          return { event: { type: 'probe-done', probe: c.probe }, json: c.eventJson };
        }
        case 'check-done':
          throw new Error('check-done goes through finish()');
        default: {
          const slim = slimProgress(event);
          // accept() with the JSON measured here (serialised once)
          const json = JSON.stringify(slim);
          const bytes = Buffer.byteLength(json);
          if (progressUsed + bytes > progressShare) {
            cut = true;
            return null;
          }
          progressUsed += bytes;
          used += bytes;
          return { event: slim, json };
        }
      }
    },
    finish(engineResult) {
      const stored = engineResult.probes.map((p) => probes.get(probeKey(p)) ?? compactProbe(p, 256).probe);
      if (stored.length !== probes.size) cut = true;
      const finalDns = dns ?? compactDns(engineResult.dns).dns;
      const findings: Finding[] = [...engineResult.findings];
      let result: CheckResult = { ...engineResult, dns: finalDns, probes: stored, findings };
      let resultJson = JSON.stringify(result);
      // Findings and the summary are bounded by the probe count, but stay honest under the cap:
      // whatever still does not fit loses findings (the summary keeps the verdict).
      const room = maxBytes - used - 4_096;
      if (Buffer.byteLength(resultJson) * 1.1 > room) {
        cut = true;
        result = { ...result, findings: findings.slice(0, 200) };
      }
      // Unchanged since it was serialised above unless something was cut (the finding added below).
      if (cut) {
        result = {
          ...result,
          findings: [
            ...result.findings,
            { code: 'check.storage-truncated', severity: 'info', untested: false, scope: 'domain', params: { maxBytes } },
          ],
        };
        resultJson = JSON.stringify(result);
      }
      used += Buffer.byteLength(resultJson);
      const slimResult: CheckResult = {
        ...result,
        dns: { ...result.dns, mx: { ...result.dns.mx, records: [] }, hosts: [] },
        probes: [],
      };
      const done = accept({ type: 'check-done', result: slimResult, omitted: ['dns', 'probes'] });
      return { result, resultJson, event: done.event, eventJson: done.json };
    },
  };
}

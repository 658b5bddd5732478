/**
 * Raw DNS questions with the DNSSEC OK bit (RFC 3225), for the one fact c-ares hides: whether the
 * configured (validating) resolver set the AD bit (RFC 4035 §3.2.3), or answered SERVFAIL because
 * validation failed (then a retry with CD=1, RFC 4035 §3.2.2, gets the data: "bogus").
 *
 * UDP first, TCP when the answer is truncated (TC, RFC 1035 §4.2.1 / RFC 7766). The servers are
 * the operator's DNS_SERVERS (or the system's), never a name a user supplied, so no address policy
 * applies here — the same as for c-ares' own questions.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect as netConnect, isIPv6 } from 'node:net';
import dnsPacket from 'dns-packet';
import type { DnssecAnswer, DnssecRecordType } from '@/lib/probe/types';

export interface DnsServerAddress {
  host: string;
  port: number;
}

/** "1.2.3.4", "1.2.3.4:53", "::1", "[::1]:5353" (the forms parseDnsServers and c-ares give). */
export function splitServer(s: string): DnsServerAddress {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) return { host: bracket[1]!, port: bracket[2] ? Number(bracket[2]) : 53 };
  if (isIPv6(s)) return { host: s, port: 53 };
  const colon = s.lastIndexOf(':');
  if (colon !== -1) return { host: s.slice(0, colon), port: Number(s.slice(colon + 1)) };
  return { host: s, port: 53 };
}

function dnsError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** EDNS0 payload size we announce: the DNS Flag Day 2020 value, no IP fragmentation. */
const UDP_PAYLOAD = 1232;

export function encodeQuery(id: number, name: string, type: DnssecRecordType, checkingDisabled: boolean): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED | (checkingDisabled ? dnsPacket.CHECKING_DISABLED : 0),
    questions: [{ type, name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: UDP_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] }],
  });
}

/** The reply to our question, or undefined for a stray or spoofed packet (wrong id or question). */
export function decodeReply(buf: Buffer, id: number, name: string, type: DnssecRecordType): (DnssecAnswer & { truncated: boolean }) | undefined {
  let p: dnsPacket.DecodedPacket;
  try {
    p = dnsPacket.decode(buf);
  } catch {
    return undefined;
  }
  const q = p.questions?.[0];
  if (p.type !== 'response' || p.id !== id || !q || q.type !== type || q.name.toLowerCase().replace(/\.$/, '') !== name.toLowerCase().replace(/\.$/, '')) return undefined;
  return {
    rcode: (p as { rcode?: string }).rcode ?? 'NOERROR',
    ad: p.flag_ad === true,
    truncated: p.flag_tc === true,
    answers: (p.answers ?? [])
      .filter((a) => a.type !== 'OPT')
      .map((a) => ({ name: a.name, type: a.type, data: (a as { data?: unknown }).data })),
  };
}

function askUdp(server: DnsServerAddress, query: Buffer, accept: (b: Buffer) => ReturnType<typeof decodeReply>, timeoutMs: number, signal?: AbortSignal) {
  return new Promise<NonNullable<ReturnType<typeof decodeReply>>>((resolve, reject) => {
    const sock = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    const done = (fn: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.close();
      fn();
    };
    const onAbort = () => done(() => reject(dnsError('ECANCELLED', 'cancelled')));
    const timer = setTimeout(() => done(() => reject(dnsError('ETIMEOUT', `no answer from ${server.host} in ${timeoutMs} ms`))), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('error', (err) => done(() => reject(err)));
    sock.on('message', (msg) => {
      const r = accept(msg);
      if (r) done(() => resolve(r));
    });
    sock.send(query, server.port, server.host);
  });
}

/** Answers bigger than this over TCP are not ours to read (a TLSA RRset is a few hundred bytes). */
const MAX_TCP_REPLY = 65_535;

function askTcp(server: DnsServerAddress, query: Buffer, accept: (b: Buffer) => ReturnType<typeof decodeReply>, timeoutMs: number, signal?: AbortSignal) {
  return new Promise<NonNullable<ReturnType<typeof decodeReply>>>((resolve, reject) => {
    const sock = netConnect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      fn();
    };
    const onAbort = () => done(() => reject(dnsError('ECANCELLED', 'cancelled')));
    const timer = setTimeout(() => done(() => reject(dnsError('ETIMEOUT', `no answer from ${server.host} over TCP in ${timeoutMs} ms`))), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('error', (err) => done(() => reject(err)));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > MAX_TCP_REPLY + 2) return done(() => reject(dnsError('EBADRESP', 'oversized TCP answer')));
      if (buf.length < 2) return;
      const need = buf.readUInt16BE(0);
      if (buf.length < 2 + need) return;
      const r = accept(buf.subarray(2, 2 + need));
      done(() => (r ? resolve(r) : reject(dnsError('EBADRESP', 'an answer to another question over TCP'))));
    });
    sock.on('end', () => done(() => reject(dnsError('ECONNREFUSED', 'connection closed before an answer'))));
  });
}

/**
 * One question to the servers in order (the next one only when one does not answer at all, as
 * c-ares does): UDP, then TCP when truncated. Rejects with a c-ares-like code (ETIMEOUT, …).
 */
export async function queryWithDo(opts: {
  servers: readonly DnsServerAddress[];
  name: string;
  type: DnssecRecordType;
  checkingDisabled?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<DnssecAnswer> {
  if (opts.servers.length === 0) throw dnsError('ECONNREFUSED', 'no DNS server configured');
  let last: unknown;
  for (const server of opts.servers) {
    const id = randomInt(0, 65_536);
    const query = encodeQuery(id, opts.name, opts.type, opts.checkingDisabled === true);
    const accept = (b: Buffer) => decodeReply(b, id, opts.name, opts.type);
    try {
      const udp = await askUdp(server, query, accept, opts.timeoutMs, opts.signal);
      const answer = udp.truncated ? await askTcp(server, query, accept, opts.timeoutMs, opts.signal) : udp;
      return { rcode: answer.rcode, ad: answer.ad, answers: answer.answers };
    } catch (err) {
      if ((err as { code?: string }).code === 'ECANCELLED') throw err;
      last = err;
    }
  }
  throw last;
}

/**
 * The DNS resolver the engine talks to: node:dns/promises (c-ares) with our own timeout, retry count
 * and servers. c-ares sends questions directly to the configured servers (no search list, no
 * getaddrinfo), which keeps "which server said what" explicit.
 */
import { Resolver } from 'node:dns/promises';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import type { DnsStatus } from '@/lib/probe/schema';
import type { DnsResolver } from '@/lib/probe/types';
import { reverseName } from '@/lib/probe/dns/reverse-name';
import { queryWithDo, splitServer } from '@/lib/probe/dns/dnssec-query';

function parsePort(raw: string, item: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new Error(`Invalid DNS server "${item}": port must be a number from 1 to 65535.`);
  }
  return Number(raw);
}

function parseOne(item: string): string {
  const junk = () =>
    new Error(`Invalid DNS server "${item}": expected an IP address, optionally with a port (1.1.1.1, 1.1.1.1:53, 2606:4700::1111, [2606:4700::1111]:53).`);
  if (item.includes('%')) throw junk();
  if (item.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(.*))?$/.exec(item);
    if (!m || !isIPv6(m[1] ?? '')) throw junk();
    const host = m[1] ?? '';
    if (m[2] === undefined) return host;
    return `[${host}]:${parsePort(m[2], item)}`;
  }
  // A bare IPv6 address has colons of its own, so it cannot carry a port without brackets.
  if (isIPv6(item)) return item;
  const colon = item.lastIndexOf(':');
  if (colon !== -1) {
    const host = item.slice(0, colon);
    if (!isIPv4(host)) throw junk();
    return `${host}:${parsePort(item.slice(colon + 1), item)}`;
  }
  if (isIP(item) !== 4) throw junk();
  return item;
}

/**
 * Parses DNS_SERVERS (comma-separated) into the forms Resolver.setServers accepts. Zone indexes
 * (fe80::1%eth0) and host names are refused: a resolver must be an address, and resolving the
 * resolver's name would need a resolver.
 */
export function parseDnsServers(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map(parseOne);
}

export function createResolver(opts: { servers?: string[]; timeoutMs: number; tries?: number }): DnsResolver {
  // c-ares' timeout is per try and per server, and doubles on each retry round.
  const resolver = new Resolver({ timeout: Math.max(1, Math.round(opts.timeoutMs)), tries: opts.tries ?? 2 });
  if (opts.servers && opts.servers.length > 0) resolver.setServers(opts.servers);
  return {
    resolveMx: (name) => resolver.resolveMx(name),
    resolve4: (name) => resolver.resolve4(name),
    resolve6: (name) => resolver.resolve6(name),
    // Resolver.reverse() is c-ares' gethostbyaddr: it consults /etc/hosts first and turns SERVFAIL
    // and timeouts into ENOTFOUND. A plain PTR question keeps the statuses apart and asks only DNS.
    reverse: async (ip) => resolver.resolvePtr(reverseName(ip)),
    getServers: () => resolver.getServers(),
    resolveTxt: (name) => resolver.resolveTxt(name),
    resolveCname: (name) => resolver.resolveCname(name),
    // The same servers, asked directly: c-ares does not expose the AD bit (DNSSEC, DANE).
    queryDnssec: (name, type, q) =>
      queryWithDo({
        servers: resolver.getServers().map(splitServer),
        name,
        type,
        timeoutMs: Math.max(1, Math.round(opts.timeoutMs)),
        ...(q?.checkingDisabled ? { checkingDisabled: true } : {}),
        ...(q?.signal ? { signal: q.signal } : {}),
      }),
  };
}

const STATUS_BY_CODE: Record<string, DnsStatus> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
  ESERVFAIL: 'servfail',
  EREFUSED: 'refused',
  ETIMEOUT: 'timeout',
};

/** Maps a c-ares error to a DnsStatus, keeping the original code for the report. */
export function classifyDnsError(err: unknown): { status: DnsStatus; errorCode?: string } {
  const code =
    typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string'
      ? (err as { code: string }).code
      : undefined;
  if (code === undefined) return { status: 'error' };
  return { status: STATUS_BY_CODE[code] ?? 'error', errorCode: code };
}

/**
 * Rows of the port table: one per (MX host, address), in MX preference order, with the probe for
 * each port. Hosts without any address still get a row, so "no A/AAAA" is visible where the
 * reader looks for the host.
 */
import type { AddressInfo, CheckResult, Port, PortProbe } from '@/lib/probe/schema';

export interface TableRow {
  key: string;
  host: string;
  displayHost: string;
  preference?: number;
  /** undefined for a host that has no address */
  address?: string;
  family?: 4 | 6;
  policy?: AddressInfo['policy'];
  probes: Partial<Record<Port, PortProbe>>;
}

export function tableRows(result: Pick<CheckResult, 'dns' | 'probes'>): TableRow[] {
  const rows: TableRow[] = [];
  const byKey = new Map<string, TableRow>();
  const hosts = [...result.dns.hosts].sort(
    (a, b) => (a.preference ?? Number.MAX_SAFE_INTEGER) - (b.preference ?? Number.MAX_SAFE_INTEGER),
  );
  for (const h of hosts) {
    if (h.addresses.length === 0) {
      rows.push({ key: `${h.name}|`, host: h.name, displayHost: h.displayName ?? h.name, preference: h.preference, probes: {} });
      continue;
    }
    for (const a of h.addresses) {
      const row: TableRow = {
        key: `${h.name}|${a.address}`,
        host: h.name,
        displayHost: h.displayName ?? h.name,
        preference: h.preference,
        address: a.address,
        family: a.family,
        policy: a.policy,
        probes: {},
      };
      rows.push(row);
      byKey.set(row.key, row);
    }
  }
  for (const p of result.probes) {
    const key = `${p.host}|${p.address}`;
    let row = byKey.get(key);
    if (!row) {
      // A probe the DNS section does not explain: show it rather than drop it.
      row = { key, host: p.host, displayHost: p.host, address: p.address, family: p.family, probes: {} };
      rows.push(row);
      byKey.set(key, row);
    }
    row.probes[p.port] = p;
  }
  return rows;
}

/**
 * Reading one check run from several vantages: the port table side by side, and a finding where
 * the vantages disagree. A port that answers from one network and not from another says something
 * about the path, not the server ("could not test" from one side is not "fails"); encryption
 * offered from one side only says a device on a path rewrites the conversation.
 */
import type { CheckResult, Finding, PortProbe } from '@/lib/probe/schema';
import { answered, probeReading, probeStatus, statusInResult, type ProbeReading } from './probe-status';
import type { PortStatus } from '@/lib/probe/schema';

export interface VantageResult {
  vantage: string;
  result: CheckResult;
}

export interface VantageCell {
  status: PortStatus;
  reading: ProbeReading;
}

export interface VantageRow {
  host: string;
  address: string;
  port: PortProbe['port'];
  /** by vantage; absent where that vantage did not probe this (host, address, port) */
  cells: Record<string, VantageCell | undefined>;
}

export interface VantageComparison {
  vantages: string[];
  rows: VantageRow[];
  findings: Finding[];
}

const key = (p: { host: string; address: string; port: number }) => `${p.host}|${p.address}|${p.port}`;

export function compareVantages(results: readonly VantageResult[]): VantageComparison {
  const vantages = results.map((r) => r.vantage);
  const rows = new Map<string, VantageRow>();
  const probesOf = new Map<string, Map<string, PortProbe>>();
  for (const { vantage, result } of results) {
    for (const p of result.probes) {
      const k = key(p);
      let row = rows.get(k);
      if (!row) rows.set(k, (row = { host: p.host, address: p.address, port: p.port, cells: {} }));
      row.cells[vantage] = { status: statusInResult(p, result.findings), reading: probeReading(p) };
      let byVantage = probesOf.get(k);
      if (!byVantage) probesOf.set(k, (byVantage = new Map()));
      byVantage.set(vantage, p);
    }
  }
  const findings: Finding[] = [];
  for (const [k, row] of rows) {
    const seen = [...probesOf.get(k)!.entries()];
    if (seen.length < 2) continue;
    const answeredFrom = seen.filter(([, p]) => answered(p)).map(([v]) => v);
    // A refused connection or a timeout from one side against an answer from the other: the
    // path differs. Our own missing route (no IPv6 at one vantage) is "could not test" there and
    // still a difference worth showing.
    const failedFrom = seen.filter(([, p]) => !answered(p)).map(([v]) => v);
    const where = { scope: 'port' as const, host: row.host, address: row.address, port: row.port };
    if (answeredFrom.length > 0 && failedFrom.length > 0) {
      // Where another vantage reached the server, a vantage that could not says what it saw
      // (closed, could not test), not the severity its own result gave the port: alone, a refused
      // port 25 is "MX refuses connections" (critical); beside an answer it is the path, which the
      // finding below says.
      for (const [v, p] of seen) if (!answered(p)) row.cells[v] = { status: probeStatus(p, []), reading: probeReading(p) };
      findings.push({
        code: 'vantage.unreachable-from',
        severity: 'warning',
        untested: false,
        ...where,
        params: { port: row.port, address: row.address, answeredFrom: answeredFrom.join(', '), failedFrom: failedFrom.join(', ') },
      });
    } else if (answeredFrom.length === seen.length) {
      const readings = new Set(seen.map(([, p]) => probeReading(p)));
      if (readings.size > 1) {
        findings.push({
          code: 'vantage.answer-differs',
          severity: 'warning',
          untested: false,
          ...where,
          params: { port: row.port, address: row.address, vantages: seen.map(([v]) => v).join(', ') },
        });
      }
    }
  }
  return { vantages, rows: [...rows.values()], findings };
}

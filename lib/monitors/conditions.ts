/**
 * Whether a monitor run alerts: its conditions read the change list between the monitor's previous
 * check and the new one (lib/history/compare-results.ts, the one diff everything uses), plus the
 * certificates of the new check for the expiry window. Pure: results in, reasons out.
 */
import type { CheckResult } from '@/lib/probe/schema';
import { compareResults, type Change } from '@/lib/history/compare-results';
import type { AlertReason, MonitorConditions } from './schemas';

export interface ExpiringCert {
  host: string;
  address: string;
  port: number;
  notAfter: string;
  daysLeft: number;
}

export interface Evaluation {
  /** the conditions that fired, in a fixed order; empty: no alert */
  reasons: AlertReason[];
  /** every change since the previous check (empty on a first run) */
  changes: Change[];
  /** certificates inside the expiry window now */
  expiring: ExpiringCert[];
}

/** Leaves that expire within `days` (an expired one counts: daysLeft is negative). */
export function expiringCertificates(result: CheckResult, days: number): ExpiringCert[] {
  const out: ExpiringCert[] = [];
  for (const p of result.probes) {
    const leaf = p.tls?.chain[0];
    if (!leaf || leaf.daysLeft > days) continue;
    out.push({ host: p.host, address: p.address, port: p.port, notAfter: leaf.notAfter, daysLeft: leaf.daysLeft });
  }
  return out;
}

function certKey(result: CheckResult, c: ExpiringCert): string {
  const probe = result.probes.find((p) => p.host === c.host && p.address === c.address && p.port === c.port);
  return `${c.host}|${c.address}|${c.port}|${probe?.tls?.chain[0]?.sha256 ?? ''}`;
}

const GOOD = new Set(['ok', 'info']);

/**
 * `previous` null: the monitor's first run; nothing to compare, so only the expiry window can
 * fire (a certificate already inside it is news the first time). A certificate that stays inside
 * the window is reported once, not on every run; a replaced one that is again close is news.
 */
export function evaluateConditions(conditions: MonitorConditions, previous: CheckResult | null, current: CheckResult): Evaluation {
  const changes = previous ? compareResults(previous, current) : [];
  const reasons = new Set<AlertReason>();
  const verdict = changes.find((c) => c.kind === 'verdict');
  if (conditions.verdictWorse && verdict?.direction === 'worse') reasons.add('verdict-worse');
  if (conditions.portChanged && changes.some((c) => c.kind === 'port-status')) reasons.add('port-changed');
  let expiring: ExpiringCert[] = [];
  if (conditions.certExpiresWithinDays !== null) {
    expiring = expiringCertificates(current, conditions.certExpiresWithinDays);
    const before = new Set(previous ? expiringCertificates(previous, conditions.certExpiresWithinDays).map((c) => certKey(previous, c)) : []);
    if (expiring.some((c) => !before.has(certKey(current, c)))) reasons.add('certificate-expiring');
  }
  if (conditions.newCritical && changes.some((c) => c.kind === 'finding-appeared' && c.finding.severity === 'critical')) {
    reasons.add('new-critical');
  }
  if (conditions.backToNormal && verdict?.direction === 'better' && GOOD.has(verdict.to) && !GOOD.has(verdict.from)) {
    reasons.add('back-to-normal');
  }
  const order: AlertReason[] = ['verdict-worse', 'port-changed', 'certificate-expiring', 'new-critical', 'back-to-normal'];
  return { reasons: order.filter((r) => reasons.has(r)), changes, expiring };
}

/**
 * Severity ranking and roll-up: the worst finding decides the port, the worst port the host, the
 * worst host the domain (the EFF STARTTLS checker's ladder). The one ranking every reader uses.
 */
import type { PortStatus, Severity } from '@/lib/probe/schema';

export const SEVERITY_RANK: Record<Severity, number> = { ok: 0, info: 1, warning: 2, critical: 3 };

/** Most severe first. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'warning', 'info', 'ok'];

/** The worst of some severities, or null when there are none. */
export function worstSeverity(severities: Iterable<Severity>): Severity | null {
  let worst: Severity | null = null;
  for (const s of severities) if (worst === null || SEVERITY_RANK[s] > SEVERITY_RANK[worst]) worst = s;
  return worst;
}

/**
 * Which address speaks for a port (and a port for a host) when they disagree. A measured reading
 * outranks "could not test": a tester without IPv6 must not turn every port of a working server
 * into "not tested" (the no-route case), and a closed port outranks an address we never probed.
 * Readers that show one cell for several addresses say so when the addresses differ.
 */
export const PORT_STATUS_RANK: Record<PortStatus, number> = { blocked: 0, closed: 1, untested: 2, ok: 3, info: 4, warning: 5, critical: 6 };

/** The status that speaks for several (the worst); 'untested' when there is nothing to roll up. */
export function rollUpStatus(statuses: Iterable<PortStatus>): PortStatus {
  let worst: PortStatus | null = null;
  for (const s of statuses) if (worst === null || PORT_STATUS_RANK[s] > PORT_STATUS_RANK[worst]) worst = s;
  return worst ?? 'untested';
}

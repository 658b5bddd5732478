/**
 * The one door through which lib/history reads a probe's table status: the interpretation layer's
 * rule (never re-derived here), so the diff, the feed and monitor alerts say what the report says.
 */
import type { Finding, PortProbe, PortStatus } from '@/lib/probe/schema';
import { probeStatus } from '@/lib/probe/findings/summarize';

export function probePortStatus(probe: PortProbe, findings: readonly Finding[]): PortStatus {
  return probeStatus(probe, findings);
}

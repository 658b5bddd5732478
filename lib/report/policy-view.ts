/**
 * How the domain's transport-security policy reads in the report, the CLI and the CSV: one status
 * line per piece (MTA-STS, TLS-RPT) with a tone, computed from the measured facts alone.
 */
import type { MtaSts, PolicyResult, TlsRpt } from '@/lib/probe/schema';

export type PolicyTone = 'ok' | 'info' | 'warning' | 'critical' | 'untested';

export interface PolicyLine {
  label: string;
  tone: PolicyTone;
  text: string;
}

const LOOKUP_OK = new Set(['ok', 'nxdomain', 'nodata']);

export function mtaStsLine(m: MtaSts): PolicyLine {
  const label = 'MTA-STS';
  if (!LOOKUP_OK.has(m.lookup.status)) return { label, tone: 'untested', text: `record lookup failed (${m.lookup.status})` };
  if (m.problem === 'none') return { label, tone: 'info', text: 'not published' };
  if (m.problem === 'multiple') return { label, tone: 'warning', text: 'several v=STSv1 records: ignored by senders' };
  if (m.problem === 'invalid') return { label, tone: 'warning', text: `malformed record: ${m.detail ?? 'invalid'}` };
  const f = m.fetch;
  if (!f) return { label, tone: 'untested', text: 'policy not fetched' };
  if (f.outcome !== 'fetched') {
    const untested = f.outcome === 'timeout' || f.outcome === 'aborted' || f.outcome === 'blocked-target';
    return { label, tone: untested ? 'untested' : 'warning', text: `policy not fetched: ${f.outcome}${f.status ? ` (${f.status})` : ''}` };
  }
  if (f.tls && (!f.tls.trusted || !f.tls.hostnameMatch)) return { label, tone: 'warning', text: 'policy served with an invalid certificate' };
  const p = m.policy;
  if (!p || p.errors.length > 0) return { label, tone: 'warning', text: 'malformed policy' };
  const tone: PolicyTone = p.mode === 'enforce' ? 'ok' : 'info';
  return { label, tone, text: `mode ${p.mode ?? '?'}, ${p.mx.length} mx pattern${p.mx.length === 1 ? '' : 's'}, max_age ${p.maxAge ?? '?'} s` };
}

export function tlsRptLine(t: TlsRpt): PolicyLine {
  const label = 'TLS-RPT';
  if (!LOOKUP_OK.has(t.lookup.status)) return { label, tone: 'untested', text: `record lookup failed (${t.lookup.status})` };
  if (t.problem === 'none') return { label, tone: 'info', text: 'not published' };
  if (t.problem === 'multiple') return { label, tone: 'warning', text: 'several v=TLSRPTv1 records: ignored by senders' };
  if (t.problem === 'invalid') return { label, tone: 'warning', text: `malformed record: ${t.detail ?? 'invalid'}` };
  return { label, tone: 'ok', text: `reports to ${t.rua.join(', ')}` };
}

export function policyLines(p: PolicyResult | undefined): PolicyLine[] {
  if (!p) return [];
  return [...(p.mtaSts ? [mtaStsLine(p.mtaSts)] : []), ...(p.tlsRpt ? [tlsRptLine(p.tlsRpt)] : [])];
}

/** One line for summaries (widget, CLI header): "MTA-STS enforce · TLS-RPT ok". */
export function policySummary(p: PolicyResult | undefined): string | undefined {
  const lines = policyLines(p);
  if (lines.length === 0) return undefined;
  return lines.map((l) => `${l.label}: ${l.text}`).join(' · ');
}

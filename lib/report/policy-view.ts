/**
 * How the domain's transport-security policy reads in the report, the CLI and the CSV: one status
 * line per piece (MTA-STS, TLS-RPT) with a tone, computed from the measured facts alone. The text
 * is a message (key and values, lib/i18n/msg.ts) that each presentation words in its language.
 * Record details and policy errors are quoted as the parser stated them (technical text).
 */
import type { MtaSts, PolicyResult, TlsRpt } from '@/lib/probe/schema';
import { msg, say, type Msg, type Translate } from '@/lib/i18n/msg';
import { daneLines } from './dane-view';

export type PolicyTone = 'ok' | 'info' | 'warning' | 'critical' | 'untested';

export interface PolicyLine {
  label: 'MTA-STS' | 'TLS-RPT' | 'DNSSEC' | 'DANE';
  tone: PolicyTone;
  text: Msg;
}

const LOOKUP_OK = new Set(['ok', 'nxdomain', 'nodata']);

const lookupFailed = (status: string) => msg('policy.line.lookupFailed', { status: msg(`dns.lookup.${status}`) });

export function mtaStsLine(m: MtaSts): PolicyLine {
  const label = 'MTA-STS';
  if (!LOOKUP_OK.has(m.lookup.status)) return { label, tone: 'untested', text: lookupFailed(m.lookup.status) };
  if (m.problem === 'none') return { label, tone: 'info', text: msg('policy.line.notPublished') };
  if (m.problem === 'multiple') return { label, tone: 'warning', text: msg('policy.line.multiple', { record: 'v=STSv1' }) };
  if (m.problem === 'invalid') return { label, tone: 'warning', text: m.detail ? msg('policy.line.invalidRecord', { detail: m.detail }) : msg('policy.line.invalidRecordBare') };
  const f = m.fetch;
  if (!f) return { label, tone: 'untested', text: msg('policy.line.notFetched') };
  if (f.outcome !== 'fetched') {
    const untested = f.outcome === 'timeout' || f.outcome === 'aborted' || f.outcome === 'blocked-target';
    const outcome = msg(`policy.fetchOutcome.${f.outcome}`);
    return {
      label,
      tone: untested ? 'untested' : 'warning',
      text: f.status ? msg('policy.line.fetchFailedStatus', { outcome, status: f.status }) : msg('policy.line.fetchFailed', { outcome }),
    };
  }
  if (f.tls && (!f.tls.trusted || !f.tls.hostnameMatch)) return { label, tone: 'warning', text: msg('policy.line.badCertificate') };
  const p = m.policy;
  if (!p || p.errors.length > 0) return { label, tone: 'warning', text: msg('policy.line.badPolicy') };
  const tone: PolicyTone = p.mode === 'enforce' ? 'ok' : 'info';
  return { label, tone, text: msg('policy.line.mode', { mode: p.mode ?? '?', count: p.mx.length, maxAge: p.maxAge ?? '?' }) };
}

export function tlsRptLine(t: TlsRpt): PolicyLine {
  const label = 'TLS-RPT';
  if (!LOOKUP_OK.has(t.lookup.status)) return { label, tone: 'untested', text: lookupFailed(t.lookup.status) };
  if (t.problem === 'none') return { label, tone: 'info', text: msg('policy.line.notPublished') };
  if (t.problem === 'multiple') return { label, tone: 'warning', text: msg('policy.line.multiple', { record: 'v=TLSRPTv1' }) };
  if (t.problem === 'invalid') return { label, tone: 'warning', text: t.detail ? msg('policy.line.invalidRecord', { detail: t.detail }) : msg('policy.line.invalidRecordBare') };
  return { label, tone: 'ok', text: msg('policy.line.reportsTo', { rua: t.rua.join(', ') }) };
}

export function policyLines(p: PolicyResult | undefined): PolicyLine[] {
  if (!p) return [];
  return [...(p.mtaSts ? [mtaStsLine(p.mtaSts)] : []), ...(p.tlsRpt ? [tlsRptLine(p.tlsRpt)] : []), ...daneLines(p)];
}

/** One line for summaries (widget, CLI header): "MTA-STS: mode enforce, … · TLS-RPT: reports to …". */
export function policySummary(p: PolicyResult | undefined, t: Translate): string | undefined {
  const lines = policyLines(p);
  if (lines.length === 0) return undefined;
  return lines.map((l) => t('policy.summaryItem', { label: l.label, text: say(t, l.text) })).join(' · ');
}

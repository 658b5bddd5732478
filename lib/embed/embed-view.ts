/**
 * The embeddable widget's reading of a check: one line per MX host with a short word per port, the
 * overall verdict and the certificate that expires first. Built from a finished result or from the
 * live state of a running check (lib/report/live-state.ts), so both render through one component.
 * Pure: the server render, the live client and the tests agree.
 */
import { displayDomainName } from '@/lib/probe/homograph';
import { PORTS, type CheckResult, type DnsResult, type Port, type PortProbe } from '@/lib/probe/schema';
import { msg, type Msg, type Words } from '@/lib/i18n/msg';
import { liveProgress, stageWords, type LiveRow, type LiveState } from '@/lib/report/live-state';
import { PORT_STATUS_META, type IconName, type Tone, type Verdict } from '@/lib/report/status';
import { relaySummary } from '@/lib/report/relay';
import { tableRows } from '@/lib/report/table-rows';
import { policyLines, type PolicyLine } from '@/lib/report/policy-view';
import { describeProbe, liveProbeStatus } from '@/lib/verdict/probe-view';
import type { ProbeReading } from '@/lib/verdict/probe-status';
import { rollUpStatus } from '@/lib/verdict/severity';
import { matrixHeadline, type MatrixHeadline } from '@/lib/verdict/tls-matrix-view';

export interface EmbedCell {
  port: Port;
  /** one or two words that fit a 60 px cell: "STARTTLS", "TLS", "Closed", "Timeout", "…" (labels.short.*) */
  text: Words;
  /** the full reading, for the tooltip and screen readers */
  detail: Msg;
  tone: Tone;
  icon: IconName | null;
  pending: boolean;
}

export interface EmbedHost {
  host: string;
  displayHost: string;
  addresses: number;
  cells: EmbedCell[];
}

export interface EmbedCert {
  daysLeft: number;
  notAfter: string;
  /** distinct leaf certificates seen */
  count: number;
}

export interface EmbedModel {
  checkId: string;
  domain: string;
  mode: 'domain' | 'host';
  phase: 'running' | 'done' | 'interrupted';
  verdict?: Verdict;
  progress?: { done: number; total: number; text: Msg };
  hosts: EmbedHost[];
  cert: EmbedCert | null;
  /** ISO time the check started */
  checkedAt?: string;
  /** why no host is listed (null MX, NXDOMAIN, …): the DNS reading's title (dns.explain.*) */
  note?: Msg;
  /** the open relay test over every MX address (finished checks only) */
  relay?: { text: Msg; tone: Tone; icon: IconName };
  /** the domain's transport-security policy, one line per piece ("MTA-STS: mode enforce … · TLS-RPT: …") */
  policy?: PolicyLine[];
  /** the most serious TLS matrix finding, when one is (old versions, broken suites, no TLS 1.2+) */
  tlsMatrix?: MatrixHeadline;
}

/**
 * One cell for a port of a host. Several addresses roll up by the interpretation layer's ranking
 * (the worst decides); before findings arrive (live), a finished session reads "done", not "good".
 */
/** The reading as a table cell words it: what protected the session, or how it ended. */
function headlineWords(r: ProbeReading): Msg {
  return r === 'starttls' || r === 'implicit-tls' || r === 'plaintext' ? msg(`labels.cell.${r}`) : msg(`status.outcome.${r}`);
}

function cellFromProbes(port: Port, probes: PortProbe[], findings: CheckResult['findings'] | null): EmbedCell {
  if (probes.length === 0) return { port, text: '–', detail: msg('widget.notProbed', { port }), tone: 'muted', icon: null, pending: false };
  const views = probes.map((p) => {
    const v = describeProbe(p, findings ?? []);
    const live = findings === null ? liveProbeStatus(p) : v.status;
    return { v, status: live === 'done' ? v.status : live, done: live === 'done' };
  });
  const status = rollUpStatus(views.map((x) => x.status));
  const worst = views.find((x) => x.status === status)!;
  const meta = PORT_STATUS_META[status];
  const differ = new Set(views.map((x) => `${x.status}|${x.v.short}`)).size > 1;
  const headline = headlineWords(worst.v.reading);
  const reading = worst.v.tlsVersion ? msg('widget.reading', { headline, tls: worst.v.tlsVersion }) : headline;
  const detail = findings === null ? msg('widget.cell', { port, reading }) : msg('widget.cellJudged', { port, reading, status: msg(`status.port.${status}`) });
  return {
    port,
    text: msg(`labels.short.${worst.v.reading}`),
    detail: differ ? msg('widget.differ', { detail }) : detail,
    tone: worst.done ? 'muted' : meta.tone,
    icon: findings === null ? null : meta.icon,
    pending: false,
  };
}

function soonestCert(probes: readonly PortProbe[]): EmbedCert | null {
  const leaves = new Map<string, { daysLeft: number; notAfter: string }>();
  for (const p of probes) {
    const leaf = p.tls?.chain[0];
    if (leaf) leaves.set(leaf.sha256, leaf);
  }
  if (leaves.size === 0) return null;
  const first = [...leaves.values()].reduce((a, b) => (b.daysLeft < a.daysLeft ? b : a));
  return { daysLeft: first.daysLeft, notAfter: first.notAfter, count: leaves.size };
}

const DNS_FAILURES = new Set(['nxdomain', 'servfail', 'timeout', 'refused', 'error']);

/** Only a null MX or a failed lookup leaves no host to list; the DNS reading's title says which. */
function noteFor(dns: DnsResult | undefined, hosts: number): Msg | undefined {
  if (!dns || hosts > 0 || (dns.mxKind !== 'null' && dns.mxKind !== 'none')) return undefined;
  if (dns.mxKind === 'null') return msg('dns.explain.nullTitle');
  return msg(`dns.explain.${DNS_FAILURES.has(dns.mx.status) ? dns.mx.status : 'none'}Title`);
}

export function embedFromResult(checkId: string, result: CheckResult): EmbedModel {
  const byHost = new Map<string, EmbedHost & { probes: PortProbe[] }>();
  for (const row of tableRows(result)) {
    let h = byHost.get(row.host);
    if (!h) {
      h = { host: row.host, displayHost: row.displayHost, addresses: 0, cells: [], probes: [] };
      byHost.set(row.host, h);
    }
    if (row.address) h.addresses++;
    h.probes.push(...Object.values(row.probes));
  }
  const hosts = [...byHost.values()].map(({ probes, ...h }) => ({
    ...h,
    cells: PORTS.map((port) => cellFromProbes(port, probes.filter((p) => p.port === port), result.findings)),
  }));
  return {
    checkId,
    // punycode beside a name whose labels mix scripts (homographs)
    domain: displayDomainName(result.target),
    mode: result.target.mode,
    phase: 'done',
    verdict: result.summary.verdict,
    hosts,
    cert: soonestCert(result.probes),
    checkedAt: result.startedAt,
    note: noteFor(result.dns, hosts.length),
    ...relayLine(result),
    ...(policyLines(result.policy).length > 0 ? { policy: policyLines(result.policy) } : {}),
    ...(matrixHeadline(result) ? { tlsMatrix: matrixHeadline(result)! } : {}),
  };
}

function relayLine(result: CheckResult): Pick<EmbedModel, 'relay'> {
  const s = relaySummary(result);
  return s ? { relay: { text: s.text, tone: s.meta.tone, icon: s.meta.icon } } : {};
}

function liveCell(port: Port, rows: LiveRow[]): EmbedCell {
  if (rows.length === 0) return { port, text: '–', detail: msg('widget.notPlanned', { port }), tone: 'muted', icon: null, pending: false };
  const running = rows.find((r) => !r.probe);
  if (running) {
    return {
      port,
      text: msg('widget.runningShort', { stage: msg(`labels.shortStage.${running.stage}`) }),
      detail: msg('widget.running', { port, stage: stageWords(running.stage) }),
      tone: 'muted',
      icon: null,
      pending: true,
    };
  }
  return cellFromProbes(port, rows.map((r) => r.probe!), null);
}

export function embedFromLive(
  checkId: string,
  target: { displayDomain: string; mode: 'domain' | 'host' },
  state: LiveState,
): EmbedModel {
  if (state.result) return embedFromResult(checkId, state.result);
  const byHost = new Map<string, LiveRow[]>();
  for (const r of state.rows) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
  const hosts: EmbedHost[] = [...byHost.entries()].map(([host, rows]) => ({
    host,
    displayHost: state.dns?.hosts.find((h) => h.name === host)?.displayName ?? host,
    addresses: new Set(rows.map((r) => r.address)).size,
    cells: PORTS.map((port) => liveCell(port, rows.filter((r) => r.port === port))),
  }));
  const progress = liveProgress(state);
  return {
    checkId,
    domain: target.displayDomain,
    mode: target.mode,
    phase: state.interrupted ? 'interrupted' : 'running',
    progress,
    hosts,
    cert: soonestCert(state.rows.flatMap((r) => (r.probe ? [r.probe] : []))),
    ...(state.startedAt ? { checkedAt: state.startedAt } : {}),
    note: noteFor(state.dns, hosts.length),
  };
}

/**
 * The embeddable widget's reading of a check: one line per MX host with a short word per port, the
 * overall verdict and the certificate that expires first. Built from a finished result or from the
 * live state of a running check (lib/report/live-state.ts), so both render through one component.
 * Pure: the server render, the live client and the tests agree.
 */
import { displayDomainName } from '@/lib/probe/homograph';
import { PORTS, type CheckResult, type DnsResult, type Port, type PortProbe } from '@/lib/probe/schema';
import { explainMx } from '@/lib/report/dns-text';
import { STAGE_LABEL, liveProgress, type LiveRow, type LiveState } from '@/lib/report/live-state';
import { PORT_STATUS_META, type IconName, type Tone, type Verdict } from '@/lib/report/status';
import { relaySummary } from '@/lib/report/relay';
import { tableRows } from '@/lib/report/table-rows';
import { policySummary } from '@/lib/report/policy-view';
import { daneLines, type DaneLine } from '@/lib/report/dane-view';
import { label } from '@/lib/verdict/labels';
import { describeProbe, liveProbeStatus } from '@/lib/verdict/probe-view';
import { rollUpStatus } from '@/lib/verdict/severity';

export interface EmbedCell {
  port: Port;
  /** one or two words that fit a 60 px cell: "STARTTLS", "TLS", "Closed", "Timeout", "…" */
  text: string;
  /** the full reading, for the tooltip and screen readers */
  detail: string;
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
  progress?: { done: number; total: number; text: string };
  hosts: EmbedHost[];
  cert: EmbedCert | null;
  /** ISO time the check started */
  checkedAt?: string;
  /** why no host is listed (null MX, NXDOMAIN, …) */
  note?: string;
  /** the open relay test over every MX address (finished checks only) */
  relay?: { text: string; tone: Tone; icon: IconName };
  /** the domain's transport-security policy in one line ("MTA-STS: mode enforce … · TLS-RPT: …") */
  policy?: string;
  /** DNSSEC and DANE status lines (message keys: the widget says them in its language) */
  dane?: DaneLine[];
}

/**
 * One cell for a port of a host. Several addresses roll up by the interpretation layer's ranking
 * (the worst decides); before findings arrive (live), a finished session reads "done", not "good".
 */
function cellFromProbes(port: Port, probes: PortProbe[], findings: CheckResult['findings'] | null): EmbedCell {
  if (probes.length === 0) return { port, text: '–', detail: `Port ${port}: not probed`, tone: 'muted', icon: null, pending: false };
  const views = probes.map((p) => {
    const v = describeProbe(p, findings ?? []);
    const live = findings === null ? liveProbeStatus(p) : v.status;
    return { v, status: live === 'done' ? v.status : live, done: live === 'done' };
  });
  const status = rollUpStatus(views.map((x) => x.status));
  const worst = views.find((x) => x.status === status)!;
  const meta = PORT_STATUS_META[status];
  const differ = new Set(views.map((x) => `${x.status}|${x.v.short}`)).size > 1;
  const head = worst.v.tlsVersion ? `${worst.v.headline}, ${worst.v.tlsVersion}` : worst.v.headline;
  const judged = findings === null ? '' : ` (${meta.label})`;
  return {
    port,
    text: worst.v.short,
    detail: `Port ${port}: ${head}${judged}${differ ? `; addresses differ, the worst is shown` : ''}`,
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

/** Only a null MX or a failed lookup leaves no host to list; the DNS reading says which. */
function noteFor(dns: DnsResult | undefined, hosts: number, domain: string): string | undefined {
  if (!dns || hosts > 0 || (dns.mxKind !== 'null' && dns.mxKind !== 'none')) return undefined;
  return explainMx(dns, domain).title;
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
    note: noteFor(result.dns, hosts.length, result.target.displayDomain),
    ...relayLine(result),
    ...(policySummary(result.policy) ? { policy: policySummary(result.policy)! } : {}),
    ...(daneLines(result.policy).length > 0 ? { dane: daneLines(result.policy) } : {}),
  };
}

function relayLine(result: CheckResult): Pick<EmbedModel, 'relay'> {
  const s = relaySummary(result);
  return s ? { relay: { text: s.text, tone: s.meta.tone, icon: s.meta.icon } } : {};
}

function liveCell(port: Port, rows: LiveRow[]): EmbedCell {
  if (rows.length === 0) return { port, text: '–', detail: `Port ${port}: not planned`, tone: 'muted', icon: null, pending: false };
  const running = rows.find((r) => !r.probe);
  if (running) {
    return { port, text: `${label(`short-stage.${running.stage}`)}…`, detail: `Port ${port}: ${STAGE_LABEL[running.stage]}…`, tone: 'muted', icon: null, pending: true };
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
    note: noteFor(state.dns, hosts.length, target.displayDomain),
  };
}

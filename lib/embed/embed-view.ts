/**
 * The embeddable widget's reading of a check: one line per MX host with a short word per port, the
 * overall verdict and the certificate that expires first. Built from a finished result or from the
 * live state of a running check (lib/report/live-state.ts), so both render through one component.
 * Pure: the server render, the live client and the tests agree.
 */
import { displayDomainName } from '@/lib/probe/homograph';
import { PORTS, type CheckResult, type DnsResult, type Port, type PortProbe, type PortStatus } from '@/lib/probe/schema';
import { describeProbe } from '@/lib/report/describe-probe';
import { explainMx } from '@/lib/report/dns-text';
import { ENCRYPTION_LABEL, OUTCOME_LABEL, formatTlsVersion } from '@/lib/report/format';
import { STAGE_LABEL, liveProgress, type LiveRow, type LiveStage, type LiveState } from '@/lib/report/live-state';
import { PORT_STATUS_META, type IconName, type Tone, type Verdict } from '@/lib/report/status';
import { tableRows } from '@/lib/report/table-rows';

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
}

/** Short words for outcomes that are not an encryption mode. */
const OUTCOME_SHORT: Record<PortProbe['outcome'], string> = {
  success: 'Answered',
  'blocked-target': 'Skipped',
  'connection-refused': 'Closed',
  'connection-timeout': 'Timeout',
  unreachable: 'Unreachable',
  'connection-reset': 'Dropped',
  'io-timeout': 'Stalled',
  'server-busy': 'Busy',
  'greeting-rejected': 'Rejects',
  'command-rejected': 'Refused',
  'not-smtp': 'Not SMTP',
  'tls-on-plain-port': 'TLS only',
  'plaintext-on-implicit-port': 'No TLS',
  'starttls-rejected': 'No TLS',
  'tls-handshake-failed': 'TLS failed',
  'reply-too-large': 'Flood',
  'protocol-error': 'Garbled',
  aborted: 'Cancelled',
};

function shortText(probe: PortProbe): string {
  if (probe.encryption === 'starttls') return 'STARTTLS';
  if (probe.encryption === 'implicit-tls') return 'TLS';
  if (probe.outcome === 'success' && probe.encryption === 'none') return 'No TLS';
  return OUTCOME_SHORT[probe.outcome];
}

function longText(probe: PortProbe): string {
  const encrypted = probe.encryption === 'starttls' || probe.encryption === 'implicit-tls';
  const head = encrypted || probe.outcome === 'success' ? ENCRYPTION_LABEL[probe.encryption] : OUTCOME_LABEL[probe.outcome];
  const version = formatTlsVersion(probe.tls?.version);
  return version ? `${head}, ${version}` : head;
}

/**
 * Which address speaks for the host when they disagree: the worst reading, with "could not test"
 * above "fine" so a host that half answers does not look healthy.
 */
const STATUS_RANK: Record<PortStatus, number> = { critical: 6, warning: 5, untested: 4, info: 3, ok: 2, closed: 1, blocked: 0 };

function cellFromProbes(port: Port, probes: PortProbe[], findings: CheckResult['findings'] | null): EmbedCell {
  if (probes.length === 0) return { port, text: '–', detail: `Port ${port}: not probed`, tone: 'muted', icon: null, pending: false };
  const views = probes.map((p) => ({ p, v: describeProbe(p, findings ?? []) }));
  const worst = views.reduce((a, b) => (STATUS_RANK[b.v.status] > STATUS_RANK[a.v.status] ? b : a));
  const meta = PORT_STATUS_META[worst.v.status];
  const differ = new Set(views.map((x) => `${x.v.status}|${shortText(x.p)}`)).size > 1;
  // Before findings arrive (live), a finished session is only "done", not yet "good".
  const tone = findings === null && worst.p.outcome === 'success' ? 'muted' : meta.tone;
  const judged = findings === null ? '' : ` (${meta.label})`;
  return {
    port,
    text: shortText(worst.p),
    detail: `Port ${port}: ${longText(worst.p)}${judged}${differ ? `; addresses differ, the worst is shown` : ''}`,
    tone,
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
  };
}

/** The stage a running probe waits in, short enough for a cell. */
const STAGE_SHORT: Record<LiveStage, string> = {
  connecting: 'Connecting',
  tls: 'TLS',
  greeting: 'Greeting',
  ehlo: 'EHLO',
  starttls: 'STARTTLS',
  'ehlo-tls': 'EHLO',
  closing: 'Closing',
  done: 'Done',
};

function liveCell(port: Port, rows: LiveRow[]): EmbedCell {
  if (rows.length === 0) return { port, text: '–', detail: `Port ${port}: not planned`, tone: 'muted', icon: null, pending: false };
  const running = rows.find((r) => !r.probe);
  if (running) {
    return { port, text: `${STAGE_SHORT[running.stage]}…`, detail: `Port ${port}: ${STAGE_LABEL[running.stage]}…`, tone: 'muted', icon: null, pending: true };
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

/**
 * The live view of a running check: a pure reducer from the check's event stream to a table of
 * (host, address, port) rows, each moving through its stages. Events carry their store sequence
 * number; replays (server-rendered events, then an SSE stream that may replay them again after a
 * reconnect) are idempotent because anything at or below the last applied seq is ignored.
 * `at` is the viewer's clock (ms) when the event was applied; it drives the ticking timers only.
 */
import type { DaneHost, PolicyResult } from '@/lib/probe/schema';
import {
  CheckEventSchema,
  type CheckEvent,
  type CheckEventType,
  type CheckInput,
  type CheckResult,
  type DnsResult,
  type Port,
  type PortProbe,
} from '@/lib/probe/schema';
import { msg, type Msg, type Words } from '@/lib/i18n/msg';
import { formatTlsVersion } from '@/lib/verdict/probe-view';
import { resultOf } from '@/lib/checks/event-log';

/** Every SSE event name the server may send for a check (one per CheckEvent type). */
export const CHECK_EVENT_TYPES: readonly CheckEventType[] = CheckEventSchema.options.map((o) => o.shape.type.value);

/** What the row is waiting for. */
export const LIVE_STAGES = ['connecting', 'tls', 'greeting', 'ehlo', 'starttls', 'ehlo-tls', 'closing', 'done'] as const;
export type LiveStage = (typeof LIVE_STAGES)[number];

/** What a running probe waits for, in words (status.stage.*; the widget's narrow cell uses labels.shortStage.*). */
export const stageWords = (stage: LiveStage): Msg => msg(`status.stage.${stage}`);

export interface LiveStep {
  /** "Connected", "Greeting 220", "TLS 1.3", "EHLO (TLS)": a message, or a version as the server named it */
  label: Words;
  ms: number;
  /** false for a TLS step with an untrusted certificate */
  ok?: boolean;
}

export interface LiveRow {
  key: string;
  host: string;
  address: string;
  family: 4 | 6;
  port: Port;
  stage: LiveStage;
  /** viewer clock when the probe was planned (its timer's origin) */
  startedAt: number;
  /** viewer clock when the current stage began */
  stageSince: number;
  steps: LiveStep[];
  probe?: PortProbe;
}

export interface LiveState {
  lastSeq: number;
  target?: CheckInput;
  startedAt?: string;
  dns?: DnsResult;
  rows: LiveRow[];
  result?: CheckResult;
  /** the server gave up on this check (restart, shutdown) */
  interrupted: boolean;
  /** policy pieces (MTA-STS, TLS-RPT) as they arrive, before the result holds them all */
  policy?: PolicyResult;
}

export type LiveAction =
  | { type: 'event'; seq: number; event: CheckEvent; at: number }
  | { type: 'interrupted'; at: number };

export const initialLiveState: LiveState = { lastSeq: 0, rows: [], interrupted: false };

export function probeKey(k: { host: string; address: string; port: number }): string {
  return `${k.host}|${k.address}|${k.port}`;
}

function newRow(
  k: { host: string; address: string; port: Port; family?: 4 | 6 },
  at: number,
): LiveRow {
  return {
    key: probeKey(k),
    host: k.host,
    address: k.address,
    family: k.family ?? (k.address.includes(':') ? 6 : 4),
    port: k.port,
    stage: 'connecting',
    startedAt: at,
    stageSince: at,
    steps: [],
  };
}

function updateRow(
  state: LiveState,
  k: { host: string; address: string; port: Port },
  at: number,
  update: (row: LiveRow) => Partial<LiveRow>,
): LiveState {
  const key = probeKey(k);
  const i = state.rows.findIndex((r) => r.key === key);
  // An event for a probe we never saw planned (e.g. a truncated replay) still gets its row.
  const row = i >= 0 ? state.rows[i]! : newRow(k, at);
  if (row.stage === 'done') return state;
  const patch = update(row);
  const next: LiveRow = { ...row, ...patch, stageSince: patch.stage && patch.stage !== row.stage ? at : row.stageSince };
  const rows = i >= 0 ? state.rows.map((r, j) => (j === i ? next : r)) : [...state.rows, next];
  return { ...state, rows };
}

/** The hosts of `base`, each replaced by its newer version from `newer` (same host name), plus new ones. */
function mergeDane(base: readonly DaneHost[], newer: readonly DaneHost[] | undefined): DaneHost[] {
  const byHost = new Map((newer ?? []).map((h) => [h.host, h]));
  const merged = base.map((h) => {
    const n = byHost.get(h.host);
    return n && n.addresses.length >= h.addresses.length ? n : h;
  });
  const known = new Set(base.map((h) => h.host));
  return [...merged, ...(newer ?? []).filter((h) => !known.has(h.host))];
}

function applyEvent(state: LiveState, event: CheckEvent, at: number): LiveState {
  switch (event.type) {
    case 'check-started':
      return { ...state, target: event.target, startedAt: event.startedAt };
    case 'dns-done':
      return { ...state, dns: event.dns };
    case 'probes-planned': {
      const known = new Set(state.rows.map((r) => r.key));
      const added = event.probes.filter((p) => !known.has(probeKey(p))).map((p) => newRow(p, at));
      return { ...state, rows: [...state.rows, ...added] };
    }
    case 'probe-connected':
      return updateRow(state, event, at, (r) => ({
        stage: r.port === 465 ? 'tls' : 'greeting',
        steps: [...r.steps, { label: msg('live.step.connected'), ms: event.ms }],
      }));
    case 'probe-tls':
      return updateRow(state, event, at, (r) => ({
        stage: r.port === 465 ? 'greeting' : 'ehlo-tls',
        steps: [...r.steps, { label: formatTlsVersion(event.version) ?? 'TLS', ms: event.ms, ok: event.trusted }],
      }));
    case 'probe-greeting':
      return updateRow(state, event, at, (r) => ({
        stage: 'ehlo',
        steps: [...r.steps, { label: msg('live.step.greeting', { code: event.greeting.code }), ms: event.ms }],
      }));
    case 'probe-ehlo':
      return updateRow(state, event, at, (r) => ({
        stage: event.tls || !event.ehlo.starttls ? 'closing' : 'starttls',
        steps: [...r.steps, { label: event.tls ? msg('live.step.ehloTls') : 'EHLO', ms: event.ms }],
      }));
    case 'probe-tls-matrix':
      // The extra handshakes are done; probe-done follows with the matrix inside the probe.
      return updateRow(state, event, at, (r) => ({ steps: [...r.steps, { label: msg('live.step.tlsMatrix'), ms: event.matrix.ms }] }));
    case 'probe-done':
      return updateRow(state, event.probe, at, () => ({ stage: 'done', probe: event.probe }));
    case 'check-done': {
      // A version-2 log leaves out what dns-done and probe-done carried: rebuild from the rows.
      const probes = state.rows.flatMap((r) => (r.probe ? [r.probe] : []));
      return { ...state, result: resultOf(event, { ...(state.dns ? { dns: state.dns } : {}), probes }) };
    }
    case 'policy-mta-sts':
      return { ...state, policy: { ...state.policy, mtaSts: event.mtaSts } };
    case 'policy-tls-rpt':
      return { ...state, policy: { ...state.policy, tlsRpt: event.tlsRpt } };
    case 'policy-dnssec':
      // The TLSA records per host come with it; each host's DANE matches follow in policy-dane.
      return { ...state, policy: { ...state.policy, dnssec: event.dnssec, dane: { hosts: mergeDane(event.tlsa, state.policy?.dane?.hosts) } } };
    case 'policy-dane':
      return { ...state, policy: { ...state.policy, dane: { hosts: mergeDane(state.policy?.dane?.hosts ?? [], [event.daneHost]) } } };
  }
}

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  if (action.type === 'interrupted') return { ...state, interrupted: true };
  if (action.seq <= state.lastSeq) return state;
  return { ...applyEvent(state, action.event, action.at), lastSeq: action.seq };
}

export interface LiveProgress {
  done: number;
  total: number;
  /** for the aria-live region: changes only when a probe finishes or the phase changes */
  text: Msg;
}

export function liveProgress(state: LiveState): LiveProgress {
  const total = state.rows.length;
  const done = state.rows.filter((r) => r.stage === 'done').length;
  let text: Msg;
  if (state.result) text = msg('live.progressDone', { total });
  else if (state.interrupted) text = msg('live.progressInterrupted', { done, total });
  else if (total > 0) text = msg('live.progress', { done, total });
  else if (state.dns) text = msg('live.progressDns');
  else text = msg('live.progressMx');
  return { done, total, text };
}

/** Milliseconds the row has been running (frozen at the probe's own total once done). */
export function rowElapsed(row: LiveRow, now: number): number {
  if (row.probe) return row.probe.timings.totalMs;
  return Math.max(0, now - row.startedAt);
}

/** Rows grouped like the final table: one line per host and address, ports as columns. */
export function liveRowsByAddress(rows: readonly LiveRow[]): { host: string; address: string; family: 4 | 6; cells: Map<Port, LiveRow> }[] {
  const out = new Map<string, { host: string; address: string; family: 4 | 6; cells: Map<Port, LiveRow> }>();
  for (const r of rows) {
    const k = `${r.host}|${r.address}`;
    let line = out.get(k);
    if (!line) {
      line = { host: r.host, address: r.address, family: r.family, cells: new Map() };
      out.set(k, line);
    }
    line.cells.set(r.port, r);
  }
  return [...out.values()];
}

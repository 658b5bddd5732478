/**
 * Creating, finding and showing monitors for the API and the management page: caps per client and
 * overall, the webhook URLs checked before anything is stored, the capability token returned once.
 */
import type { MonitorRecord, MonitorStore, DeliveryRecord } from '@/lib/store/monitor-store';
import type { Clock } from '@/lib/probe/types';
import type { CreateMonitorRequest, DeliveryView, MonitorView } from './schemas';
import { hashToken, monitorIdOfToken, newMonitorId, newMonitorToken, newSigningSecret, tokenMatches } from './token';
import type { UrlCheck } from './webhook-client';

/** Deliveries shown with a monitor (newest first). */
export const DELIVERIES_SHOWN = 50;

export type CreateOutcome =
  | { ok: true; monitor: MonitorRecord; token: string }
  | { ok: false; code: 'quota_exceeded'; message: string }
  | { ok: false; code: 'invalid_input'; message: string; details: unknown };

export async function createMonitor(
  deps: {
    store: MonitorStore;
    checkUrl: (url: string) => Promise<UrlCheck>;
    limits: { perClient: number; total: number; jitterMaxMs: number };
    clock: Clock;
    random?: () => number;
  },
  req: CreateMonitorRequest & { domain: string },
  ctx: { client: string; origin: string },
): Promise<CreateOutcome> {
  if ((await deps.store.countMonitors(ctx.client)) >= deps.limits.perClient) {
    return { ok: false, code: 'quota_exceeded', message: `you already have ${deps.limits.perClient} monitors` };
  }
  if ((await deps.store.countMonitors()) >= deps.limits.total) {
    return { ok: false, code: 'quota_exceeded', message: 'this server holds as many monitors as it accepts' };
  }
  const urls = [...new Set(req.targets.map((t) => t.url))];
  for (const [i, url] of urls.entries()) {
    const checked = await deps.checkUrl(url);
    if (!checked.ok) {
      return { ok: false, code: 'invalid_input', message: checked.message, details: { reason: `webhook-${checked.outcome}`, target: i } };
    }
  }
  const now = deps.clock.now();
  const id = newMonitorId();
  const token = newMonitorToken(id);
  const monitor: MonitorRecord = {
    id,
    domain: req.domain,
    intervalSec: req.interval,
    conditions: req.conditions,
    targets: urls.map((url) => ({ type: 'webhook', url })),
    tokenHash: hashToken(token),
    signingSecret: newSigningSecret(),
    createdBy: ctx.client,
    origin: ctx.origin,
    createdAt: now,
    // The first run soon, spread like the others: monitors created together do not fire together.
    nextRunAt: now + Math.floor((deps.random ?? Math.random)() * Math.min(deps.limits.jitterMaxMs, req.interval * 100)),
    paused: false,
    lastCheckId: null,
    pendingSince: null,
    pendingCheckId: null,
  };
  await deps.store.createMonitor(monitor);
  return { ok: true, monitor, token };
}

/** The monitor a token manages, or null (unknown id, wrong token: the same answer). */
export async function findByToken(store: MonitorStore, token: string): Promise<MonitorRecord | null> {
  const id = monitorIdOfToken(token);
  if (!id) return null;
  const m = await store.getMonitor(id);
  return m && tokenMatches(token, m.tokenHash) ? m : null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function deliveryView(d: DeliveryRecord): DeliveryView {
  return {
    id: d.id,
    url: d.url,
    checkId: d.checkId,
    status: d.status,
    createdAt: iso(d.createdAt),
    nextAttemptAt: d.status === 'pending' && d.nextAttemptAt !== null ? iso(d.nextAttemptAt) : null,
    attempts: d.attemptLog.map((a) => ({ n: a.n, at: iso(a.at), outcome: a.outcome, httpStatus: a.httpStatus, error: a.error, durationMs: a.durationMs })),
  };
}

export async function monitorView(store: MonitorStore, m: MonitorRecord): Promise<MonitorView> {
  const deliveries = await store.listDeliveries(m.id, DELIVERIES_SHOWN);
  return {
    id: m.id,
    domain: m.domain,
    interval: m.intervalSec,
    conditions: m.conditions,
    targets: m.targets,
    paused: m.paused,
    createdAt: iso(m.createdAt),
    nextRunAt: iso(m.nextRunAt),
    lastCheckId: m.lastCheckId,
    signingSecret: m.signingSecret,
    deliveries: deliveries.map(deliveryView),
  };
}

export function manageLinks(origin: string, token: string): { manageUrl: string; apiUrl: string } {
  return { manageUrl: `${origin}/monitors/${token}`, apiUrl: `${origin}/api/monitors/${token}` };
}

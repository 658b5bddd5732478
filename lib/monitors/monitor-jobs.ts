/**
 * The two jobs a monitor scheduler runs, whatever drives it (the in-process loop in embedded mode,
 * BullMQ job schedulers in scaled mode): run a monitor (an ordinary check through the runner, so it
 * shows in the domain's history, then its conditions against the previous check) and attempt a
 * webhook delivery (signed, logged, retried with backoff). Written against the store and runner
 * interfaces only; every state change goes through the store first, so a process that dies in the
 * middle leaves work another start picks up, never loses.
 */
import { randomBytes } from 'node:crypto';
import type { CheckView, Runner } from '@/lib/checks/runner';
import type { Clock, ProbeLogger } from '@/lib/probe/types';
import type { DeliveryRecord, MonitorRecord, MonitorStore, NewDelivery } from '@/lib/store/monitor-store';
import { alertPayload } from './alert-payload';
import { retryDelayMs, type BackoffPolicy } from './backoff';
import { evaluateConditions } from './conditions';
import type { AttemptResult } from './webhook-client';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

export interface MonitorJobDeps {
  monitors: MonitorStore;
  /** starts checks, follows them to their end and reads them (checks are the runner's, never read from the store here) */
  runner: Pick<Runner, 'start' | 'subscribe' | 'getCheck'>;
  /** one webhook POST (webhook-client.ts postWebhook, bound to its deps) */
  post: (opts: { url: string; body: string; headers: Record<string, string> }) => Promise<AttemptResult>;
  backoff: BackoffPolicy;
  clock: Clock;
  logger: ProbeLogger;
  /** [0, 1): jitter source (tests pass their own) */
  random?: () => number;
  /** upper bound of the jitter added to each next run, ms (spreads monitors created together) */
  jitterMaxMs: number;
  /** when the runner is busy, or a run's check was interrupted: try again this much later */
  retryRunMs: number;
  /** how long a claimed delivery attempt may take before another may take it over */
  deliveryLeaseMs: number;
  /** true once the process is stopping: a run cut short is left pending for the next start */
  isStopping?: () => boolean;
  /** a run queued these deliveries in the store (a scheduler that queues each attempt as a job hears of them here) */
  onDeliveriesQueued?: (deliveries: NewDelivery[]) => Promise<void>;
}

export function newDeliveryId(): string {
  return `dlv_${randomBytes(12).toString('base64url')}`;
}

/** The next regular run after one that starts `now`: one interval later, plus jitter. */
export function nextRunAfter(deps: Pick<MonitorJobDeps, 'random' | 'jitterMaxMs'>, m: Pick<MonitorRecord, 'intervalSec'>, now: number): number {
  const jitter = Math.min(deps.jitterMaxMs, m.intervalSec * 100); // at most a tenth of the interval
  return now + m.intervalSec * 1000 + Math.floor((deps.random ?? Math.random)() * jitter);
}

/** Resolves when the check has ended (done or interrupted). */
function checkEnded(runner: MonitorJobDeps['runner'], id: string): Promise<void> {
  return new Promise((resolve) => {
    // Seq past any real one: no replay, just the end (at once when it has already ended).
    const stop = runner.subscribe(id, Number.MAX_SAFE_INTEGER, {
      event() {},
      end() {
        queueMicrotask(() => stop());
        resolve();
      },
      error() {
        resolve();
      },
    });
  });
}

/**
 * Resolves once the runner reports the check ended, or the process is stopping. A subscription can
 * end before the record says so (a check still queued and not yet stored reads as not found): the
 * record decides, and the wait goes on while it still says queued or running.
 */
async function checkSettled(deps: Pick<MonitorJobDeps, 'runner' | 'isStopping'>, id: string, pollMs = 200): Promise<void> {
  for (;;) {
    await checkEnded(deps.runner, id);
    const status = (await deps.runner.getCheck(id))?.status;
    if ((status !== 'running' && status !== 'queued') || deps.isStopping?.()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function doneResult(r: CheckView | null) {
  return r && r.status === 'done' && r.result ? r.result : null;
}

/**
 * Claims a due monitor and runs it. Returns false when another scheduler took it first. The next
 * run is one interval after now, not after the missed time: after downtime a missed run runs once.
 */
export async function runMonitor(deps: MonitorJobDeps, m: MonitorRecord): Promise<boolean> {
  const now = deps.clock.now();
  if (!(await deps.monitors.claimRun(m.id, m.nextRunAt, nextRunAfter(deps, m, now), now))) {
    deps.logger.debug({ monitorId: m.id, nextRunAt: m.nextRunAt }, 'monitor run already taken');
    return false;
  }
  const started = await deps.runner.start(m.domain, 'domain', `monitor:${m.id}`);
  if (!started.ok) {
    deps.logger.warn({ monitorId: m.id, domain: m.domain, code: started.code }, 'monitor run could not start');
    // Busy: again soon. Invalid (the domain no longer passes): at the next regular run.
    const again = started.code === 'invalid_input' ? nextRunAfter(deps, m, now) : deps.clock.now() + deps.retryRunMs;
    await deps.monitors.abandonRun(m.id, again);
    return true;
  }
  await deps.monitors.setPendingCheck(m.id, started.id);
  await checkSettled(deps, started.id);
  // Stopping: the check was interrupted by the shutdown; the next start runs the monitor again.
  if (deps.isStopping?.()) return true;
  await completeMonitorRun(deps, m.id, started.id);
  return true;
}

/**
 * Ends a run whose check has ended: compares with the previous check, queues the alert's
 * deliveries and records the check, in one store transaction. An interrupted check gives the run
 * up, to be tried again shortly (once).
 */
export async function completeMonitorRun(deps: MonitorJobDeps, monitorId: string, checkId: string): Promise<void> {
  const m = await deps.monitors.getMonitor(monitorId);
  if (!m) return; // deleted meanwhile
  const record = await deps.runner.getCheck(checkId);
  const result = doneResult(record);
  if (!result) {
    if (record?.status === 'running' || record?.status === 'queued') return; // another process's run: its scheduler completes it
    deps.logger.warn({ monitorId, checkId, status: record?.status ?? 'missing' }, 'monitor check did not finish; running again shortly');
    await deps.monitors.abandonRun(monitorId, deps.clock.now() + deps.retryRunMs);
    return;
  }
  const previousRecord = m.lastCheckId && m.lastCheckId !== checkId ? await deps.runner.getCheck(m.lastCheckId) : null;
  const previousResult = doneResult(previousRecord);
  const previous = previousResult && previousRecord ? { id: previousRecord.id, result: previousResult } : null;
  const evaluation = evaluateConditions(m.conditions, previous?.result ?? null, result);
  const deliveries: NewDelivery[] = [];
  if (evaluation.reasons.length > 0) {
    const createdAt = deps.clock.now();
    for (const target of m.targets) {
      const id = newDeliveryId();
      const payload = alertPayload({ deliveryId: id, monitor: m, check: { id: checkId, result }, previous, evaluation });
      deliveries.push({ id, monitorId, url: target.url, payload, checkId, createdAt });
    }
  }
  if (!(await deps.monitors.completeRun(monitorId, checkId, deliveries))) {
    deps.logger.info({ monitorId, checkId }, 'monitor deleted during its run: nothing delivered');
    return;
  }
  if (deliveries.length > 0) await deps.onDeliveriesQueued?.(deliveries);
  deps.logger.info({ monitorId, checkId, reasons: evaluation.reasons, changes: evaluation.changes.length, deliveries: deliveries.length }, 'monitor run done');
}

/**
 * A run claimed and never completed (its process stopped, or its job was handed to another
 * worker). A check still running is waited for when `wait` (the run's own job, taken over) or
 * left to whoever runs it; a finished one completes the run; a run with no check yet is given up
 * once `claimGraceMs` has passed, an interrupted one is tried again after `retryRunMs` (once).
 */
export async function resumeRun(deps: MonitorJobDeps, m: MonitorRecord, opts: { wait: boolean; claimGraceMs: number }): Promise<void> {
  const now = deps.clock.now();
  if (m.pendingSince === null) return;
  if (!m.pendingCheckId) {
    if (m.pendingSince <= now - opts.claimGraceMs) await deps.monitors.abandonRun(m.id, now);
    return;
  }
  let check = await deps.runner.getCheck(m.pendingCheckId);
  if (check?.status === 'running' || check?.status === 'queued') {
    if (!opts.wait) return;
    await checkSettled(deps, m.pendingCheckId);
    if (deps.isStopping?.()) return;
    check = await deps.runner.getCheck(m.pendingCheckId);
  }
  if (check?.status === 'done') await completeMonitorRun(deps, m.id, check.id);
  else await deps.monitors.abandonRun(m.id, opts.wait ? now + deps.retryRunMs : now);
}

/** Signs and sends one attempt of a due delivery, logs it, and schedules a retry or ends it. */
export async function attemptDelivery(deps: MonitorJobDeps, d: DeliveryRecord): Promise<boolean> {
  const now = deps.clock.now();
  if (d.nextAttemptAt === null || !(await deps.monitors.claimDelivery(d.id, d.nextAttemptAt, now + deps.deliveryLeaseMs))) return false;
  const m = await deps.monitors.getMonitor(d.monitorId);
  if (!m) return false;
  const n = d.attempts + 1;
  const result = await deps.post({
    url: d.url,
    body: d.payload,
    headers: {
      [SIGNATURE_HEADER]: signatureHeader(m.signingSecret, d.payload, Math.floor(deps.clock.now() / 1000)),
      'Mxray-Delivery': d.id,
      'Mxray-Event': 'monitor.alert',
    },
  });
  const delivered = result.outcome === 'delivered';
  const delay = delivered ? null : retryDelayMs(deps.backoff, n, deps.random);
  const next = delivered
    ? { status: 'delivered' as const, nextAttemptAt: null }
    : delay === null
      ? { status: 'failed' as const, nextAttemptAt: null }
      : { status: 'pending' as const, nextAttemptAt: deps.clock.now() + delay };
  await deps.monitors.recordAttempt(d.id, { n, at: now, outcome: result.outcome, httpStatus: result.httpStatus, error: result.error, durationMs: result.durationMs }, next);
  deps.logger.info({ monitorId: m.id, deliveryId: d.id, attempt: n, outcome: result.outcome, httpStatus: result.httpStatus, next: next.status }, 'webhook attempt');
  return true;
}

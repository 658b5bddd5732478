/**
 * MonitorStore on the SQLite file of the check store (migration 5). JSON columns are validated
 * with the shared schemas on write and on read (monitor-codec.ts): monitors are few and small.
 */
import 'server-only';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { MonitorConditionsSchema, MonitorTargetSchema } from '@/lib/monitors/schemas';
import { toDelivery, toMonitor, type AttemptRow, type DeliveryRow, type MonitorRow } from './monitor-codec';
import type { DeliveryAttempt, DeliveryStatus, DeliveryRecord, MonitorStore, NewDelivery, NewMonitor } from './monitor-store';

export function createSqliteMonitorStore(db: Database.Database): MonitorStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO monitors (id, domain, interval_sec, conditions, targets, token_hash, signing_secret, created_by, origin, created_at, next_run_at)
       VALUES (@id, @domain, @intervalSec, @conditions, @targets, @tokenHash, @signingSecret, @createdBy, @origin, @createdAt, @nextRunAt)`,
    ),
    get: db.prepare('SELECT * FROM monitors WHERE id = ?'),
    delete: db.prepare('DELETE FROM monitors WHERE id = ?'),
    setPaused: db.prepare('UPDATE monitors SET paused = ?, next_run_at = ? WHERE id = ?'),
    countAll: db.prepare('SELECT COUNT(*) AS n FROM monitors'),
    countBy: db.prepare('SELECT COUNT(*) AS n FROM monitors WHERE created_by = ?'),
    due: db.prepare(
      `SELECT * FROM monitors WHERE paused = 0 AND pending_since IS NULL AND next_run_at <= ? ORDER BY next_run_at, id LIMIT ?`,
    ),
    claim: db.prepare(
      `UPDATE monitors SET next_run_at = ?, pending_since = ?, pending_check_id = NULL
        WHERE id = ? AND next_run_at = ? AND pending_since IS NULL AND paused = 0`,
    ),
    setPending: db.prepare('UPDATE monitors SET pending_check_id = ? WHERE id = ?'),
    complete: db.prepare('UPDATE monitors SET last_check_id = ?, pending_since = NULL, pending_check_id = NULL WHERE id = ?'),
    abandon: db.prepare('UPDATE monitors SET pending_since = NULL, pending_check_id = NULL, next_run_at = ? WHERE id = ?'),
    stale: db.prepare('SELECT * FROM monitors WHERE pending_since IS NOT NULL AND pending_since <= ? ORDER BY pending_since'),
    insertDelivery: db.prepare(
      `INSERT INTO monitor_deliveries (id, monitor_id, url, payload, check_id, status, attempts, next_attempt_at, created_at)
       VALUES (@id, @monitorId, @url, @payload, @checkId, 'pending', 0, @createdAt, @createdAt)`,
    ),
    dueDeliveries: db.prepare(
      `SELECT * FROM monitor_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    ),
    claimDelivery: db.prepare(`UPDATE monitor_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at = ?`),
    insertAttempt: db.prepare(
      `INSERT INTO monitor_delivery_attempts (delivery_id, n, at, outcome, http_status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateDelivery: db.prepare(`UPDATE monitor_deliveries SET status = ?, attempts = ?, next_attempt_at = ? WHERE id = ?`),
    listDeliveries: db.prepare(`SELECT * FROM monitor_deliveries WHERE monitor_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`),
    attemptsOf: db.prepare(`SELECT * FROM monitor_delivery_attempts WHERE delivery_id = ? ORDER BY n`),
    getDelivery: db.prepare('SELECT * FROM monitor_deliveries WHERE id = ?'),
    page: db.prepare('SELECT * FROM monitors WHERE id > ? ORDER BY id LIMIT ?'),
  };

  const withAttempts = (rows: DeliveryRow[]): DeliveryRecord[] =>
    rows.map((r) => toDelivery(r, q.attemptsOf.all(r.id) as AttemptRow[]));

  // A monitor (or delivery) deleted while its run (or attempt) was in flight: nothing is added under it.
  const complete = db.transaction((id: string, checkId: string, deliveries: NewDelivery[]) => {
    if (q.complete.run(checkId, id).changes === 0) return false;
    for (const d of deliveries) q.insertDelivery.run(d);
    return true;
  });

  const record = db.transaction((id: string, a: DeliveryAttempt, next: { status: DeliveryStatus; nextAttemptAt: number | null }) => {
    if (q.updateDelivery.run(next.status, a.n, next.nextAttemptAt, id).changes === 0) return false;
    q.insertAttempt.run(id, a.n, a.at, a.outcome, a.httpStatus, a.error, a.durationMs);
    return true;
  });

  return {
    async createMonitor(m: NewMonitor) {
      q.insert.run({
        ...m,
        conditions: JSON.stringify(MonitorConditionsSchema.parse(m.conditions)),
        targets: JSON.stringify(z.array(MonitorTargetSchema).parse(m.targets)),
      });
    },
    async getMonitor(id) {
      const row = q.get.get(id) as MonitorRow | undefined;
      return row ? toMonitor(row) : null;
    },
    async deleteMonitor(id) {
      return q.delete.run(id).changes > 0;
    },
    async setPaused(id, paused, nextRunAt) {
      return q.setPaused.run(paused ? 1 : 0, nextRunAt, id).changes > 0;
    },
    async countMonitors(createdBy) {
      const row = (createdBy === undefined ? q.countAll.get() : q.countBy.get(createdBy)) as { n: number };
      return row.n;
    },
    async listDueMonitors(now, limit) {
      return (q.due.all(now, Math.max(1, Math.trunc(limit))) as MonitorRow[]).map(toMonitor);
    },
    async claimRun(id, expectedNextRunAt, nextRunAt, now) {
      return q.claim.run(nextRunAt, now, id, expectedNextRunAt).changes > 0;
    },
    async setPendingCheck(id, checkId) {
      q.setPending.run(checkId, id);
    },
    async completeRun(id, checkId, deliveries) {
      return complete(id, checkId, deliveries);
    },
    async abandonRun(id, nextRunAt) {
      q.abandon.run(nextRunAt, id);
    },
    async listStaleRuns(olderThan) {
      return (q.stale.all(olderThan) as MonitorRow[]).map(toMonitor);
    },
    async listDueDeliveries(now, limit) {
      return withAttempts(q.dueDeliveries.all(now, Math.max(1, Math.trunc(limit))) as DeliveryRow[]);
    },
    async claimDelivery(id, expected, leaseUntil) {
      return q.claimDelivery.run(leaseUntil, id, expected).changes > 0;
    },
    async recordAttempt(id, attempt, next) {
      return record(id, attempt, next);
    },
    async getDelivery(id) {
      const row = q.getDelivery.get(id) as DeliveryRow | undefined;
      return row ? withAttempts([row])[0]! : null;
    },
    async listMonitors(afterId, limit) {
      return (q.page.all(afterId, Math.max(1, Math.trunc(limit))) as MonitorRow[]).map(toMonitor);
    },
    async listDeliveries(monitorId, limit) {
      return withAttempts(q.listDeliveries.all(monitorId, Math.max(1, Math.trunc(limit))) as DeliveryRow[]);
    },
  };
}

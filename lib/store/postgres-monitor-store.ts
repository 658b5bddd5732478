/**
 * MonitorStore on PostgreSQL (pg-migrations/0002_monitors.sql), on the check store's pool. The
 * same semantics as the SQLite one (tests/fixtures/monitor-store-contract.ts): claims are single
 * UPDATE … WHERE statements (compare-and-set), so instances sharing the database never take the
 * same run or delivery attempt twice; a run's completion and its deliveries are one transaction.
 */
import 'server-only';
import type pg from 'pg';
import { z } from 'zod';
import { MonitorConditionsSchema, MonitorTargetSchema } from '@/lib/monitors/schemas';
import { toDelivery, toMonitor, type AttemptRow, type DeliveryRow, type MonitorRow } from './monitor-codec';
import type { DeliveryRecord, MonitorStore } from './monitor-store';

const MONITOR_COLUMNS =
  'id, domain, interval_sec, conditions, targets, token_hash, signing_secret, created_by, origin, created_at, paused, next_run_at, last_check_id, pending_since, pending_check_id';

export function createPostgresMonitorStore(pool: pg.Pool): MonitorStore {
  const monitors = async (sql: string, params: unknown[]) => (await pool.query<MonitorRow>(sql, params)).rows.map(toMonitor);

  async function withAttempts(rows: DeliveryRow[]): Promise<DeliveryRecord[]> {
    if (rows.length === 0) return [];
    const { rows: attempts } = await pool.query<AttemptRow>(
      'SELECT delivery_id, n, at, outcome, http_status, error, duration_ms FROM monitor_delivery_attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, n',
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => toDelivery(r, attempts.filter((a) => a.delivery_id === r.id)));
  }

  async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  return {
    async createMonitor(m) {
      await pool.query(
        `INSERT INTO monitors (id, domain, interval_sec, conditions, targets, token_hash, signing_secret, created_by, origin, created_at, next_run_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          m.id,
          m.domain,
          m.intervalSec,
          JSON.stringify(MonitorConditionsSchema.parse(m.conditions)),
          JSON.stringify(z.array(MonitorTargetSchema).parse(m.targets)),
          m.tokenHash,
          m.signingSecret,
          m.createdBy,
          m.origin,
          m.createdAt,
          m.nextRunAt,
        ],
      );
    },
    async getMonitor(id) {
      return (await monitors(`SELECT ${MONITOR_COLUMNS} FROM monitors WHERE id = $1`, [id]))[0] ?? null;
    },
    async deleteMonitor(id) {
      return ((await pool.query('DELETE FROM monitors WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async setPaused(id, paused, nextRunAt) {
      return ((await pool.query('UPDATE monitors SET paused = $1, next_run_at = $2 WHERE id = $3', [paused, nextRunAt, id])).rowCount ?? 0) > 0;
    },
    async countMonitors(createdBy) {
      const { rows } =
        createdBy === undefined
          ? await pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM monitors')
          : await pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM monitors WHERE created_by = $1', [createdBy]);
      return rows[0]?.n ?? 0;
    },
    async listDueMonitors(now, limit) {
      return monitors(
        `SELECT ${MONITOR_COLUMNS} FROM monitors WHERE NOT paused AND pending_since IS NULL AND next_run_at <= $1 ORDER BY next_run_at, id LIMIT $2`,
        [now, Math.max(1, Math.trunc(limit))],
      );
    },
    async claimRun(id, expectedNextRunAt, nextRunAt, now) {
      const r = await pool.query(
        `UPDATE monitors SET next_run_at = $1, pending_since = $2, pending_check_id = NULL
          WHERE id = $3 AND next_run_at = $4 AND pending_since IS NULL AND NOT paused`,
        [nextRunAt, now, id, expectedNextRunAt],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async setPendingCheck(id, checkId) {
      await pool.query('UPDATE monitors SET pending_check_id = $1 WHERE id = $2', [checkId, id]);
    },
    async completeRun(id, checkId, deliveries) {
      // The UPDATE locks the monitor's row: a concurrent DELETE waits for the commit and then takes
      // the deliveries with it; a monitor already deleted updates nothing and gets none.
      return transaction(async (client) => {
        const r = await client.query('UPDATE monitors SET last_check_id = $1, pending_since = NULL, pending_check_id = NULL WHERE id = $2', [checkId, id]);
        if ((r.rowCount ?? 0) === 0) return false;
        for (const d of deliveries) {
          await client.query(
            `INSERT INTO monitor_deliveries (id, monitor_id, url, payload, check_id, status, attempts, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)`,
            [d.id, d.monitorId, d.url, d.payload, d.checkId, d.createdAt],
          );
        }
        return true;
      });
    },
    async abandonRun(id, nextRunAt) {
      await pool.query('UPDATE monitors SET pending_since = NULL, pending_check_id = NULL, next_run_at = $1 WHERE id = $2', [nextRunAt, id]);
    },
    async listStaleRuns(olderThan) {
      return monitors(`SELECT ${MONITOR_COLUMNS} FROM monitors WHERE pending_since IS NOT NULL AND pending_since <= $1 ORDER BY pending_since`, [olderThan]);
    },
    async listDueDeliveries(now, limit) {
      const { rows } = await pool.query<DeliveryRow>(
        `SELECT * FROM monitor_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`,
        [now, Math.max(1, Math.trunc(limit))],
      );
      return withAttempts(rows);
    },
    async claimDelivery(id, expected, leaseUntil) {
      const r = await pool.query(`UPDATE monitor_deliveries SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3`, [
        leaseUntil,
        id,
        expected,
      ]);
      return (r.rowCount ?? 0) > 0;
    },
    async recordAttempt(id, a, next) {
      return transaction(async (client) => {
        const r = await client.query('UPDATE monitor_deliveries SET status = $1, attempts = $2, next_attempt_at = $3 WHERE id = $4', [next.status, a.n, next.nextAttemptAt, id]);
        if ((r.rowCount ?? 0) === 0) return false; // deleted with its monitor during the attempt
        await client.query(
          'INSERT INTO monitor_delivery_attempts (delivery_id, n, at, outcome, http_status, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [id, a.n, a.at, a.outcome, a.httpStatus, a.error, a.durationMs],
        );
        return true;
      });
    },
    async getDelivery(id) {
      const { rows } = await pool.query<DeliveryRow>('SELECT * FROM monitor_deliveries WHERE id = $1', [id]);
      return (await withAttempts(rows))[0] ?? null;
    },
    async listMonitors(afterId, limit) {
      return monitors(`SELECT ${MONITOR_COLUMNS} FROM monitors WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, Math.max(1, Math.trunc(limit))]);
    },
    async listDeliveries(monitorId, limit) {
      const { rows } = await pool.query<DeliveryRow>(
        'SELECT * FROM monitor_deliveries WHERE monitor_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
        [monitorId, Math.max(1, Math.trunc(limit))],
      );
      return withAttempts(rows);
    },
  };
}

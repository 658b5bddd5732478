/**
 * Monitor rows as both store engines read them back (SQLite and Postgres): JSON columns arrive as
 * text and are validated with the shared schemas, numbers as numbers, the paused flag as 0/1 or a
 * boolean. A row that does not parse is a StoreCorruptionError, never a half-read monitor.
 */
import { z } from 'zod';
import { DeliveryOutcomeSchema, MonitorConditionsSchema, MonitorTargetSchema } from '@/lib/monitors/schemas';
import { StoreCorruptionError } from './check-store';
import type { DeliveryAttempt, DeliveryRecord, DeliveryStatus, MonitorRecord } from './monitor-store';

export interface MonitorRow {
  id: string;
  domain: string;
  interval_sec: number;
  conditions: string;
  targets: string;
  token_hash: string;
  signing_secret: string;
  created_by: string;
  origin: string;
  created_at: number;
  paused: number | boolean;
  next_run_at: number;
  last_check_id: string | null;
  pending_since: number | null;
  pending_check_id: string | null;
}

export interface DeliveryRow {
  id: string;
  monitor_id: string;
  url: string;
  payload: string;
  check_id: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  created_at: number;
}

export interface AttemptRow {
  delivery_id: string;
  n: number;
  at: number;
  outcome: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}

function parseColumn<S extends z.ZodType>(schema: S, text: string, what: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoreCorruptionError(`${what} is not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoreCorruptionError(`${what} does not match its schema`);
  return parsed.data;
}

export function toMonitor(r: MonitorRow): MonitorRecord {
  return {
    id: r.id,
    domain: r.domain,
    intervalSec: r.interval_sec,
    conditions: parseColumn(MonitorConditionsSchema, r.conditions, `monitor ${r.id}: conditions`),
    targets: parseColumn(z.array(MonitorTargetSchema), r.targets, `monitor ${r.id}: targets`),
    tokenHash: r.token_hash,
    signingSecret: r.signing_secret,
    createdBy: r.created_by,
    origin: r.origin,
    createdAt: r.created_at,
    paused: r.paused === 1 || r.paused === true,
    nextRunAt: r.next_run_at,
    lastCheckId: r.last_check_id,
    pendingSince: r.pending_since,
    pendingCheckId: r.pending_check_id,
  };
}

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

function toAttempt(r: AttemptRow): DeliveryAttempt {
  const outcome = DeliveryOutcomeSchema.safeParse(r.outcome);
  if (!outcome.success) throw new StoreCorruptionError(`delivery ${r.delivery_id}: unknown outcome ${r.outcome}`);
  return { n: r.n, at: r.at, outcome: outcome.data, httpStatus: r.http_status, error: r.error, durationMs: r.duration_ms };
}

export function toDelivery(r: DeliveryRow, attempts: AttemptRow[]): DeliveryRecord {
  if (!STATUSES.includes(r.status as DeliveryStatus)) throw new StoreCorruptionError(`delivery ${r.id}: unknown status ${r.status}`);
  return {
    id: r.id,
    monitorId: r.monitor_id,
    url: r.url,
    payload: r.payload,
    checkId: r.check_id,
    createdAt: r.created_at,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    attemptLog: attempts.map(toAttempt),
  };
}


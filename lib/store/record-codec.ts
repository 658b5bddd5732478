/**
 * Rows to records, shared by the SQLite and Postgres stores so both read a check the same way.
 * Every JSON column is validated with the shared zod schemas on write; on read it is only parsed
 * (validating a large result on every GET, badge and replay cost seconds of blocked event loop),
 * unless `validate` asks for the full check (tests, tools). Invalid JSON is always a clear error
 * instead of a malformed report.
 */
import type { z } from 'zod';
import { StoredCheckStatusSchema } from '@/lib/checks/check-status';
import { CheckInputSchema, CheckModeSchema, CheckResultSchema } from '@/lib/probe/schema';
import { upgradeResult } from '@/lib/probe/schema-upgrade';
import { StoreCorruptionError, type CheckRecord } from './check-store';

/** A `checks` row as both engines return it (JSON columns as text, times as ms since epoch). */
export interface CheckRow {
  id: string;
  domain: string;
  mode: string;
  input: string;
  status: string;
  created_at: number;
  finished_at: number | null;
  result: string | null;
  error: string | null;
}

export function parseJson<S extends z.ZodType>(
  schema: S,
  text: string,
  what: string,
  validate: boolean,
  upgrade: (v: unknown) => unknown = (v) => v,
): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StoreCorruptionError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  // Rows written in an older shape are read in the current one (lib/probe/schema-upgrade.ts).
  value = upgrade(value);
  // Written by this store after schema validation: trusted, unless the caller wants the full check.
  if (!validate) {
    if (typeof value !== 'object' || value === null) throw new StoreCorruptionError(`${what} is not a JSON object`);
    return value as z.infer<S>;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'schema mismatch';
    throw new StoreCorruptionError(`${what} does not match its schema (${where})`);
  }
  return parsed.data;
}

export function toRecord(row: CheckRow, validate: boolean): CheckRecord {
  const what = `check ${row.id}`;
  const mode = CheckModeSchema.safeParse(row.mode);
  const stored = StoredCheckStatusSchema.safeParse(row.status);
  if (!mode.success || !stored.success) {
    throw new StoreCorruptionError(`${what} has an unknown mode or status (${row.mode}, ${row.status})`);
  }
  const status = stored.data;
  if (status === 'done' && row.result === null) {
    throw new StoreCorruptionError(`${what} is done but has no result`);
  }
  return {
    id: row.id,
    domain: row.domain,
    mode: mode.data,
    target: parseJson(CheckInputSchema, row.input, `${what}: stored input`, validate),
    status,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    result: row.result === null ? null : parseJson(CheckResultSchema, row.result, `${what}: stored result`, validate, upgradeResult),
    error: row.error,
  };
}

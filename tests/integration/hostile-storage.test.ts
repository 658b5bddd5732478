/**
 * The "one check stores a gigabyte" attack, at test scale, through the real engine, runner and
 * SQLite file store: one domain with 10 MX names that all resolve to the same 4 addresses
 * (127.112.0.1–4, tests/fixtures/hostile-storage-lab.ts), each address answering on 25/465/587/2525 with a 200-line greeting and an EHLO
 * of control characters. Before: every (address, port) probed once per name (160 probes), every
 * reply stored four times; here the raw engine output of one such check is measured first to show
 * the attack, then what the runner stores is held to CHECK_MAX_STORED_BYTES (2 MB).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultFromEvents } from '@/lib/checks/event-log';
import { createRunner } from '@/lib/checks/runner';
import type { CheckEngine } from '@/lib/probe/engine';
import { runCheck } from '@/lib/probe/run-check';
import { CheckEventSchema, CheckResultSchema, type CheckEvent, type CheckResult } from '@/lib/probe/schema';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { startHostileStorageLab, type HostileStorageLab } from '@/tests/fixtures/hostile-storage-lab';

const MAX = 2 * 1024 * 1024;

let lab: HostileStorageLab;
const dirs: string[] = [];

beforeAll(async () => {
  lab = await startHostileStorageLab(0);
});

afterAll(async () => {
  await lab?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const engine = (): CheckEngine => ({
  prepare: () => ({ ok: true, target: lab.target }),
  run: (t, signal) => runCheck(t, lab.deps, signal),
});

describe('one hostile domain against the per-check storage budget', () => {
  let raw: { events: CheckEvent[]; result: CheckResult; connections: number };

  it('reproduces the attack: the engine alone produces many MB for one check', async () => {
    const before = lab.servers.reduce((n, s) => n + s.connections, 0);
    const events: CheckEvent[] = [];
    const gen = runCheck(lab.target, lab.deps);
    let step = await gen.next();
    while (!step.done) {
      events.push(step.value);
      step = await gen.next();
    }
    raw = { events, result: step.value, connections: lab.servers.reduce((n, s) => n + s.connections, 0) - before };
    const bytes = events.reduce((n, e) => n + JSON.stringify(e).length, 0) + JSON.stringify(step.value).length;
    expect(bytes).toBeGreaterThan(10 * MAX);
  });

  it('probes each (address, port) once, and shows it under every MX name', () => {
    // 4 addresses × 4 ports, not 10 names × 4 addresses × 4 ports
    expect(raw.connections).toBe(16);
    expect(raw.result.probes).toHaveLength(160);
    for (const name of lab.names) expect(raw.result.probes.filter((p) => p.host === name)).toHaveLength(16);
    const copies = raw.result.probes.filter((p) => p.sameProbeAs !== undefined);
    expect(copies).toHaveLength(144);
    expect(copies.every((c) => c.outcome === raw.result.probes.find((p) => p.host === c.sameProbeAs && p.address === c.address && p.port === c.port)?.outcome)).toBe(true);
  });

  it('stores at most 2 MB through the runner, says what it cut, and reads back whole', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-hostile-storage-'));
    dirs.push(dir);
    const file = path.join(dir, 'mxray.sqlite');
    const store = createSqliteStore({ file });
    const runner = createRunner({ engine: engine(), store, logger: silentLogger, maxConcurrent: 2, queueSize: 2, dedupeWindowMs: 0, maxStoredBytes: MAX });
    const started = await runner.start(lab.domain, 'domain', 'test');
    if (!started.ok) throw new Error('not started');
    for (let i = 0; i < 1200 && (await runner.getCheck(started.id))?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));

    const db = new Database(file, { readonly: true });
    const stored = db
      .prepare(
        `SELECT (SELECT COALESCE(SUM(LENGTH(CAST(data AS BLOB))), 0) FROM check_events WHERE check_id = ?) +
                (SELECT LENGTH(CAST(result AS BLOB)) FROM checks WHERE id = ?) AS bytes`,
      )
      .get(started.id, started.id) as { bytes: number };
    db.close();
    expect(stored.bytes).toBeLessThanOrEqual(MAX);

    const check = await runner.getCheck(started.id);
    const result = CheckResultSchema.parse(check?.result);
    expect(result.probes).toHaveLength(160);
    expect(result.findings.some((f) => f.code === 'check.storage-truncated')).toBe(true);
    expect(result.summary).toEqual(raw.result.summary);
    expect(result.dns.servers).toEqual([]);

    // The stored log is version 2, valid, and rebuilds the same result the check stored.
    const events = await store.listEvents(started.id);
    for (const e of events) CheckEventSchema.parse(e.event);
    expect(events[0]?.event).toMatchObject({ type: 'check-started', eventVersion: 2 });
    const done = events.at(-1)?.event;
    expect(done).toMatchObject({ type: 'check-done', omitted: ['dns', 'probes'] });
    expect(resultFromEvents(events)).toEqual(result);
    // probe-done does not resend what progress events carried in full: those carry one line
    for (const e of events) {
      if (e.event.type === 'probe-greeting') expect(e.event.greeting.lines.length).toBeLessThanOrEqual(1);
      if (e.event.type === 'probe-ehlo') expect(e.event.ehlo.capabilities).toEqual([]);
    }
    await runner.shutdown(0);
    await store.close();
  });
});

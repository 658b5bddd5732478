/**
 * Results stored before issue 9 split `PortProbe.errorCode` still read: the store maps the old
 * single string to the typed fields (smtpCode, foreignProtocol, refusal, systemError) on read, with
 * or without validation, for the result and for the events an SSE replay sends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { splitLegacyErrorCode, upgradeEvent, upgradeProbe } from '@/lib/probe/schema-upgrade';
import { CheckResultSchema, type CheckResult } from '@/lib/probe/schema';
import { describeProbe } from '@/lib/verdict/probe-view';
import { fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-legacy-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const ID = 'legacylegacylegacy0001';
const target = fakeTarget('old.test');

/** A result as the engine wrote it before the split: one errorCode string per failed probe. */
function oldShapeResult(): Record<string, unknown> {
  const base = fakeResult(target);
  const [p25, p465, p587, p2525] = base.probes.map((p) => ({ ...p }) as Record<string, unknown>);
  Object.assign(p25!, { outcome: 'server-busy', phase: 'ehlo', errorCode: 'SMTP_451', errorMessage: '4.3.2 later' });
  Object.assign(p465!, { outcome: 'not-smtp', phase: 'greeting', errorCode: 'HTTP', errorMessage: 'the server sent an HTTP response' });
  Object.assign(p587!, { outcome: 'blocked-target', phase: 'policy', errorCode: 'loopback', encryption: 'unknown' });
  Object.assign(p2525!, { outcome: 'unreachable', phase: 'connect', errorCode: 'ENETUNREACH', encryption: 'unknown' });
  return { ...base, probes: [p25, p465, p587, p2525] };
}

function seed(file: string, result: Record<string, unknown>): void {
  createSqliteStore({ file }).close();
  const db = new Database(file);
  // events are only accepted while a check runs: insert it running, then finish it
  db.prepare("INSERT INTO checks (id, domain, mode, input, status, created_at) VALUES (?, 'old.test', 'domain', ?, 'running', 1)").run(
    ID,
    JSON.stringify(target),
  );
  const probes = result.probes as Record<string, unknown>[];
  const events = [
    { type: 'check-started', target, startedAt: result.startedAt },
    { type: 'probe-done', probe: probes[0] },
    // a version-1 log: check-done carried the whole result, errorCode included
    { type: 'check-done', result },
  ];
  const insert = db.prepare('INSERT INTO check_events (check_id, seq, type, data, created_at) VALUES (?, ?, ?, ?, 1)');
  events.forEach((e, i) => insert.run(ID, i + 1, e.type, JSON.stringify(e)));
  db.prepare("UPDATE checks SET status = 'done', finished_at = 2, result = ? WHERE id = ?").run(JSON.stringify(result), ID);
  db.close();
}

function expectUpgraded(result: CheckResult): void {
  const [p25, p465, p587, p2525] = result.probes;
  expect(result.probes.every((p) => !('errorCode' in p))).toBe(true);
  expect(p25).toMatchObject({ outcome: 'server-busy', smtpCode: 451, errorMessage: '4.3.2 later' });
  expect(p465).toMatchObject({ outcome: 'not-smtp', foreignProtocol: 'HTTP' });
  expect(p587).toMatchObject({ outcome: 'blocked-target', refusal: { reason: 'policy', range: 'loopback' } });
  expect(p2525).toMatchObject({ outcome: 'unreachable', systemError: 'ENETUNREACH' });
  // and it reads as it did: the same reason in the table, the same "could not test"
  expect(describeProbe(p25!, []).reason).toBe('during EHLO · SMTP_451');
  expect(describeProbe(p587!, [])).toMatchObject({ status: 'blocked', reason: 'loopback' });
  expect(describeProbe(p2525!, []).status).toBe('untested');
}

describe('a result stored with the old errorCode', () => {
  it.each([false, true])('reads in the new shape (validateOnRead %s)', async (validateOnRead) => {
    const file = path.join(dir, 'mxray.sqlite');
    seed(file, oldShapeResult());
    const store = createSqliteStore({ file, validateOnRead });
    const record = await store.getCheck(ID);
    expect(record?.result).toBeTruthy();
    expectUpgraded(record!.result!);
    expect(CheckResultSchema.safeParse(record!.result).success).toBe(true);

    const events = (await store.listEvents(ID)).map((e) => e.event);
    const probeDone = events.find((e) => e.type === 'probe-done');
    expect(probeDone?.type === 'probe-done' && probeDone.probe).toMatchObject({ smtpCode: 451 });
    expect(probeDone?.type === 'probe-done' && 'errorCode' in probeDone.probe).toBe(false);
    const done = events.find((e) => e.type === 'check-done');
    expectUpgraded((done as { result: CheckResult }).result);
    await store.close();
  });
});

describe('splitting an old errorCode', () => {
  it('reads SMTP_nnn as a reply code only when it is exactly three digits', () => {
    expect(splitLegacyErrorCode('server-busy', 'SMTP_421')).toEqual({ smtpCode: 421 });
    expect(splitLegacyErrorCode('starttls-rejected', 'SMTP_454')).toEqual({ smtpCode: 454 });
    expect(splitLegacyErrorCode('server-busy', 'XSMTP_451')).toEqual({ systemError: 'XSMTP_451' });
    expect(splitLegacyErrorCode('server-busy', 'SMTP_4510')).toEqual({ systemError: 'SMTP_4510' });
  });

  it('reads a protocol only on not-smtp, a range or reason only on blocked-target', () => {
    expect(splitLegacyErrorCode('not-smtp', 'SSH')).toEqual({ foreignProtocol: 'SSH' });
    expect(splitLegacyErrorCode('not-smtp', 'GOPHER')).toEqual({ systemError: 'GOPHER' });
    expect(splitLegacyErrorCode('tls-handshake-failed', 'TLS')).toEqual({ systemError: 'TLS' });
    expect(splitLegacyErrorCode('blocked-target', 'ipv4Mapped:private')).toEqual({ refusal: { reason: 'policy', range: 'ipv4Mapped:private' } });
    expect(splitLegacyErrorCode('blocked-target', 'family-mismatch')).toEqual({ refusal: { reason: 'family-mismatch' } });
    expect(splitLegacyErrorCode('blocked-target', 'policy')).toEqual({ refusal: { reason: 'policy' } });
  });

  it('takes everything else as a system error', () => {
    for (const code of ['ECONNREFUSED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'PROBE_BUDGET', 'ABORTED', 'EOF']) {
      expect(splitLegacyErrorCode('connection-refused', code)).toEqual({ systemError: code });
    }
  });

  it('keeps field order, drops an empty code, and leaves a current probe and other events untouched', () => {
    const old = { host: 'h', outcome: 'connection-refused', phase: 'connect', errorCode: 'ECONNREFUSED', errorMessage: 'm', encryption: 'unknown' };
    expect(Object.keys(upgradeProbe(old) as object)).toEqual(['host', 'outcome', 'phase', 'systemError', 'errorMessage', 'encryption']);
    expect(upgradeProbe({ outcome: 'success', errorCode: '' })).toEqual({ outcome: 'success' });
    const current = { outcome: 'connection-refused', systemError: 'ECONNREFUSED' };
    expect(upgradeProbe(current)).toBe(current);
    const event = { type: 'dns-done', dns: {} };
    expect(upgradeEvent(event)).toBe(event);
  });
});

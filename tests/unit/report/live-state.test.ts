import { describe, expect, it } from 'vitest';
import { CheckEventSchema, type CheckEvent } from '@/lib/probe/schema';
import {
  CHECK_EVENT_TYPES,
  initialLiveState,
  liveProgress,
  liveReducer,
  liveRowsByAddress,
  rowElapsed,
  type LiveAction,
  type LiveState,
} from '@/lib/report/live-state';
import { say, type Words } from '@/lib/i18n/msg';
import { translatorFor } from '@/lib/i18n/translator';

const en = (w: Words) => say(translatorFor('en'), w);
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const probe = (host: string, address: string, port: 25 | 465 | 587 | 2525) =>
  SAMPLE_RESULT.probes.find((p) => p.host === host && p.address === address && p.port === port)!;

const MX1 = 'mx1.example.test';
const A = '192.0.2.10';
const ehlo = probe(MX1, A, 25).ehlo!;
const ehloTls = probe(MX1, A, 25).ehloTls!;

/** A realistic event sequence for two probes on one address, every event schema-checked. */
function events(): CheckEvent[] {
  const raw: CheckEvent[] = [
    { type: 'check-started', target: SAMPLE_RESULT.target, startedAt: SAMPLE_RESULT.startedAt },
    { type: 'dns-done', dns: SAMPLE_RESULT.dns },
    {
      type: 'probes-planned',
      probes: [
        { host: MX1, address: A, port: 25, family: 4 },
        { host: MX1, address: A, port: 465, family: 4 },
      ],
    },
    { type: 'probe-connected', host: MX1, address: A, port: 25, ms: 24 },
    { type: 'probe-connected', host: MX1, address: A, port: 465, ms: 25 },
    { type: 'probe-tls', host: MX1, address: A, port: 465, ms: 38, version: 'TLSv1.3', trusted: true },
    { type: 'probe-greeting', host: MX1, address: A, port: 25, ms: 37, greeting: { code: 220, lines: ['hi'] } },
    { type: 'probe-ehlo', host: MX1, address: A, port: 25, ms: 27, tls: false, ehlo },
    { type: 'probe-tls', host: MX1, address: A, port: 25, ms: 38, version: 'TLSv1.3', trusted: false },
    { type: 'probe-ehlo', host: MX1, address: A, port: 25, ms: 26, tls: true, ehlo: ehloTls },
    { type: 'probe-done', probe: probe(MX1, A, 25) },
    { type: 'probe-done', probe: probe(MX1, A, 465) },
    { type: 'check-done', result: SAMPLE_RESULT },
  ];
  return raw.map((e) => CheckEventSchema.parse(e));
}

const actions = (evs: CheckEvent[], at = 1000): LiveAction[] =>
  evs.map((event, i) => ({ type: 'event', seq: i + 1, event, at: at + i * 100 }));

const run = (acts: LiveAction[], from: LiveState = initialLiveState) => acts.reduce(liveReducer, from);

const row = (s: LiveState, port: number) => s.rows.find((r) => r.port === port)!;

describe('liveReducer', () => {
  it('announces DNS first, then lays out one row per planned probe', () => {
    const acts = actions(events());
    expect(en(liveProgress(run(acts.slice(0, 1))).text)).toBe('Looking up MX records…');
    const planned = run(acts.slice(0, 3));
    expect(planned.target?.domain).toBe('example.test');
    expect(planned.rows.map((r) => [r.port, r.stage])).toEqual([
      [25, 'connecting'],
      [465, 'connecting'],
    ]);
    expect(liveProgress(planned)).toMatchObject({ done: 0, total: 2 });
    expect(en(liveProgress(planned).text)).toBe('0 of 2 probes done.');
  });

  it('moves a STARTTLS port through greeting, EHLO, STARTTLS, EHLO after TLS, closing, done', () => {
    const acts = actions(events());
    const stages = [3, 5, 6, 7, 8, 9].map((n) => row(run(acts.slice(0, n + 1)), 25).stage);
    expect(stages).toEqual(['greeting', 'greeting', 'ehlo', 'starttls', 'ehlo-tls', 'closing']);
    const done = run(acts.slice(0, 11));
    expect(row(done, 25).stage).toBe('done');
    expect(row(done, 25).steps.map((s) => en(s.label))).toEqual(['Connected', 'Greeting 220', 'EHLO', 'TLS 1.3', 'EHLO (TLS)']);
    expect(row(done, 25).steps.find((s) => s.label === 'TLS 1.3')?.ok).toBe(false);
  });

  it('expects TLS before the greeting on port 465 (implicit TLS)', () => {
    const acts = actions(events());
    expect(row(run(acts.slice(0, 5)), 465).stage).toBe('tls');
    expect(row(run(acts.slice(0, 6)), 465).stage).toBe('greeting');
  });

  it('counts finished probes and ends with the result', () => {
    const acts = actions(events());
    expect(liveProgress(run(acts.slice(0, 11)))).toMatchObject({ done: 1, total: 2 });
    expect(en(liveProgress(run(acts.slice(0, 11))).text)).toBe('1 of 2 probes done.');
    const end = run(acts);
    expect(end.result).toEqual(SAMPLE_RESULT);
    expect(en(liveProgress(end).text)).toBe('Check finished: 2 of 2 probes done.');
  });

  it('ignores replayed events (seq at or below the last applied) so a reconnect cannot double rows', () => {
    const acts = actions(events());
    const once = run(acts.slice(0, 8));
    const replayed = run(acts, once); // SSE replays 1..13 after the server-rendered 1..8
    expect(replayed).toEqual(run(acts));
    expect(replayed.rows).toHaveLength(2);
    expect(liveReducer(once, acts[2]!)).toBe(once);
  });

  it('keeps a done row frozen even if a late stage event arrives for it', () => {
    const acts = actions(events());
    const s = run(acts.slice(0, 11));
    const late = liveReducer(s, {
      type: 'event',
      seq: 99,
      at: 5000,
      event: { type: 'probe-connected', host: MX1, address: A, port: 25, ms: 1 },
    });
    expect(row(late, 25).stage).toBe('done');
  });

  it('creates a row for an event whose probe was never planned', () => {
    const s = liveReducer(initialLiveState, {
      type: 'event',
      seq: 5,
      at: 0,
      event: { type: 'probe-connected', host: 'mx.test', address: '2001:db8::1', port: 587, ms: 3 },
    });
    expect(s.rows).toMatchObject([{ host: 'mx.test', family: 6, port: 587, stage: 'greeting' }]);
  });

  it('ticks elapsed time from when the probe was planned until it is done, then shows its own total', () => {
    const acts = actions(events(), 10_000);
    const s = run(acts.slice(0, 7));
    const r25 = row(s, 25);
    expect(rowElapsed(r25, r25.startedAt + 8_500)).toBe(8_500);
    expect(r25.stageSince).toBeGreaterThan(r25.startedAt);
    const done = run(acts.slice(0, 11));
    expect(rowElapsed(row(done, 25), 1e12)).toBe(probe(MX1, A, 25).timings.totalMs);
  });

  it('marks an interrupted check', () => {
    const s = liveReducer(run(actions(events()).slice(0, 4)), { type: 'interrupted', at: 0 });
    expect(s.interrupted).toBe(true);
    expect(en(liveProgress(s).text)).toBe('Check interrupted after 0 of 2 probes.');
  });

  it('groups rows by host and address with ports as cells', () => {
    const lines = liveRowsByAddress(run(actions(events()).slice(0, 3)).rows);
    expect(lines).toHaveLength(1);
    expect([...lines[0]!.cells.keys()]).toEqual([25, 465]);
  });
});

describe('CHECK_EVENT_TYPES', () => {
  it('lists every CheckEvent type, so the client listens for each named SSE event', () => {
    expect([...CHECK_EVENT_TYPES].sort()).toEqual(
      ['check-done', 'check-started', 'dns-done', 'probe-connected', 'probe-done', 'probe-ehlo', 'probe-greeting', 'probe-tls', 'probe-tls-matrix', 'probes-planned', 'policy-mta-sts', 'policy-tls-rpt', 'policy-dnssec', 'policy-dane'].sort(),
    );
  });

  it('keeps the DNSSEC piece and each MX host\'s DANE result as they arrive, in either order', () => {
    const lookup = (name: string, type: 'MX' | 'A' | 'AAAA' | 'TLSA') => ({ name, type, status: 'secure' as const, rcode: 'NOERROR', ms: 1 });
    const tlsa = { host: MX1, tlsa: lookup(`_25._tcp.${MX1}`, 'TLSA'), records: [{ usage: 3, selector: 1, matchingType: 1, data: 'aa' }], addresses: [] };
    const dnssec = { validating: true, mx: lookup('example.test', 'MX'), hosts: [{ host: MX1, a: lookup(MX1, 'A'), aaaa: lookup(MX1, 'AAAA') }] };
    const matched = { ...tlsa, addresses: [{ address: A, outcome: 'match' as const, matches: [{ record: 0, depth: 0 }] }] };
    const dnssecEvent = CheckEventSchema.parse({ type: 'policy-dnssec', dnssec, tlsa: [tlsa] });
    const daneEvent = CheckEventSchema.parse({ type: 'policy-dane', daneHost: matched });
    const apply = (evs: CheckEvent[]) => evs.reduce<LiveState>((s, event, i) => liveReducer(s, { type: 'event', seq: i + 1, event, at: 0 }), initialLiveState);
    for (const order of [[dnssecEvent, daneEvent], [daneEvent, dnssecEvent]]) {
      const s = apply(order);
      expect(s.policy?.dnssec).toEqual(dnssec);
      expect(s.policy?.dane?.hosts).toEqual([matched]);
    }
  });
});

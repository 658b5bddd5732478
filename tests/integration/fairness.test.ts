/**
 * Fairness towards the servers we probe: (1) a process-wide bound on probes per target address,
 * shared by every check, seen from the server's side; (2) a burst of requests for one domain, however
 * it is written, produces one probe. Servers bind 127.70.50.0/24 (this suite's part of 127.70/16).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { POST as postCheck } from '@/app/api/checks/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner } from '@/lib/checks/runner';
import { CreateCheckResponseSchema } from '@/lib/http/api-schemas';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { createTargetGate } from '@/lib/probe/net/target-gate';
import { runCheck, type CheckDeps } from '@/lib/probe/run-check';
import type { CheckResult } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS, silentLogger, type TlsContext } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { startDnsServer, type DnsServerHandle } from '@/tests/fixtures/dns-server';
import { createGate } from '@/tests/fixtures/fake-engine';
import { createTestPki } from '@/tests/fixtures/pki';
import { createRecordingEngine } from '@/tests/fixtures/recording-engine';
import { startFakeSmtp, type FakeSmtpHandle } from '@/tests/fixtures/smtp-server';

const GATED = '127.70.50.1';
const UNGATED = '127.70.50.2';
const DOMAINS = 6;
const limits = { ...DEFAULT_LIMITS, greetingTimeoutMs: 3_000, commandTimeoutMs: 3_000, tlsTimeoutMs: 3_000, checkBudgetMs: 20_000 };

let dns: DnsServerHandle;
let tls: TlsContext;
const servers: FakeSmtpHandle[] = [];

const domain = (kind: string, i: number) => `d${i}.${kind}.fair.test`;

beforeAll(async () => {
  const hosts = ['gated', 'ungated'].flatMap((k) => Array.from({ length: DOMAINS }, (_, i) => `mx.${domain(k, i)}`));
  const pki = await createTestPki({ hosts });
  tls = createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' });
  // Many domains, each with its own MX name, all of them one shared server (as with big providers).
  dns = await startDnsServer(
    (['gated', 'ungated'] as const).flatMap((k) =>
      Array.from({ length: DOMAINS }, (_, i) => [
        { name: domain(k, i), type: 'MX' as const, preference: 10, exchange: `mx.${domain(k, i)}` },
        { name: `mx.${domain(k, i)}`, type: 'A' as const, address: k === 'gated' ? GATED : UNGATED },
      ]).flat(),
    ),
  );
  for (const address of [GATED, UNGATED]) {
    // A slow greeting keeps sessions open long enough to overlap.
    servers.push(await startFakeSmtp({ address, port: 25, greetingDelayMs: 300, tls: { key: pki.valid.keyPem, cert: pki.valid.chainPem } }));
  }
});

afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await dns?.close();
});

async function check(name: string, deps: CheckDeps): Promise<CheckResult> {
  const gen = runCheck({ input: name, mode: 'domain', domain: name, displayDomain: name }, deps);
  for (;;) {
    const step = await gen.next();
    if (step.done) return step.value;
  }
}

function deps(extra: Partial<CheckDeps> = {}): CheckDeps {
  return {
    resolver: createResolver({ servers: [dns.servers], timeoutMs: 2_000, tries: 1 }),
    policy: createAddressPolicy({ allowCidrs: ['127.70.50.0/24'] }),
    tls,
    limits,
    ehloName: 'probe.fair.test',
    ...extra,
  };
}

describe('per-target fairness', () => {
  it('checks of different domains sharing one MX address never hold more than N sessions to it at once', async () => {
    const gate = createTargetGate({ maxPerTarget: 2 });
    // one gate shared by every check, as the engine shares it across the process
    const results = await Promise.all(Array.from({ length: DOMAINS }, (_, i) => check(domain('gated', i), deps({ targetGate: gate }))));
    const server = servers[0]!;
    expect(server.connections).toBe(DOMAINS);
    expect(server.peakSessions).toBeLessThanOrEqual(2);
    // every check still completed its port 25 probe: waiting is not failing
    for (const r of results) {
      expect(r.probes.find((p) => p.port === 25)?.outcome).toBe('success');
      expect(r.incomplete).toBe(false);
    }
    expect(gate.size).toBe(0);
  });

  it('without the gate the same burst opens every session at once (the test can tell)', async () => {
    await Promise.all(Array.from({ length: DOMAINS }, (_, i) => check(domain('ungated', i), deps())));
    expect(servers[1]!.peakSessions).toBeGreaterThan(2);
  });

  it('a probe still waiting for a slot when the check budget ends is reported, not left hanging', async () => {
    const gate = createTargetGate({ maxPerTarget: 1 });
    const held = await gate.acquire(GATED);
    const r = await check(domain('gated', 0), deps({ targetGate: gate, limits: { ...limits, checkBudgetMs: 400 } }));
    held!();
    expect(r.incomplete).toBe(true);
    const p25 = r.probes.find((p) => p.port === 25);
    expect(p25?.outcome).toBe('aborted');
    expect(r.findings.map((f) => f.code)).toContain('port.timeout');
    expect(gate.size).toBe(0);
  });
});

describe('a burst of requests for one domain produces one probe', () => {
  afterEach(() => setServicesForTests(undefined));

  it('40 simultaneous POSTs of one domain written 8 ways start one check, and later ones reuse it', async () => {
    const release = createGate();
    const engine = createRecordingEngine({ beforeEvent: (i) => (i === 3 ? release.wait() : undefined) });
    const store = createSqliteStore({ file: ':memory:' });
    const runner = createRunner({ engine, store, logger: silentLogger, maxConcurrent: 8, queueSize: 8, dedupeWindowMs: 60_000 });
    setServicesForTests({
      runner,
      store,
      rateLimiter: createTokenBucketLimiter({ perMinute: 6_000, burst: 1_000 }),
      trustProxy: false,
      logger: silentLogger,
    });
    const variants = ['bücher.test', 'BÜCHER.test', 'xn--bcher-kva.test', 'XN--BCHER-KVA.TEST', 'bücher.test.', 'Bücher.Test', 'xn--bcher-kva.test.', 'BüCHER.TEST.'];
    const post = (d: string, i: number) =>
      postCheck(
        new Request('http://127.0.0.1/api/checks', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-mxray-client': `203.0.113.${i % 250}` },
          body: JSON.stringify({ domain: d }),
        }),
      );
    try {
      const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => post(variants[i % variants.length]!, i)));
      const bodies = await Promise.all(responses.map(async (r) => ({ status: r.status, body: CreateCheckResponseSchema.parse(await r.json()) })));
      expect(engine.runs).toHaveLength(1);
      expect(engine.runs[0]!.target.domain).toBe('xn--bcher-kva.test');
      expect(new Set(bodies.map((b) => b.body.id)).size).toBe(1);
      expect(bodies.filter((b) => b.status === 201)).toHaveLength(1);
      expect(bodies.filter((b) => b.body.deduped)).toHaveLength(39);

      // once it has finished, requests inside the dedupe window get the stored result
      release.open();
      const id = bodies[0]!.body.id;
      for (let i = 0; i < 200 && (await runner.getCheck(id))?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 5));
      expect((await runner.getCheck(id))?.status).toBe('done');
      const again = await Promise.all(variants.map((d, i) => post(d, i)));
      for (const r of again) expect(CreateCheckResponseSchema.parse(await r.json())).toMatchObject({ id, deduped: true, status: 'done' });
      expect(engine.runs).toHaveLength(1);
    } finally {
      release.open();
      await runner.shutdown(0);
      await store.close();
    }
  });
});

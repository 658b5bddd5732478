/**
 * DANE decisions without a network: TLSA matching against test-PKI chains (RFC 6698 / 7671 / 7672),
 * the DNSSEC status of a raw answer (AD bit, CD retry), the raw query's packet handling, and the
 * finding rules (DANE-EE waiving certificate findings, bogus MX instead of SERVFAIL).
 */
import { createHash, X509Certificate } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { beforeAll, describe, expect, it } from 'vitest';
import { dnssecStatus, securelyExpandedName, tlsaRecords } from '@/lib/probe/dane/check-dnssec';
import { daneForAddress } from '@/lib/probe/dane/dane-host';
import { matchDane, tlsaUsable } from '@/lib/probe/dane/match-tlsa';
import { decodeReply, encodeQuery, splitServer } from '@/lib/probe/dns/dnssec-query';
import type { Lookup } from '@/lib/probe/dns/lookup';
import { adjustForDane, evaluateDane } from '@/lib/probe/findings/evaluate-dane';
import type { DaneHost, DnsResult, DnssecLookup, DnssecResult, Finding, TlsaRecord } from '@/lib/probe/schema';
import type { DnssecAnswer } from '@/lib/probe/types';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';

const HOST = 'mx.dane.test';
let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki({ hosts: [HOST] });
});

const x = (pem: string) => new X509Certificate(pem);
const spki = (pem: string) => x(pem).publicKey.export({ type: 'spki', format: 'der' }) as Buffer;
const hash = (alg: 'sha256' | 'sha512', b: Buffer) => createHash(alg).update(b).digest('hex');
const rec = (usage: number, selector: number, matchingType: number, data: string): TlsaRecord => ({ usage, selector, matchingType, data });
const chain = (...pems: string[]) => pems;
const NOW = new Date();

describe('TLSA matching', () => {
  it('DANE-EE matches the leaf by certificate or key, in full, SHA-256 or SHA-512', () => {
    const leaf = pki.valid.certPem;
    const c = chain(leaf, pki.intermediate.certPem);
    for (const r of [
      rec(3, 0, 0, x(leaf).raw.toString('hex')),
      rec(3, 0, 1, hash('sha256', x(leaf).raw)),
      rec(3, 0, 2, hash('sha512', x(leaf).raw)),
      rec(3, 1, 0, spki(leaf).toString('hex')),
      rec(3, 1, 1, hash('sha256', spki(leaf))),
      rec(3, 1, 2, hash('sha512', spki(leaf))),
    ]) {
      expect(matchDane({ records: [r], chainPem: c, names: [HOST], now: NOW }), `${r.usage} ${r.selector} ${r.matchingType}`).toEqual({ outcome: 'match', matches: [{ record: 0, depth: 0 }] });
    }
  });

  it('DANE-EE on the intermediate does not match: EE is the leaf only', () => {
    const r = rec(3, 1, 1, hash('sha256', spki(pki.intermediate.certPem)));
    expect(matchDane({ records: [r], chainPem: chain(pki.valid.certPem, pki.intermediate.certPem), names: [HOST], now: NOW }).outcome).toBe('mismatch');
  });

  it('DANE-EE ignores expiry and names; DANE-TA checks both', () => {
    const expired = chain(pki.expired.certPem, pki.intermediate.certPem);
    expect(matchDane({ records: [rec(3, 1, 1, hash('sha256', spki(pki.expired.certPem)))], chainPem: expired, names: [HOST], now: NOW }).outcome).toBe('match');
    const ta = rec(2, 1, 1, hash('sha256', spki(pki.intermediate.certPem)));
    const r = matchDane({ records: [ta], chainPem: expired, names: [HOST], now: NOW });
    expect(r).toMatchObject({ outcome: 'mismatch', taProblem: 'dates' });
    const wrong = matchDane({ records: [ta], chainPem: chain(pki.wrongHost.certPem, pki.intermediate.certPem), names: [HOST], now: NOW });
    expect(wrong).toMatchObject({ outcome: 'mismatch', taProblem: 'name' });
    expect(matchDane({ records: [ta], chainPem: chain(pki.valid.certPem, pki.intermediate.certPem), names: [HOST], now: NOW })).toEqual({ outcome: 'match', matches: [{ record: 0, depth: 1 }] });
  });

  it('DANE-TA does not match a leaf, and needs the chain to be signed up to the anchor', () => {
    const onLeaf = rec(2, 1, 1, hash('sha256', spki(pki.valid.certPem)));
    expect(matchDane({ records: [onLeaf], chainPem: chain(pki.valid.certPem), names: [HOST], now: NOW }).outcome).toBe('mismatch');
    // the other CA's chain with our intermediate's key as TA: the leaf is not signed by it
    const ours = rec(2, 0, 1, hash('sha256', x(pki.intermediate.certPem).raw));
    const forged = matchDane({ records: [ours], chainPem: chain(pki.untrustedCa.certPem, pki.intermediate.certPem), names: [HOST], now: NOW });
    expect(forged).toMatchObject({ outcome: 'mismatch', taProblem: 'chain-signature' });
  });

  it('PKIX usages, unknown selectors and matching types are unusable and never match', () => {
    const leaf = pki.valid.certPem;
    for (const r of [rec(0, 1, 1, hash('sha256', spki(leaf))), rec(1, 1, 1, hash('sha256', spki(leaf))), rec(3, 2, 1, hash('sha256', spki(leaf))), rec(3, 1, 3, hash('sha256', spki(leaf)))]) {
      expect(tlsaUsable(r)).toBe(false);
      expect(matchDane({ records: [r], chainPem: chain(leaf), names: [HOST], now: NOW }).outcome).toBe('mismatch');
    }
    expect(tlsaUsable(rec(2, 0, 0, 'ab'))).toBe(true);
  });

  it('an empty association never matches, and an empty chain is a mismatch', () => {
    expect(matchDane({ records: [rec(3, 1, 0, '')], chainPem: chain(pki.valid.certPem), names: [HOST], now: NOW }).outcome).toBe('mismatch');
    expect(matchDane({ records: [rec(3, 1, 1, 'aa')], chainPem: [], names: [HOST], now: NOW }).outcome).toBe('mismatch');
  });

  it('DANE-TA accepts a leaf that names any one of the reference identifiers (MX host, CNAME-expanded name)', () => {
    const ta = rec(2, 1, 1, hash('sha256', spki(pki.intermediate.certPem)));
    const c = chain(pki.valid.certPem, pki.intermediate.certPem);
    expect(matchDane({ records: [ta], chainPem: c, names: ['alias.dane.test', HOST], now: NOW }).outcome).toBe('match');
    expect(matchDane({ records: [ta], chainPem: c, names: ['alias.dane.test', 'other.dane.test'], now: NOW })).toMatchObject({ outcome: 'mismatch', taProblem: 'name' });
  });

  it('the DANE-TA name check uses the expanded name only when the TLSA records were found there', () => {
    const ta = rec(2, 1, 1, hash('sha256', spki(pki.intermediate.certPem)));
    const tls = { chain: [{ pem: pki.valid.certPem }, { pem: pki.intermediate.certPem }] };
    const probe = { host: 'mx.alias.test', address: '192.0.2.1', family: 4, port: 25, outcome: 'success', phase: 'done', transcript: [], transcriptTruncated: false, tls } as never;
    // the leaf names HOST: found at _25._tcp.HOST (HOST is the expanded name of mx.alias.test) it matches
    const atTarget = { host: 'mx.alias.test', tlsa: L(`_25._tcp.${HOST}`, 'TLSA', 'secure', 'NOERROR'), records: [ta] };
    expect(daneForAddress(atTarget, '192.0.2.1', probe, NOW).outcome).toBe('match');
    // found at the MX name itself, the expanded name is no reference identifier
    const atHost = { host: 'mx.alias.test', tlsa: L('_25._tcp.mx.alias.test', 'TLSA', 'secure', 'NOERROR'), records: [ta] };
    expect(daneForAddress(atHost, '192.0.2.1', probe, NOW)).toMatchObject({ outcome: 'mismatch', taProblem: 'name' });
  });
});

const ok = (rcode: string, ad: boolean, answers: DnssecAnswer['answers'] = []): Lookup<DnssecAnswer> => ({ status: 'ok', ms: 1, value: { rcode, ad, answers } });

describe('DNSSEC status of an answer', () => {
  it('AD set is secure, no AD is insecure, for answers and NXDOMAIN alike', () => {
    expect(dnssecStatus('a.test', 'MX', ok('NOERROR', true)).status).toBe('secure');
    expect(dnssecStatus('a.test', 'MX', ok('NXDOMAIN', true)).status).toBe('secure');
    expect(dnssecStatus('a.test', 'MX', ok('NOERROR', false)).status).toBe('insecure');
  });

  it('SERVFAIL is bogus only when the CD=1 retry answers', () => {
    expect(dnssecStatus('a.test', 'MX', ok('SERVFAIL', false), ok('NOERROR', false))).toMatchObject({ status: 'bogus', rcode: 'SERVFAIL', ms: 2 });
    expect(dnssecStatus('a.test', 'MX', ok('SERVFAIL', false), ok('SERVFAIL', false)).status).toBe('unknown');
    expect(dnssecStatus('a.test', 'MX', ok('SERVFAIL', false)).status).toBe('unknown');
    expect(dnssecStatus('a.test', 'MX', ok('REFUSED', false)).status).toBe('unknown');
  });

  it('no answer at all keeps its code', () => {
    expect(dnssecStatus('a.test', 'TLSA', { status: 'error', errorCode: 'EQUESTIONLIMIT', ms: 0 })).toEqual({ name: 'a.test', type: 'TLSA', status: 'unknown', errorCode: 'EQUESTIONLIMIT', ms: 0 });
  });

  it('a host reached through a CNAME chain is expanded only when the address answer is secure', () => {
    const chainAnswer = (ad: boolean): DnssecAnswer => ({
      rcode: 'NOERROR',
      ad,
      answers: [
        { name: 'mx.a.test', type: 'CNAME', data: 'hop.b.test' },
        { name: 'hop.b.test', type: 'CNAME', data: 'Real.C.test.' },
        { name: 'Real.C.test.', type: 'A', data: '192.0.2.1' },
      ],
    });
    const secure = { lookup: dnssecStatus('mx.a.test', 'A', ok('NOERROR', true)), answer: chainAnswer(true) };
    const insecure = { lookup: dnssecStatus('mx.a.test', 'A', ok('NOERROR', false)), answer: chainAnswer(false) };
    expect(securelyExpandedName('mx.a.test', [secure])).toBe('real.c.test');
    expect(securelyExpandedName('mx.a.test', [insecure])).toBeUndefined();
    // the AAAA answer may be the secure one
    expect(securelyExpandedName('mx.a.test', [insecure, { ...secure, answer: { ...chainAnswer(true), answers: [{ name: 'real.c.test', type: 'AAAA', data: '2001:db8::1' }] } }])).toBe('real.c.test');
    // no alias: the records stand at the host itself (any case, trailing dot)
    const direct = { lookup: secure.lookup, answer: { rcode: 'NOERROR', ad: true, answers: [{ name: 'MX.a.test.', type: 'A', data: '192.0.2.1' }] } };
    expect(securelyExpandedName('mx.a.test', [direct])).toBeUndefined();
  });

  it('TLSA records are read from a NOERROR answer only', () => {
    const answers = [{ name: '_25._tcp.a.test', type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from('abcd', 'hex') } }, { name: '_25._tcp.a.test', type: 'RRSIG', data: {} }];
    expect(tlsaRecords({ rcode: 'NOERROR', ad: true, answers })).toEqual([{ usage: 3, selector: 1, matchingType: 1, data: 'abcd' }]);
    expect(tlsaRecords({ rcode: 'SERVFAIL', ad: false, answers })).toEqual([]);
  });

  it('TLSA records come out in one canonical order whatever order the resolver rotated the RRset into', () => {
    const rr = (usage: number, selector: number, matchingType: number, hex: string) => ({
      name: '_25._tcp.a.test',
      type: 'TLSA',
      data: { usage, selector, matchingType, certificate: Buffer.from(hex, 'hex') },
    });
    const set = [rr(2, 0, 2, 'cc'), rr(3, 1, 1, 'bb'), rr(3, 1, 1, 'aa'), rr(3, 0, 1, 'dd'), rr(1, 0, 1, 'ee')];
    const want = ['3 0 1 dd', '3 1 1 aa', '3 1 1 bb', '2 0 2 cc', '1 0 1 ee'];
    for (const answers of [set, [...set].reverse(), [set[2]!, set[4]!, set[0]!, set[3]!, set[1]!]]) {
      const got = tlsaRecords({ rcode: 'NOERROR', ad: true, answers }).map((r) => `${r.usage} ${r.selector} ${r.matchingType} ${r.data}`);
      expect(got).toEqual(want);
    }
  });
});

describe('raw DNSSEC query packets', () => {
  it('asks with RD, the DO bit and an EDNS0 payload size; CD only when asked', () => {
    const q = dnsPacket.decode(encodeQuery(4242, 'a.test', 'TLSA', true));
    expect(q).toMatchObject({ id: 4242, flag_rd: true, flag_cd: true, questions: [{ name: 'a.test', type: 'TLSA' }] });
    const opt = q.additionals?.find((a) => a.type === 'OPT') as { flag_do?: boolean; udpPayloadSize?: number };
    expect(opt).toMatchObject({ flag_do: true, udpPayloadSize: 1232 });
    expect(dnsPacket.decode(encodeQuery(1, 'a.test', 'MX', false)).flag_cd).toBe(false);
  });

  it('accepts only the reply to its own id and question, and reads AD, TC and the rcode', () => {
    const reply = (id: number, name: string, flags: number) =>
      dnsPacket.encode({ type: 'response', id, flags, questions: [{ name, type: 'MX', class: 'IN' }], answers: [{ name, type: 'MX', ttl: 60, class: 'IN', data: { preference: 10, exchange: 'mx.a.test' } }] });
    expect(decodeReply(reply(7, 'a.test', dnsPacket.AUTHENTIC_DATA), 7, 'A.test.', 'MX')).toMatchObject({ rcode: 'NOERROR', ad: true, truncated: false, answers: [{ type: 'MX' }] });
    expect(decodeReply(reply(8, 'a.test', 0), 7, 'a.test', 'MX')).toBeUndefined();
    expect(decodeReply(reply(7, 'b.test', 0), 7, 'a.test', 'MX')).toBeUndefined();
    expect(decodeReply(reply(7, 'a.test', dnsPacket.TRUNCATED_RESPONSE | 2), 7, 'a.test', 'MX')).toMatchObject({ rcode: 'SERVFAIL', ad: false, truncated: true });
    expect(decodeReply(Buffer.from('junk'), 7, 'a.test', 'MX')).toBeUndefined();
  });

  it('reads DNS_SERVERS forms with and without ports', () => {
    expect(splitServer('127.0.0.1')).toEqual({ host: '127.0.0.1', port: 53 });
    expect(splitServer('127.0.0.1:5301')).toEqual({ host: '127.0.0.1', port: 5301 });
    expect(splitServer('::1')).toEqual({ host: '::1', port: 53 });
    expect(splitServer('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
  });
});

const L = (name: string, type: DnssecLookup['type'], status: DnssecLookup['status'], rcode = 'NOERROR'): DnssecLookup => ({ name, type, status, rcode, ms: 1 });
const dnssec = (mx: DnssecLookup['status'], host: DnssecLookup['status'] = mx): DnssecResult => ({
  validating: [mx, host].includes('secure'),
  mx: L('d.test', 'MX', mx, mx === 'bogus' ? 'SERVFAIL' : 'NOERROR'),
  hosts: [{ host: HOST, a: L(HOST, 'A', host), aaaa: L(HOST, 'AAAA', host) }],
});
const dns = { mx: { status: 'ok', ms: 1, records: [] }, mxKind: 'explicit', hosts: [], servers: [] } as DnsResult;
const eeHost = (outcome: 'match' | 'mismatch'): DaneHost => ({
  host: HOST,
  tlsa: L(`_25._tcp.${HOST}`, 'TLSA', 'secure'),
  records: [rec(3, 1, 1, 'aa')],
  addresses: [{ address: '192.0.2.1', outcome, matches: outcome === 'match' ? [{ record: 0, depth: 0 }] : [] }],
});
const certFinding = (code: string, port: number, severity: Finding['severity'] = 'critical'): Finding =>
  ({ code, severity, untested: false, scope: 'port', host: HOST, address: '192.0.2.1', port, params: { host: HOST } }) as Finding;

describe('DANE finding rules', () => {
  it('a matching DANE-EE record turns port 25 certificate findings into information, and says why', () => {
    const findings = [certFinding('cert.expired', 25), certFinding('cert.expired', 587), certFinding('cert.hostname-mismatch', 25, 'warning')];
    const out = adjustForDane(findings, { dnssec: dnssec('secure'), dane: { hosts: [eeHost('match')] } }, dns);
    expect(out.map((f) => [f.code, f.port, f.severity])).toEqual([
      ['cert.expired', 25, 'info'],
      ['cert.expired', 587, 'critical'],
      ['cert.hostname-mismatch', 25, 'info'],
      ['dane.ee-waives-pkix', 25, 'info'],
    ]);
    expect(out[0]?.params).toMatchObject({ dane: 'DANE-EE' });
  });

  it('no waiver on a mismatch, nor for a DANE-TA match', () => {
    const findings = [certFinding('cert.expired', 25)];
    expect(adjustForDane(findings, { dnssec: dnssec('secure'), dane: { hosts: [eeHost('mismatch')] } }, dns)).toEqual(findings);
    const ta = { ...eeHost('match'), records: [rec(2, 1, 1, 'aa')] };
    expect(adjustForDane(findings, { dnssec: dnssec('secure'), dane: { hosts: [ta] } }, dns)).toEqual(findings);
  });

  it('a bogus MX answer replaces the SERVFAIL finding', () => {
    const servfail = { code: 'dns.servfail', severity: 'critical', untested: false, scope: 'domain' } as Finding;
    const out = adjustForDane([servfail], { dnssec: dnssec('bogus'), dane: { hosts: [] } }, { ...dns, mx: { status: 'servfail', ms: 1, records: [] } });
    expect(out).toEqual([]);
    expect(evaluateDane({ dnssec: dnssec('bogus', 'unknown'), dane: { hosts: [] } }, { domain: 'd.test', dns }).map((f) => f.code)).toEqual(['dnssec.bogus']);
    expect(evaluateDane({ dnssec: dnssec('bogus'), dane: { hosts: [] } }, { domain: 'd.test', dns }).map((f) => f.params?.type)).toEqual(['MX', 'A', 'AAAA']);
  });

  it('validated TLSA beside unsigned addresses is not used by senders; a TA beside an EE is rollover-ready', () => {
    const h: DaneHost = { ...eeHost('match'), records: [rec(3, 1, 1, 'aa'), rec(2, 1, 1, 'bb')] };
    const codes = evaluateDane({ dnssec: { ...dnssec('secure', 'insecure'), validating: true }, dane: { hosts: [h] } }, { domain: 'd.test', dns }).map((f) => f.code);
    expect(codes).toEqual(['dnssec.mx-secure', 'dane.addresses-insecure', 'dane.rollover-ready', 'dane.match']);
  });

  it('no AD bit anywhere: the resolver may not validate, and missing TLSA is not reported as a fact', () => {
    const h: DaneHost = { host: HOST, tlsa: L(`_25._tcp.${HOST}`, 'TLSA', 'insecure', 'NXDOMAIN'), records: [], addresses: [] };
    const codes = evaluateDane({ dnssec: dnssec('insecure'), dane: { hosts: [h] } }, { domain: 'd.test', dns }).map((f) => f.code);
    expect(codes).toEqual(['dnssec.resolver-not-validating']);
    const validated = evaluateDane({ dnssec: { ...dnssec('insecure'), validating: true }, dane: { hosts: [h] } }, { domain: 'd.test', dns }).map((f) => f.code);
    expect(validated).toEqual(['dnssec.mx-insecure', 'dane.absent']);
  });

  it('an address whose port 25 never answered is untested for DANE, one without STARTTLS is no-tls', () => {
    const h = { host: HOST, tlsa: L(`_25._tcp.${HOST}`, 'TLSA', 'secure', 'NOERROR'), records: [rec(3, 1, 1, 'aa')] };
    expect(daneForAddress(h, '192.0.2.1', undefined, NOW).outcome).toBe('untested');
    const base = { host: HOST, address: '192.0.2.1', family: 4, port: 25, transcript: [], transcriptTruncated: false };
    const noStarttls = { ...base, outcome: 'success', phase: 'done', greeting: { code: 220, lines: ['hi'] }, ehlo: { starttls: false } };
    expect(daneForAddress(h, '192.0.2.1', noStarttls as never, NOW).outcome).toBe('no-tls');
    const timeout = { ...base, outcome: 'connection-timeout', phase: 'connect' };
    expect(daneForAddress(h, '192.0.2.1', timeout as never, NOW).outcome).toBe('untested');
  });
});

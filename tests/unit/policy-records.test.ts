import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { fetchStsPolicy } from '@/lib/probe/policy/fetch-sts-policy';
import { parseMtaStsRecords, parseTlsRptRecords } from '@/lib/probe/policy/policy-records';
import { matchingPattern, mxMatches, parseStsPolicy } from '@/lib/probe/policy/sts-policy';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { systemClock, type DnsResolver } from '@/lib/probe/types';

describe('MTA-STS TXT record (RFC 8461 §3.1)', () => {
  it('takes exactly one v=STSv1 record with a valid id, ignoring other TXT at the name', () => {
    expect(parseMtaStsRecords(['v=spf1 -all', 'v=STSv1; id=20190429T010101;'])).toEqual({ ok: true, value: { id: '20190429T010101' } });
    expect(parseMtaStsRecords(['v=STSv1;id=abc'])).toEqual({ ok: true, value: { id: 'abc' } });
  });
  it.each([
    [[], 'none'],
    [['v=spf1 -all'], 'none'],
    [['v=STSv1; id=a', 'v=STSv1; id=b'], 'multiple'],
    [['v=STSv1;'], 'invalid'],
    [['v=STSv1; id=has-dash'], 'invalid'],
    [['v=STSv1; id=' + 'a'.repeat(33)], 'invalid'],
    [['v=STSv1; id=a; id=b'], 'invalid'],
    [['v=STSv1; id=a; junk'], 'invalid'],
  ])('%j is %s', (records, problem) => {
    const r = parseMtaStsRecords(records as string[]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toBe(problem);
  });
});

describe('TLS-RPT TXT record (RFC 8460 §3)', () => {
  it('accepts mailto: and https: reporting URIs', () => {
    expect(parseTlsRptRecords(['v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x'])).toEqual({
      ok: true,
      value: { rua: ['mailto:a@example.com', 'https://r.example.com/x'] },
    });
  });
  it.each([
    [['v=TLSRPTv1;'], 'invalid'],
    [['v=TLSRPTv1; rua=http://r.example.com/'], 'invalid'],
    [['v=TLSRPTv1; rua=mailto:nobody'], 'invalid'],
    [['v=TLSRPTv1; rua=mailto:a@b.c', 'v=TLSRPTv1; rua=mailto:d@e.f'], 'multiple'],
    [['v=spf1 -all'], 'none'],
  ])('%j is %s', (records, problem) => {
    const r = parseTlsRptRecords(records as string[]);
    expect(!r.ok && r.problem).toBe(problem);
  });
});

describe('MTA-STS policy body (RFC 8461 §3.2)', () => {
  it('parses version, mode, several mx and max_age, with CRLF or LF', () => {
    const p = parseStsPolicy('version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\nmx: *.example.net\r\nmax_age: 604800\r\n');
    expect(p).toMatchObject({ version: 'STSv1', mode: 'enforce', mx: ['mail.example.com', '*.example.net'], maxAge: 604800, errors: [] });
  });
  it('mode none needs no mx line', () => {
    expect(parseStsPolicy('version: STSv1\nmode: none\nmax_age: 0\n').errors).toEqual([]);
  });
  it('names each problem: version, mode, max_age range, missing mx, bad pattern', () => {
    const p = parseStsPolicy('version: STSv2\nmode: strict\nmax_age: 31557601\nmx: bad..name\n');
    expect(p.errors.join('|')).toMatch(/version "STSv2".*mode "strict".*max_age "31557601".*mx pattern "bad..name"/);
    expect(parseStsPolicy('version: STSv1\nmode: enforce\nmax_age: 1\n').errors).toEqual(['no "mx" line']);
  });
  it('*. matches exactly one left-most label, case-insensitively', () => {
    expect(mxMatches('*.example.com', 'MX1.example.com')).toBe(true);
    expect(mxMatches('*.example.com', 'example.com')).toBe(false);
    expect(mxMatches('*.example.com', 'a.b.example.com')).toBe(false);
    expect(mxMatches('mail.example.com', 'mail.example.com.')).toBe(true);
    expect(matchingPattern(['a.test', '*.b.test'], 'x.b.test')).toBe('*.b.test');
  });
});

describe('policy fetch and the address policy', () => {
  it('never connects to an address the policy refuses, and never resolves the name itself', async () => {
    const calls: string[] = [];
    const resolver: DnsResolver = {
      resolveMx: async () => [],
      resolve4: async (n) => (calls.push(`A ${n}`), ['10.0.0.5']),
      resolve6: async (n) => (calls.push(`AAAA ${n}`), ['fd00::1']),
      reverse: async () => [],
      getServers: () => [],
    };
    const connected: string[] = [];
    const r = await fetchStsPolicy({
      domain: 'example.test',
      resolver,
      policy: createAddressPolicy({ allowCidrs: [] }),
      tls: createTlsContext({ extraCaFile: '' }),
      clock: systemClock,
      budgetMs: 1_000,
      connectTimeoutMs: 500,
      connect: (o) => {
        connected.push(o.address);
        throw new Error('must not connect');
      },
    });
    expect(r.fetch.outcome).toBe('blocked-target');
    expect(connected).toEqual([]);
    expect(calls.sort()).toEqual(['A mta-sts.example.test', 'AAAA mta-sts.example.test']);
  });
});

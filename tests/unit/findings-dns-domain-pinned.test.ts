/**
 * The DNS and whole-domain finding rules pinned case by case: each MX status, implicit and null
 * MX, hosts without addresses (known or unknown), blocked addresses, every PTR combination the
 * resolver returns, and the domain roll-ups ("no MX reachable", "could not test", submission
 * unavailable). Values reviewed one by one when written.
 */
import { describe, expect, it } from 'vitest';
import { evaluateDns, evaluateDomain } from '@/lib/probe/findings/evaluate';
import type { CheckMode, DnsResult, PortProbe } from '@/lib/probe/schema';
import { dnsFor, probe, silentProbe } from '@/tests/fixtures/probe-builders';

const base = dnsFor({ 'mx.example.test': ['192.0.2.10'] });
const none = (status: string, errorCode?: string): DnsResult => ({ ...base, mxKind: 'none', hosts: [], mx: { status: status as 'ok', ms: 1, records: [], ...(errorCode ? { errorCode } : {}) } });
const withAddr = (a: object): DnsResult => ({ ...base, hosts: [{ ...base.hosts[0]!, addresses: [{ ...base.hosts[0]!.addresses[0]!, ...a }] }] });
const p25 = (o: Partial<PortProbe> = {}) => probe({ port: 25, ...o });
const dnsRules = (d: DnsResult) => evaluateDns(d, 'example.test').map((f) => [f.code, f.severity, f.scope, f.params ?? null]);
const domainRules = (d: DnsResult, probes: PortProbe[], mode: CheckMode) => evaluateDomain(d, probes, mode).map((f) => [f.code, f.severity, f.untested]);

describe('evaluateDns, case by case', () => {
  it("null", () => {
    expect(dnsRules({ ...base, mxKind: 'null', hosts: [] })).toEqual([["mx.null","info","domain",null]]);
  });
  it("nxdomain", () => {
    expect(dnsRules(none('nxdomain'))).toEqual([["dns.nxdomain","critical","domain",{"domain":"example.test"}]]);
  });
  it("servfail", () => {
    expect(dnsRules(none('servfail'))).toEqual([["dns.servfail","critical","domain",{"domain":"example.test"}]]);
  });
  it("timeout", () => {
    expect(dnsRules(none('timeout'))).toEqual([["dns.timeout","info","domain",null]]);
  });
  it("ok-none", () => {
    expect(dnsRules(none('ok'))).toEqual([["mx.none","critical","domain",null]]);
  });
  it("nodata", () => {
    expect(dnsRules(none('nodata'))).toEqual([["mx.none","critical","domain",null]]);
  });
  it("refused", () => {
    expect(dnsRules(none('refused', 'EREFUSED'))).toEqual([["dns.error","info","domain",{"errorCode":"EREFUSED"}]]);
  });
  it("error no code", () => {
    expect(dnsRules(none('error'))).toEqual([["dns.error","info","domain",{"errorCode":"error"}]]);
  });
  it("implicit", () => {
    expect(dnsRules({ ...base, mxKind: 'implicit' })).toEqual([["mx.implicit","warning","domain",null]]);
  });
  it("no address", () => {
    expect(dnsRules({ ...base, hosts: [{ ...base.hosts[0]!, addresses: [] }] })).toEqual([["mx.no-address","critical","host",{"host":"mx.example.test"}]]);
  });
  it("lookup failed", () => {
    expect(dnsRules({ ...base, hosts: [{ ...base.hosts[0]!, a: { status: 'timeout', ms: 1 }, addresses: [] }] })).toEqual([["mx.address-lookup-failed","info","host",{"host":"mx.example.test"}]]);
  });
  it("blocked", () => {
    expect(dnsRules(withAddr({ policy: { allowed: false, range: 'private' }, ptr: undefined }))).toEqual([["address.blocked-target","warning","address",{"address":"192.0.2.10","range":"private"}]]);
  });
  it("blocked norange", () => {
    expect(dnsRules(withAddr({ policy: { allowed: false }, ptr: undefined }))).toEqual([["address.blocked-target","warning","address",{"address":"192.0.2.10","range":"special-purpose"}]]);
  });
  it("ptr not confirmed", () => {
    expect(dnsRules(withAddr({ ptr: { lookup: { status: 'ok', ms: 1 }, names: ['a.test', 'b.test'], forwardConfirmed: false } }))).toEqual([["ptr.not-forward-confirmed","warning","address",{"address":"192.0.2.10","ptr":"a.test, b.test"}]]);
  });
  it("ptr unknown", () => {
    expect(dnsRules(withAddr({ ptr: { lookup: { status: 'ok', ms: 1 }, names: ['a.test'], forwardConfirmed: null } }))).toEqual([]);
  });
  it("ptr ok empty", () => {
    expect(dnsRules(withAddr({ ptr: { lookup: { status: 'ok', ms: 1 }, names: [], forwardConfirmed: false } }))).toEqual([["ptr.missing","warning","address",{"address":"192.0.2.10"}]]);
  });
  it("ptr nxdomain", () => {
    expect(dnsRules(withAddr({ ptr: { lookup: { status: 'nxdomain', ms: 1 }, names: [], forwardConfirmed: false } }))).toEqual([["ptr.missing","warning","address",{"address":"192.0.2.10"}]]);
  });
  it("ptr nodata", () => {
    expect(dnsRules(withAddr({ ptr: { lookup: { status: 'nodata', ms: 1 }, names: [], forwardConfirmed: false } }))).toEqual([["ptr.missing","warning","address",{"address":"192.0.2.10"}]]);
  });
  it("ptr servfail", () => {
    expect(dnsRules(withAddr({ ptr: { lookup: { status: 'servfail', ms: 1 }, names: [], forwardConfirmed: null } }))).toEqual([]);
  });
  it("ptr timeout", () => {
    expect(dnsRules(withAddr({ ptr: { lookup: { status: 'timeout', ms: 1 }, names: [], forwardConfirmed: null } }))).toEqual([]);
  });
  it("no ptr", () => {
    expect(dnsRules(withAddr({ ptr: undefined }))).toEqual([]);
  });
});

describe('evaluateDomain, case by case', () => {
  it("answered", () => {
    expect(domainRules(base, [p25()], 'domain')).toEqual([]);
  });
  it("busy only", () => {
    expect(domainRules(base, [p25({ outcome: 'server-busy' })], 'domain')).toEqual([["mx.untested","info",true]]);
  });
  it("rejected only", () => {
    expect(domainRules(base, [p25({ outcome: 'greeting-rejected' })], 'domain')).toEqual([["mx.all-unreachable","critical",false]]);
  });
  it("tls only", () => {
    expect(domainRules(base, [p25({ greeting: undefined })], 'domain')).toEqual([]);
  });
  it("refused", () => {
    expect(domainRules(base, [silentProbe('connection-refused')], 'domain')).toEqual([["mx.all-unreachable","critical",false]]);
  });
  it("timeout", () => {
    expect(domainRules(base, [silentProbe('connection-timeout')], 'domain')).toEqual([["mx.untested","info",true]]);
  });
  it("no probes no addresses", () => {
    expect(domainRules({ ...base, hosts: [{ ...base.hosts[0]!, addresses: [] }] }, [], 'domain')).toEqual([["mx.all-unreachable","critical",false]]);
  });
  it("no probes lookup failed", () => {
    expect(domainRules({ ...base, hosts: [{ ...base.hosts[0]!, a: { status: 'timeout', ms: 1 }, addresses: [] }] }, [], 'domain')).toEqual([["mx.untested","info",true]]);
  });
  it("no probes addresses", () => {
    expect(domainRules(base, [], 'domain')).toEqual([["mx.untested","info",true]]);
  });
  it("no hosts", () => {
    expect(domainRules({ ...base, hosts: [] }, [], 'domain')).toEqual([]);
  });
  it("587 only domain", () => {
    expect(domainRules(base, [silentProbe('connection-refused', { port: 587 })], 'domain')).toEqual([["mx.untested","info",true]]);
  });
  it("host sub refused", () => {
    expect(domainRules(base, [silentProbe('connection-refused', { port: 587 }), silentProbe('connection-timeout', { port: 465 })], 'host')).toEqual([["submission.unavailable","warning",false]]);
  });
  it("host sub timeouts", () => {
    expect(domainRules(base, [silentProbe('connection-timeout', { port: 587 })], 'host')).toEqual([]);
  });
  it("host sub answered", () => {
    expect(domainRules(base, [silentProbe('connection-refused', { port: 465 }), probe({ port: 587 })], 'host')).toEqual([]);
  });
  it("host 25 refused only", () => {
    expect(domainRules(base, [silentProbe('connection-refused', { port: 25 })], 'host')).toEqual([]);
  });
  it("host none", () => {
    expect(domainRules(base, [], 'host')).toEqual([]);
  });
});

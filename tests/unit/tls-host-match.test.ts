/**
 * mxray's own host-name matching (matchHost, what describeTls reports as hostnameMatch), not
 * Node's checkHost called directly: a change in how mxray calls it must show here.
 */
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchHost } from '@/lib/probe/tls/describe-tls';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';

let pki: TestPki;
let cnOnlyMatch: X509Certificate;
let ipSan: X509Certificate;
let ipv6San: X509Certificate;
beforeAll(async () => {
  pki = await createTestPki({ hosts: ['mx.example.test'] });
  // CN names the server, the DNS subjectAltName another one.
  cnOnlyMatch = new X509Certificate((await pki.issue({ hosts: ['other.example.test'], commonName: 'mx.example.test' })).certPem);
  ipSan = new X509Certificate((await pki.issue({ hosts: ['127.30.0.1'], commonName: 'mx.example.test' })).certPem);
  ipv6San = new X509Certificate((await pki.issue({ hosts: ['::1', 'mx.example.test'] })).certPem);
});

describe('matchHost: the certificate’s CN (RFC 6125 §6.4.4)', () => {
  it('is ignored when the certificate has a DNS subjectAltName', () => {
    expect(cnOnlyMatch.subject).toContain('CN=mx.example.test');
    expect(matchHost(cnOnlyMatch, 'mx.example.test')).toBe(false);
    expect(matchHost(cnOnlyMatch, 'other.example.test')).toBe(true);
  });
});

describe('matchHost: names', () => {
  it('matches the SAN, case-insensitively and with a trailing root dot', () => {
    const leaf = new X509Certificate(pki.valid.certPem);
    expect(matchHost(leaf, 'mx.example.test')).toBe(true);
    expect(matchHost(leaf, 'MX.Example.TEST')).toBe(true);
    expect(matchHost(leaf, 'mx.example.test.')).toBe(true);
    expect(matchHost(leaf, 'mx2.example.test')).toBe(false);
    expect(matchHost(new X509Certificate(pki.wrongHost.certPem), 'mx.example.test')).toBe(false);
  });

  it('a wildcard covers exactly one left-most label (RFC 6125 §6.4.3)', () => {
    const wild = new X509Certificate(pki.wildcard.certPem);
    expect(matchHost(wild, 'mx.example.test')).toBe(true);
    expect(matchHost(wild, 'example.test')).toBe(false);
    expect(matchHost(wild, 'a.mx.example.test')).toBe(false);
  });

  it('has nothing to say without a leaf or a name', () => {
    const leaf = new X509Certificate(pki.valid.certPem);
    expect(matchHost(undefined, 'mx.example.test')).toBeNull();
    expect(matchHost(leaf, '')).toBeNull();
    expect(matchHost(leaf, '.')).toBeNull();
  });
});

describe('matchHost: IP-address subjectAltNames (RFC 6125 §1.7.2, RFC 5280 §4.2.1.6)', () => {
  it('an IP literal matches an iPAddress SAN, never the CN or a DNS SAN', () => {
    expect(matchHost(ipSan, '127.30.0.1')).toBe(true);
    expect(matchHost(ipSan, '127.30.0.2')).toBe(false);
    // the DNS SAN does not stand for an address, whatever the address's name
    expect(matchHost(new X509Certificate(pki.valid.certPem), '127.30.0.1')).toBe(false);
  });

  it('IPv6 literals are compared as addresses', () => {
    expect(matchHost(ipv6San, '::1')).toBe(true);
    expect(matchHost(ipv6San, '0:0:0:0:0:0:0:1')).toBe(true);
    expect(matchHost(ipv6San, '::2')).toBe(false);
    expect(matchHost(ipv6San, 'mx.example.test')).toBe(true);
  });
});

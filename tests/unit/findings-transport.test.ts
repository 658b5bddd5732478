/**
 * The transport rules beside evaluate.ts (lib/probe/findings/evaluate-transport.ts): a mail
 * transaction accepted before TLS, TLS required first, and MX targets that are aliases. Each case
 * states the severity a reader sees, because that is what the roll-up and the badge go by.
 */
import { describe, expect, it } from 'vitest';
import { evaluateMailBeforeTls, evaluateMxAliases } from '@/lib/probe/findings/evaluate-transport';
import { dnsFor, probe } from '../fixtures/probe-builders';

const reply = (code: number) => ({ code, lines: ['x'] });

describe('evaluateMailBeforeTls', () => {
  it('a submission port accepting MAIL FROM in clear is critical, and names the port and reply code', () => {
    const f = evaluateMailBeforeTls([probe({ port: 587, mailBeforeTls: { reply: reply(250), accepted: true } })]);
    expect(f).toEqual([
      {
        code: 'submission.mail-before-tls',
        severity: 'critical',
        untested: false,
        scope: 'port',
        host: 'mx.example.test',
        address: '192.0.2.10',
        port: 587,
        params: { port: 587, code: 250 },
      },
    ]);
  });

  it('on port 25 (a relay port, RFC 3207 §4) the same acceptance is only information', () => {
    const [f] = evaluateMailBeforeTls([probe({ port: 25, mailBeforeTls: { reply: reply(250), accepted: true } })]);
    expect(f).toMatchObject({ code: 'submission.mail-before-tls', severity: 'info', port: 25 });
    const [g] = evaluateMailBeforeTls([probe({ port: 2525, mailBeforeTls: { reply: reply(250), accepted: true } })]);
    expect(g).toMatchObject({ severity: 'critical', port: 2525 });
  });

  it('a refusal with a 5xx (530 5.7.0) is "TLS required", with its code', () => {
    for (const code of [500, 530, 554]) {
      expect(evaluateMailBeforeTls([probe({ port: 587, mailBeforeTls: { reply: reply(code), accepted: false } })])).toEqual([
        expect.objectContaining({ code: 'submission.tls-required', severity: 'ok', untested: false, scope: 'port', port: 587, params: { port: 587, code } }),
      ]);
    }
  });

  it('a 4xx refusal ("not now") says nothing either way', () => {
    for (const code of [421, 451, 499]) {
      expect(evaluateMailBeforeTls([probe({ port: 587, mailBeforeTls: { reply: reply(code), accepted: false } })])).toEqual([]);
    }
  });

  it('probes that did not ask are skipped, the others each give their own finding', () => {
    const f = evaluateMailBeforeTls([
      probe({ port: 587 }),
      probe({ port: 465, address: '192.0.2.11', mailBeforeTls: { reply: reply(530), accepted: false } }),
      probe({ port: 587, address: '192.0.2.12', mailBeforeTls: { reply: reply(250), accepted: true } }),
    ]);
    expect(f.map((x) => [x.code, x.address, x.port])).toEqual([
      ['submission.tls-required', '192.0.2.11', 465],
      ['submission.mail-before-tls', '192.0.2.12', 587],
    ]);
  });
});

describe('evaluateMxAliases', () => {
  it('warns for each MX host that is a CNAME, naming the alias and its target', () => {
    const dns = dnsFor({ 'mx1.example.test': ['192.0.2.1'], 'mx2.example.test': ['192.0.2.2'] });
    dns.hosts[1]!.cnameTarget = 'real.example.test';
    expect(evaluateMxAliases(dns)).toEqual([
      {
        code: 'mx.cname',
        severity: 'warning',
        untested: false,
        scope: 'host',
        host: 'mx2.example.test',
        params: { host: 'mx2.example.test', target: 'real.example.test' },
      },
    ]);
  });

  it('no alias, no finding', () => {
    expect(evaluateMxAliases(dnsFor({ 'mx1.example.test': ['192.0.2.1'] }))).toEqual([]);
  });
});

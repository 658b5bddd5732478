/**
 * Every outcome and TLS fact through evaluateProbe, pinned exactly: code, severity, whether it is
 * "could not test", and the parameters the text is built from. Cases were chosen at the rules'
 * edges (thresholds, fallbacks, port 25 vs submission, domain vs host mode); the values are what
 * the rules derive, reviewed one by one when this file was written.
 */
import { describe, expect, it } from 'vitest';
import { evaluateProbe, truncatedFinding } from '@/lib/probe/findings/evaluate';
import type { CheckMode, PortProbe } from '@/lib/probe/schema';
import { cert, ehlo, probe, silentProbe, tls } from '@/tests/fixtures/probe-builders';

const noTls = { tls: undefined, ehloTls: undefined, encryption: 'none' as const };
const rules = (p: PortProbe, mode: CheckMode) => evaluateProbe(p, mode).map((f) => [f.code, f.severity, f.untested, f.params ?? null]);

describe('evaluateProbe, case by case', () => {
  it("tls-on-plain 587", () => {
    expect(rules(probe({ port: 587, outcome: 'tls-on-plain-port', ...noTls, greeting: undefined, ehlo: undefined }), 'host')).toEqual([["port.tls-on-plain-port","warning",false,{"port":587}]]);
  });
  it("starttls-rejected 587", () => {
    expect(rules(probe({ port: 587, outcome: 'starttls-rejected', ...noTls, starttlsReply: { code: 454, lines: ['4.7.0 TLS not available', 'x'.repeat(200)] } }), 'host')).toEqual([["starttls.rejected", "critical", false, {"code": 454, "text": "4.7.0 TLS not available xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}]]);
  });
  it("starttls-rejected no reply", () => {
    expect(rules(probe({ port: 25, outcome: 'starttls-rejected', ...noTls }), 'domain')).toEqual([["starttls.rejected", "critical", false, {"code": 0, "text": ""}]]);
  });
  it("handshake-failed", () => {
    expect(rules(probe({ port: 25, outcome: 'tls-handshake-failed', ...noTls, systemError: 'ERR_SSL', errorMessage: 'wrong version' }), 'domain')).toEqual([["tls.handshake-failed", "critical", false, {"port": 25, "reason": "wrong version"}]]);
  });
  it("handshake-failed nomsg", () => {
    expect(rules(probe({ port: 25, outcome: 'tls-handshake-failed', ...noTls, systemError: 'ERR_SSL' }), 'domain')).toEqual([["tls.handshake-failed", "critical", false, {"port": 25, "reason": "ERR_SSL"}]]);
  });
  it("handshake-failed none", () => {
    expect(rules(probe({ port: 25, outcome: 'tls-handshake-failed', ...noTls }), 'domain')).toEqual([["tls.handshake-failed", "critical", false, {"port": 25, "reason": "unknown error"}]]);
  });
  it("reply-too-large", () => {
    expect(rules(probe({ port: 25, outcome: 'reply-too-large', ...noTls, errorMessage: '4096 bytes per line' }), 'domain')).toEqual([["port.reply-too-large", "warning", false, {"limit": "4096 bytes per line"}]]);
  });
  it("reply-too-large nomsg", () => {
    expect(rules(probe({ port: 25, outcome: 'reply-too-large', ...noTls }), 'domain')).toEqual([["port.reply-too-large", "warning", false, {"limit": "our size limit"}]]);
  });
  it("protocol-error", () => {
    expect(rules(probe({ port: 25, outcome: 'protocol-error', ...noTls }), 'domain')).toEqual([["port.protocol-error", "warning", false, {"detail": "unexpected reply"}]]);
  });
  it("not-smtp 25 domain", () => {
    expect(rules(probe({ port: 25, outcome: 'not-smtp', ...noTls, foreignProtocol: 'HTTP' }), 'domain')).toEqual([["port.not-smtp", "critical", false, {"port": 25, "protocol": "HTTP"}]]);
  });
  it("not-smtp 25 host", () => {
    expect(rules(probe({ port: 25, outcome: 'not-smtp', ...noTls }), 'host')).toEqual([["port.not-smtp", "warning", false, {"port": 25, "protocol": "another protocol"}]]);
  });
  it("greeting-rejected 587", () => {
    expect(rules(probe({ port: 587, outcome: 'greeting-rejected', ...noTls, greeting: { code: 554, lines: ['no'] } }), 'domain')).toEqual([["port.greeting-rejected", "warning", false, {"code": 554, "text": "no"}]]);
  });
  it("greeting-rejected 25 nogreet", () => {
    expect(rules(probe({ port: 25, outcome: 'greeting-rejected', ...noTls, greeting: undefined }), 'domain')).toEqual([["port.greeting-rejected", "critical", false, {"code": 554, "text": ""}]]);
  });
  it("busy SMTP_450", () => {
    expect(rules(probe({ port: 25, outcome: 'server-busy', ...noTls, smtpCode: 450, errorMessage: 'try later' }), 'domain')).toEqual([["port.busy", "info", true, {"code": 450, "text": "try later"}]]);
  });
  it("busy greeting", () => {
    expect(rules(probe({ port: 25, outcome: 'server-busy', ...noTls, greeting: { code: 421, lines: ['busy'] } }), 'domain')).toEqual([["port.busy", "info", true, {"code": 421, "text": "busy"}]]);
  });
  it("busy nothing", () => {
    expect(rules(probe({ port: 25, outcome: 'server-busy', ...noTls, greeting: undefined }), 'domain')).toEqual([["port.busy", "info", true, {"code": 421, "text": ""}]]);
  });
  it("reset answered", () => {
    expect(rules(probe({ port: 25, outcome: 'connection-reset', phase: 'ehlo', ...noTls }), 'domain')).toEqual([["port.connection-reset", "warning", false, {"phase": "ehlo"}]]);
  });
  it("reset silent 25 domain", () => {
    expect(rules(silentProbe('connection-reset', { port: 25 }), 'domain')).toEqual([["port25.unreachable", "critical", false, {"address": "192.0.2.10", "reason": "reset"}]]);
  });
  it("reset silent 25 host", () => {
    expect(rules(silentProbe('connection-reset', { port: 25 }), 'host')).toEqual([["port.connection-reset", "warning", false, {"phase": "connect"}]]);
  });
  it("reset silent 587 domain", () => {
    expect(rules(silentProbe('connection-reset', { port: 587 }), 'domain')).toEqual([["port.connection-reset", "warning", false, {"phase": "connect"}]]);
  });
  it("refused 587 domain", () => {
    expect(rules(silentProbe('connection-refused', { port: 587 }), 'domain')).toEqual([]);
  });
  it("refused 25 host", () => {
    expect(rules(silentProbe('connection-refused', { port: 25 }), 'host')).toEqual([]);
  });
  it("io-timeout answered", () => {
    expect(rules(probe({ port: 25, outcome: 'io-timeout', phase: 'ehlo', ...noTls }), 'domain')).toEqual([["port.stalled", "warning", false, {"port": 25, "phase": "ehlo"}]]);
  });
  it("io-timeout silent", () => {
    expect(rules(silentProbe('io-timeout', { port: 25 }), 'domain')).toEqual([["port.timeout", "info", true, {"port": 25}]]);
  });
  it("aborted with tls", () => {
    expect(rules(probe({ port: 465, outcome: 'aborted' }), 'domain')).toEqual([["port.timeout", "info", true, {"port": 465}], ["tls.ok", "ok", false, {"port": 465, "version": "TLSv1.3", "host": "mx.example.test"}]]);
  });
  it("command-rejected", () => {
    expect(rules(probe({ port: 587, outcome: 'command-rejected', ...noTls }), 'host')).toEqual([["port.command-rejected", "warning", false, null]]);
  });
  it("slow 5000", () => {
    expect(rules(probe({ timings: { greetingMs: 5000, totalMs: 1 } }), 'domain')).toEqual([["tls.ok", "ok", false, {"port": 25, "version": "TLSv1.3", "host": "mx.example.test"}]]);
  });
  it("slow 5001", () => {
    expect(rules(probe({ timings: { greetingMs: 5051, totalMs: 1 } }), 'domain')).toEqual([["greeting.slow", "info", false, {"seconds": 5.1}], ["tls.ok", "ok", false, {"port": 25, "version": "TLSv1.3", "host": "mx.example.test"}]]);
  });
  it("465 plaintext auth", () => {
    expect(rules(probe({ port: 465, outcome: 'plaintext-on-implicit-port', ...noTls, ehlo: ehlo({ auth: ['PLAIN'], starttls: false }) }), 'host')).toEqual([["port465.not-implicit-tls", "critical", false, null], ["auth.before-tls", "critical", false, {"port": 465, "mechanisms": "PLAIN"}]]);
  });
  it("465 success plain ehlo auth", () => {
    expect(rules(probe({ port: 465, ehlo: ehlo({ auth: ['PLAIN'], starttls: false }) }), 'host')).toEqual([["tls.ok", "ok", false, {"port": 465, "version": "TLSv1.3", "host": "mx.example.test"}]]);
  });
  it("587 no auth host", () => {
    expect(rules(probe({ port: 587, ehloTls: ehlo({ starttls: false }) }), 'host')).toEqual([["tls.ok", "ok", false, {"port": 587, "version": "TLSv1.3", "host": "mx.example.test"}], ["submission.no-auth", "info", false, {"port": 587}]]);
  });
  it("587 no auth domain", () => {
    expect(rules(probe({ port: 587, ehloTls: ehlo({ starttls: false }) }), 'domain')).toEqual([["tls.ok", "ok", false, {"port": 587, "version": "TLSv1.3", "host": "mx.example.test"}]]);
  });
  it("587 no ehloTls auth before", () => {
    expect(rules(probe({ port: 587, ehloTls: undefined, ehlo: ehlo({ auth: [] }) }), 'host')).toEqual([["tls.ok", "ok", false, {"port": 587, "version": "TLSv1.3", "host": "mx.example.test"}], ["submission.no-auth", "info", false, {"port": 587}]]);
  });
  it("25 no-auth host", () => {
    expect(rules(probe({ port: 25 }), 'host')).toEqual([["tls.ok", "ok", false, {"port": 25, "version": "TLSv1.3", "host": "mx.example.test"}]]);
  });
  it("deprecated 25", () => {
    expect(rules(probe({ tls: tls({ version: 'TLSv1.1' }) }), 'domain')).toEqual([["tls.deprecated-version", "warning", false, {"port": 25, "version": "TLSv1.1"}]]);
  });
  it("deprecated 587", () => {
    expect(rules(probe({ port: 587, tls: tls({ version: 'SSLv3' }) }), 'domain')).toEqual([["tls.deprecated-version", "critical", false, {"port": 587, "version": "SSLv3"}]]);
  });
  it("tls1.2", () => {
    expect(rules(probe({ tls: tls({ version: 'TLSv1.2' }) }), 'domain')).toEqual([["tls.ok", "ok", false, {"port": 25, "version": "TLSv1.2", "host": "mx.example.test"}]]);
  });
  it("noversion", () => {
    expect(rules(probe({ tls: tls({ version: undefined }) }), 'domain')).toEqual([["tls.ok", "ok", false, {"port": 25, "version": "TLS", "host": "mx.example.test"}]]);
  });
  it("expired by reason", () => {
    expect(rules(probe({ tls: tls({ trusted: false, trustReason: 'expired', chain: [cert({ daysLeft: 3 })] }) }), 'domain')).toEqual([["cert.expired", "critical", false, {"host": "mx.example.test", "notAfter": "2027-01-01", "notBefore": "2026-01-01", "days": 0}]]);
  });
  it("expired by days trusted", () => {
    expect(rules(probe({ tls: tls({ chain: [cert({ daysLeft: -1 })] }) }), 'domain')).toEqual([["cert.expired", "critical", false, {"host": "mx.example.test", "notAfter": "2027-01-01", "notBefore": "2026-01-01", "days": 0}]]);
  });
  it("expiring 0", () => {
    expect(rules(probe({ tls: tls({ chain: [cert({ daysLeft: 0 })] }) }), 'domain')).toEqual([["cert.expiring-soon", "warning", false, {"host": "mx.example.test", "notAfter": "2027-01-01", "notBefore": "2026-01-01", "days": 0}]]);
  });
  it("weak rsa nobits", () => {
    expect(rules(probe({ tls: tls({ chain: [cert({ keyType: 'rsa', keyBits: undefined })] }) }), 'domain')).toEqual([["tls.ok", "ok", false, {"port": 25, "version": "TLSv1.3", "host": "mx.example.test"}]]);
  });
  it("weak ec 256", () => {
    expect(rules(probe({ tls: tls({ chain: [cert({ keyType: 'ec', keyBits: 160 })] }) }), 'domain')).toEqual([["tls.ok", "ok", false, {"port": 25, "version": "TLSv1.3", "host": "mx.example.test"}]]);
  });
  it("weak rsa 2047", () => {
    expect(rules(probe({ tls: tls({ chain: [cert({ keyType: 'rsa', keyBits: 2047 })] }) }), 'domain')).toEqual([["cert.weak-key", "critical", false, {"bits": 2047}]]);
  });
  it("untrusted verifyError", () => {
    expect(rules(probe({ port: 587, tls: tls({ trusted: false, verifyError: 'X_ERR' }) }), 'domain')).toEqual([["cert.untrusted", "critical", false, {"host": "mx.example.test", "reason": "X_ERR"}]]);
  });
  it("untrusted nothing", () => {
    expect(rules(probe({ port: 25, tls: tls({ trusted: false }) }), 'domain')).toEqual([["cert.untrusted", "warning", false, {"host": "mx.example.test", "reason": "unknown"}]]);
  });
  it("mismatch cn only", () => {
    expect(rules(probe({ port: 465, tls: tls({ hostnameMatch: false, chain: [cert({ subjectAltNames: [], commonName: 'cn.test' })] }) }), 'domain')).toEqual([["cert.hostname-mismatch", "critical", false, {"host": "mx.example.test", "names": "cn.test"}]]);
  });
  it("mismatch nothing", () => {
    expect(rules(probe({ port: 465, tls: tls({ hostnameMatch: false, chain: [cert({ subjectAltNames: [], commonName: undefined })] }) }), 'domain')).toEqual([["cert.hostname-mismatch", "critical", false, {"host": "mx.example.test", "names": "no names"}]]);
  });
  it("mismatch empty chain", () => {
    expect(rules(probe({ port: 25, tls: tls({ hostnameMatch: false, chain: [] }) }), 'domain')).toEqual([["cert.hostname-mismatch", "warning", false, {"host": "mx.example.test", "names": "no names"}]]);
  });
  it("mismatch sans", () => {
    expect(rules(probe({ port: 25, tls: tls({ hostnameMatch: false, chain: [cert({ subjectAltNames: ['DNS:a.test', 'IP Address:1.2.3.4'] })] }) }), 'domain')).toEqual([["cert.hostname-mismatch", "warning", false, {"host": "mx.example.test", "names": "a.test, IP Address:1.2.3.4"}]]);
  });
  it("match null", () => {
    expect(rules(probe({ tls: tls({ hostnameMatch: null }) }), 'domain')).toEqual([["tls.ok", "ok", false, {"port": 25, "version": "TLSv1.3", "host": "mx.example.test"}]]);
  });
  it("blocked", () => {
    expect(rules(silentProbe('blocked-target'), 'domain')).toEqual([]);
  });
});

describe('truncatedFinding', () => {
  it('says how many were skipped and the caps, as could-not-test', () => {
    expect(truncatedFinding(3, { maxHosts: 10, maxAddressesPerHost: 4 })).toEqual({code:"check.truncated",severity:"info",untested:true,scope:"domain",params:{skipped:3,maxHosts:10,maxAddresses:4}});
  });
});

/**
 * The relay findings (lib/probe/findings/relay-findings.ts) and the TLS-matrix findings
 * (evaluate-tls-matrix.ts), each case stating the parameters a reader sees: which recipient an
 * open relay took, which reply left a test inconclusive, which versions and suites a finding
 * names, and that only ports with a matrix are read.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRelay } from '@/lib/probe/findings/relay-findings';
import { evaluateTlsMatrix, matrixFindings } from '@/lib/probe/findings/evaluate-tls-matrix';
import type { PortProbe, RelayAttempt, RelayTest, TlsMatrix } from '@/lib/probe/schema';
import { probe, tls } from '../fixtures/probe-builders';

const reply = (code: number, ...lines: string[]) => ({ code, lines });
const attempt = (over: Partial<RelayAttempt>): RelayAttempt => ({ form: 'plain', recipient: 'a@relay.test', verdict: 'rejected', ...over });
const relayed = (relay: RelayTest) => evaluateRelay([probe({ relay })]);

describe('evaluateRelay', () => {
  it('open: names the recipient the server accepted, not the first one tried', () => {
    const [f] = relayed({
      status: 'open',
      reason: 'accepted',
      acceptedForm: 'plain',
      tls: false,
      attempts: [attempt({ recipient: 'first@relay.test' }), attempt({ recipient: 'taken@relay.test', verdict: 'accepted', rcpt: reply(250, 'ok') })],
    });
    expect(f).toEqual({ code: 'relay.open', severity: 'critical', untested: false, scope: 'address', host: 'mx.example.test', address: '192.0.2.10', params: { address: '192.0.2.10', recipient: 'taken@relay.test' } });
  });

  it('open through another form: the bypass finding names the form', () => {
    const [f] = relayed({ status: 'open', reason: 'accepted', acceptedForm: 'percent-hack', tls: true, attempts: [attempt({ form: 'percent-hack', recipient: 'b%c@relay.test', verdict: 'accepted' })] });
    expect(f).toMatchObject({ code: 'relay.open-bypass', params: { recipient: 'b%c@relay.test', form: 'percent-hack' } });
    const [g] = relayed({ status: 'open', reason: 'accepted', tls: true, attempts: [] });
    expect(g).toMatchObject({ code: 'relay.open-bypass', params: { recipient: '', form: 'unknown' } });
  });

  it('inconclusive: quotes the first reply that was not a refusal, from the step that gave it', () => {
    const [rcpt] = relayed({
      status: 'untested',
      reason: 'temporary',
      tls: false,
      attempts: [attempt({ rcpt: reply(550, 'no') }), attempt({ verdict: 'temporary', rcpt: reply(451, '4.7.1 greylisted,', 'try later') })],
    });
    expect(rcpt).toMatchObject({ code: 'relay.untested', severity: 'info', untested: true, params: { reason: 'temporary', reply: ': 451 4.7.1 greylisted, try later' } });
    const [from] = relayed({ status: 'untested', reason: 'mail-from-refused', tls: false, attempts: [attempt({ verdict: 'mail-from-refused', mailFrom: reply(553, 'sender refused') })] });
    expect(from!.params).toMatchObject({ reply: ': 553 sender refused' });
    const [none] = relayed({ status: 'untested', reason: 'no-answer', tls: false, attempts: [attempt({ verdict: 'no-answer' })] });
    expect(none!.params).toMatchObject({ reply: '' });
  });

  it('inconclusive without a reply to quote: a check aborted before the first attempt, or after refusals only', () => {
    // what probe-run.ts records when the check stops before the relay test (no attempt at all)
    const [before] = relayed({ status: 'untested', reason: 'aborted', tls: false, attempts: [] });
    expect(before).toMatchObject({ code: 'relay.untested', params: { reason: 'aborted', reply: '' } });
    const [refusals] = relayed({ status: 'untested', reason: 'aborted', tls: false, attempts: [attempt({ rcpt: reply(550, 'no') })] });
    expect(refusals!.params).toMatchObject({ reply: '' });
  });

  it('a long reply is cut at 160 characters', () => {
    const [f] = relayed({ status: 'untested', reason: 'unexpected-reply', tls: false, attempts: [attempt({ verdict: 'unexpected', rcpt: reply(299, 'x'.repeat(300)) })] });
    expect(f!.params!.reply).toBe(`: 299 ${'x'.repeat(160)}`);
  });

  it('closed and not tested have their own findings; a test never reached has none', () => {
    expect(relayed({ status: 'closed', reason: 'refused', tls: false, attempts: [] }).map((f) => [f.code, f.severity, f.untested])).toEqual([['relay.closed', 'ok', false]]);
    expect(relayed({ status: 'not-tested', reason: 'host-mode', tls: false, attempts: [] }).map((f) => [f.code, f.untested])).toEqual([['relay.not-tested', true]]);
    expect(relayed({ status: 'untested', reason: 'not-reached', tls: false, attempts: [] })).toEqual([]);
    expect(evaluateRelay([probe()])).toEqual([]);
  });
});

const matrix = (versions: Partial<Record<'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3', 'accepted' | 'refused' | 'untested'>>, suites: TlsMatrix['suites'] = []): TlsMatrix => ({
  versions: (['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const).filter((v) => versions[v]).map((version) => ({ version, status: versions[version]! })),
  suites,
  handshakes: 1,
  ms: 1,
});
const p = (over: Partial<PortProbe> = {}) => probe({ port: 25, ...over });

describe('matrix findings', () => {
  it('no modern version: names what was accepted, or a dash, and is decisive', () => {
    const [f] = matrixFindings(p(), matrix({ TLSv1: 'accepted', 'TLSv1.1': 'accepted', 'TLSv1.2': 'refused', 'TLSv1.3': 'refused' }));
    expect(f).toMatchObject({ code: 'tls.no-modern-version', untested: false, params: { port: 25, versions: 'TLS 1.0, TLS 1.1' } });
    const [g] = matrixFindings(p(), matrix({ TLSv1: 'refused', 'TLSv1.2': 'refused', 'TLSv1.3': 'refused' }));
    expect(g).toMatchObject({ code: 'tls.no-modern-version', params: { versions: '—' } });
  });

  it('either modern version accepted is enough; a modern version missing from the matrix is not "refused"', () => {
    expect(matrixFindings(p(), matrix({ 'TLSv1.2': 'accepted', 'TLSv1.3': 'refused' }))).toEqual([]);
    expect(matrixFindings(p(), matrix({ 'TLSv1.2': 'refused', 'TLSv1.3': 'accepted' }))).toEqual([]);
    expect(matrixFindings(p(), matrix({ TLSv1: 'accepted', 'TLSv1.2': 'refused' }))).toEqual([]);
  });

  it('legacy beside modern: names the legacy versions and the version the probe negotiated', () => {
    const [f] = matrixFindings(p({ tls: tls({ version: 'TLSv1.2' }) }), matrix({ TLSv1: 'refused', 'TLSv1.1': 'accepted', 'TLSv1.2': 'accepted' }));
    expect(f).toMatchObject({ code: 'tls.legacy-version-accepted', untested: false, params: { port: 25, versions: 'TLS 1.1', negotiated: 'TLS 1.2' } });
    const [odd] = matrixFindings(p({ tls: tls({ version: 'SSLv3' }) }), matrix({ TLSv1: 'accepted', 'TLSv1.3': 'accepted' }));
    expect(odd!.params).toMatchObject({ versions: 'TLS 1.0', negotiated: 'SSLv3' });
    const [none] = matrixFindings(p({ tls: undefined }), matrix({ TLSv1: 'accepted', 'TLSv1.3': 'accepted' }));
    expect(none!.params).toMatchObject({ negotiated: '?' });
    const [both] = matrixFindings(p({ tls: tls({ version: 'TLSv1.3' }) }), matrix({ TLSv1: 'accepted', 'TLSv1.1': 'accepted', 'TLSv1.3': 'accepted' }));
    expect(both!.params).toMatchObject({ versions: 'TLS 1.0, TLS 1.1', negotiated: 'TLS 1.3' });
  });

  it('weak suites: static RSA and broken families are decisive findings naming the suites', () => {
    const f = matrixFindings(
      p(),
      matrix({ 'TLSv1.3': 'accepted' }, [
        { family: 'no-forward-secrecy', status: 'accepted', cipher: 'AES128-SHA' },
        { family: '3des', status: 'accepted', cipher: 'DES-CBC3-SHA' },
        { family: 'anonymous', status: 'accepted' },
      ]),
    );
    expect(f.map((x) => [x.code, x.untested, x.params])).toEqual([
      ['tls.no-forward-secrecy', false, { port: 25, cipher: 'AES128-SHA' }],
      ['tls.broken-cipher', false, { port: 25, families: '3DES, anonymous', cipher: 'DES-CBC3-SHA, ?' }],
    ]);
    expect(matrixFindings(p(), matrix({ 'TLSv1.3': 'accepted' }, [{ family: 'no-forward-secrecy', status: 'accepted' }]))[0]!.params).toEqual({ port: 25, cipher: '?' });
    // static RSA refused: another family accepted before it in the list is not taken for it
    const refusedNfs = matrixFindings(
      p(),
      matrix({ 'TLSv1.3': 'accepted' }, [
        { family: 'rc4', status: 'accepted', cipher: 'RC4-SHA' },
        { family: 'no-forward-secrecy', status: 'refused' },
      ]),
    );
    expect(refusedNfs.map((x) => x.code)).toEqual(['tls.broken-cipher']);
  });

  it('what could not be tested (other than by this OpenSSL) is one untested finding, with each reason once', () => {
    const [f] = matrixFindings(
      p(),
      matrix({ TLSv1: 'untested', 'TLSv1.1': 'untested', 'TLSv1.3': 'accepted' }, [
        { family: 'rc4', status: 'untested', reason: 'timeout' },
        { family: '3des', status: 'untested', reason: 'local-openssl' },
        { family: 'null', status: 'untested' },
      ]),
    );
    expect(f).toMatchObject({ code: 'tls.matrix-incomplete', untested: true, params: { port: 25, what: 'TLS 1.0, TLS 1.1, RC4, NULL', reason: 'aborted, timeout' } });
    const [g] = matrixFindings(p(), { ...matrix({ 'TLSv1.3': 'accepted' }), versions: [{ version: 'TLSv1', status: 'untested', reason: 'timeout' }, { version: 'TLSv1.3', status: 'accepted' }] });
    expect(g!.params).toMatchObject({ what: 'TLS 1.0', reason: 'timeout' });
    // a version only this OpenSSL cannot offer is not a finding either
    const local = { ...matrix({ 'TLSv1.3': 'accepted' }), versions: [{ version: 'TLSv1' as const, status: 'untested' as const, reason: 'local-openssl' as const }, { version: 'TLSv1.3' as const, status: 'accepted' as const }] };
    expect(matrixFindings(p(), local)).toEqual([]);
  });

  it('evaluateTlsMatrix reads only the probes that carry a matrix', () => {
    const m = matrix({ TLSv1: 'accepted', 'TLSv1.2': 'accepted' });
    const f = evaluateTlsMatrix([p({ address: '192.0.2.1', tlsMatrix: m }), p({ address: '192.0.2.2' }), p({ address: '192.0.2.3', port: 587, tlsMatrix: m })]);
    expect(f.map((x) => [x.code, x.address, x.port])).toEqual([
      ['tls.legacy-version-accepted', '192.0.2.1', 25],
      ['tls.legacy-version-accepted', '192.0.2.3', 587],
    ]);
  });
});

/**
 * Every reader of the TLS matrix: the live reducer and the event-log rebuild, the CSV columns, the
 * CLI report (English and French), the widget's line. One sample result with a matrix on port 25
 * (TLS 1.0 still accepted, static RSA accepted, 3DES/RC4 not testable here) feeds them all.
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '@/cli/format-report';
import { embedFromResult } from '@/lib/embed/embed-view';
import { portsCsv } from '@/lib/export/result-csv';
import { evaluateTlsMatrix } from '@/lib/probe/findings/evaluate-tls-matrix';
import { CheckResultSchema, type CheckResult, type TlsMatrix } from '@/lib/probe/schema';
import { initialLiveState, liveReducer } from '@/lib/report/live-state';
import { msg } from '@/lib/i18n/msg';
import { matrixHeadline, suiteTone, versionTone } from '@/lib/verdict/tls-matrix-view';
import { parseCsvObjects } from '@/tests/fixtures/rfc4180';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const MATRIX: TlsMatrix = {
  versions: [
    { version: 'TLSv1', status: 'accepted', evidence: 'pinned', cipher: 'ECDHE-RSA-AES128-SHA' },
    { version: 'TLSv1.1', status: 'refused', evidence: 'range', detail: 'unsupported protocol' },
    { version: 'TLSv1.2', status: 'accepted', evidence: 'pinned', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' },
    { version: 'TLSv1.3', status: 'accepted', evidence: 'probe', cipher: 'TLS_AES_256_GCM_SHA384' },
  ],
  suites: [
    { family: 'no-forward-secrecy', status: 'accepted', cipher: 'AES128-GCM-SHA256', cipherStandardName: 'TLS_RSA_WITH_AES_128_GCM_SHA256', version: 'TLSv1.2' },
    { family: '3des', status: 'untested', reason: 'local-openssl' },
    { family: 'rc4', status: 'untested', reason: 'local-openssl' },
    { family: 'null', status: 'refused' },
    { family: 'anonymous', status: 'refused' },
  ],
  handshakes: 4,
  ms: 42,
};

function withMatrix(): CheckResult {
  const first = SAMPLE_RESULT.probes.find((p) => p.port === 25 && p.tls)!;
  const probes = SAMPLE_RESULT.probes.map((p) => (p === first ? { ...p, tls: { ...p.tls!, version: 'TLSv1.3' }, tlsMatrix: MATRIX } : p));
  const findings = [...SAMPLE_RESULT.findings, ...evaluateTlsMatrix(probes)];
  return CheckResultSchema.parse({ ...SAMPLE_RESULT, probes, findings });
}

describe('the matrix in a result', () => {
  const result = withMatrix();
  const p25 = result.probes.find((p) => p.tlsMatrix)!;

  it('raises the legacy-version and static-RSA findings on that port only', () => {
    expect(result.findings.filter((f) => f.code.startsWith('tls.') && f.port === 25 && f.address === p25.address).map((f) => f.code)).toEqual(
      expect.arrayContaining(['tls.legacy-version-accepted', 'tls.no-forward-secrecy']),
    );
  });

  it('CSV: accepted, refused, weak suites and what could not be tested, with why', () => {
    const rows = parseCsvObjects(portsCsv(result));
    const row = rows.find((r) => r.address === p25.address && r.port === '25' && r.host === p25.host)!;
    expect(row).toMatchObject({
      tls_versions_accepted: '1.0 1.2 1.3',
      tls_versions_refused: '1.1',
      tls_weak_suites_accepted: 'no-forward-secrecy',
      tls_not_tested: '3des:local-openssl rc4:local-openssl',
    });
    const other = rows.find((r) => r.port === '587')!;
    expect(other.tls_versions_accepted).toBe('');
  });

  it('CLI: one TLS line per port with a matrix, in English and French, local limits marked', () => {
    const en = formatReport(result, { color: false, locale: 'en' });
    expect(en).toContain('TLS 25  1.0✔ 1.1✖ 1.2✔ 1.3✔ · weak suites: Static RSA (no forward secrecy) · not tested: 3DES*, RC4*');
    expect(en).toContain('* this machine’s OpenSSL cannot offer it');
    const fr = formatReport(result, { color: false, locale: 'fr' });
    expect(fr).toContain('suites faibles: RSA statique (sans confidentialité persistante)');
    expect(fr).toContain('non testé: 3DES*, RC4*');
  });

  it('widget: the most serious matrix finding, counted per (address, port)', () => {
    expect(embedFromResult('c1', result).tlsMatrix).toEqual({ kind: 'legacy', tone: 'warn', count: 1, of: 1 });
    expect(matrixHeadline({ probes: result.probes, findings: result.findings.filter((f) => f.code !== 'tls.legacy-version-accepted') })).toBeUndefined();
    expect(embedFromResult('c1', SAMPLE_RESULT).tlsMatrix).toBeUndefined();
  });

  it('tones: old versions accepted warn, modern refused is a note, untested muted', () => {
    expect(MATRIX.versions.map(versionTone)).toEqual(['warn', 'good', 'good', 'good']);
    expect(MATRIX.suites.map(suiteTone)).toEqual(['note', 'muted', 'muted', 'good', 'good']);
    expect(versionTone({ version: 'TLSv1.2', status: 'refused' })).toBe('note');
    expect(suiteTone({ family: 'null', status: 'accepted' })).toBe('bad');
    expect(suiteTone({ family: '3des', status: 'accepted' })).toBe('warn');
  });

  it('live: the matrix event adds a step; probe-done then carries the matrix', () => {
    const key = { host: p25.host, address: p25.address, port: 25 as const };
    let s = liveReducer(initialLiveState, { type: 'event', seq: 1, at: 0, event: { type: 'probes-planned', probes: [{ ...key, family: 4 }] } });
    s = liveReducer(s, { type: 'event', seq: 2, at: 5, event: { type: 'probe-tls-matrix', ...key, matrix: MATRIX } });
    expect(s.rows[0]!.steps).toEqual([{ label: msg('live.step.tlsMatrix'), ms: 42 }]);
    s = liveReducer(s, { type: 'event', seq: 3, at: 6, event: { type: 'probe-done', probe: p25 } });
    expect(s.rows[0]!.probe?.tlsMatrix).toEqual(MATRIX);
  });
});

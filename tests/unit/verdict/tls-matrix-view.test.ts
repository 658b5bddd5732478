/**
 * How a TLS matrix reads (lib/verdict/tls-matrix-view.ts), rule by rule and without the readers
 * around it (tls-matrix-readers.test.ts drives those): the tone of each version and suite status,
 * the short labels, what could not be tested and why, and the widget's one-line headline with its
 * order of seriousness and its count per (address, port).
 */
import { describe, expect, it } from 'vitest';
import type { Finding, PortProbe, TlsMatrix, TlsSuiteFamily, TlsVersionName } from '@/lib/probe/schema';
import {
  acceptedFamilies,
  acceptedVersions,
  matrixCells,
  matrixHeadline,
  matrixVersionLabel,
  suiteTone,
  untestedEntries,
  versionTone,
} from '@/lib/verdict/tls-matrix-view';
import { probe } from '../../fixtures/probe-builders';

describe('versionTone', () => {
  it.each([
    ['TLSv1', 'accepted', 'warn'],
    ['TLSv1.1', 'accepted', 'warn'],
    ['TLSv1.2', 'accepted', 'good'],
    ['TLSv1.3', 'accepted', 'good'],
    ['TLSv1', 'refused', 'good'],
    ['TLSv1.1', 'refused', 'good'],
    ['TLSv1.2', 'refused', 'note'],
    ['TLSv1.3', 'refused', 'note'],
    ['TLSv1', 'untested', 'muted'],
    ['TLSv1.3', 'untested', 'muted'],
  ] as const)('%s %s reads %s', (version, status, tone) => {
    expect(versionTone({ version, status })).toBe(tone);
  });
});

describe('suiteTone', () => {
  it.each([
    ['no-forward-secrecy', 'accepted', 'note'],
    ['3des', 'accepted', 'warn'],
    ['rc4', 'accepted', 'bad'],
    ['null', 'accepted', 'bad'],
    ['anonymous', 'accepted', 'bad'],
    ['rc4', 'refused', 'good'],
    ['no-forward-secrecy', 'refused', 'good'],
    ['3des', 'untested', 'muted'],
    ['null', 'untested', 'muted'],
  ] as const)('%s %s reads %s', (family, status, tone) => {
    expect(suiteTone({ family, status })).toBe(tone);
  });
});

const MATRIX: TlsMatrix = {
  versions: [
    { version: 'TLSv1', status: 'accepted' },
    { version: 'TLSv1.1', status: 'untested', reason: 'timeout' },
    { version: 'TLSv1.2', status: 'refused' },
    { version: 'TLSv1.3', status: 'untested' },
  ],
  suites: [
    { family: 'no-forward-secrecy', status: 'accepted' },
    { family: '3des', status: 'untested', reason: 'local-openssl' },
    { family: 'rc4', status: 'refused' },
    { family: 'null', status: 'accepted' },
    { family: 'anonymous', status: 'untested' },
  ],
  handshakes: 6,
  ms: 10,
};

describe('labels and lists', () => {
  it('names versions as people write them', () => {
    const labels: Record<TlsVersionName, string> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };
    for (const [v, label] of Object.entries(labels)) expect(matrixVersionLabel(v as TlsVersionName)).toBe(label);
  });

  it('lists only what was accepted, in matrix order, versions as bare numbers', () => {
    expect(acceptedVersions(MATRIX)).toEqual(['1.0']);
    expect(acceptedVersions({ ...MATRIX, versions: [{ version: 'TLSv1.2', status: 'accepted' }, { version: 'TLSv1.3', status: 'accepted' }] })).toEqual(['1.2', '1.3']);
    expect(acceptedFamilies(MATRIX)).toEqual<TlsSuiteFamily[]>(['no-forward-secrecy', 'null']);
  });

  it('lists what could not be tested with its reason, "aborted" when none was recorded', () => {
    expect(untestedEntries(MATRIX)).toEqual([
      { what: 'TLS 1.1', reason: 'timeout' },
      { what: 'TLS 1.3', reason: 'aborted' },
      { what: '3des', reason: 'local-openssl' },
      { what: 'anonymous', reason: 'aborted' },
    ]);
  });

  it('colours every cell, in matrix order', () => {
    const cells = matrixCells(MATRIX);
    expect(cells.versions.map((c) => [c.test.version, c.tone])).toEqual([
      ['TLSv1', 'warn'],
      ['TLSv1.1', 'muted'],
      ['TLSv1.2', 'note'],
      ['TLSv1.3', 'muted'],
    ]);
    expect(cells.suites.map((c) => c.tone)).toEqual(['note', 'muted', 'good', 'bad', 'muted']);
    expect(cells.versions[0]!.test).toBe(MATRIX.versions[0]);
  });
});

describe('matrixHeadline', () => {
  const withMatrix = (address: string, port: PortProbe['port'], host = 'mx.example.test') => probe({ address, port, host, tlsMatrix: MATRIX });
  const at = (code: string, severity: Finding['severity'], address: string, port: PortProbe['port']): Finding => ({
    code: code as Finding['code'],
    severity,
    untested: false,
    scope: 'port',
    host: 'mx.example.test',
    address,
    port,
  });
  const probes = [withMatrix('192.0.2.1', 25), withMatrix('192.0.2.1', 25, 'mx2.example.test'), withMatrix('192.0.2.2', 25), probe({ address: '192.0.2.3', port: 587 })];

  it('none without a matrix anywhere, or without a serious matrix finding', () => {
    expect(matrixHeadline({ probes: [probe()], findings: [at('tls.no-modern-version', 'critical', '192.0.2.10', 25)] })).toBeUndefined();
    expect(matrixHeadline({ probes, findings: [] })).toBeUndefined();
    expect(matrixHeadline({ probes, findings: [at('tls.legacy-version-accepted', 'info', '192.0.2.1', 25), at('tls.broken-cipher', 'info', '192.0.2.1', 25)] })).toBeUndefined();
  });

  it('counts each (address, port) once over the probes that have a matrix', () => {
    const h = matrixHeadline({ probes, findings: [at('tls.legacy-version-accepted', 'warning', '192.0.2.1', 25), at('tls.legacy-version-accepted', 'warning', '192.0.2.1', 25)] });
    expect(h).toEqual({ kind: 'legacy', tone: 'warn', count: 1, of: 2 });
    const both = matrixHeadline({ probes, findings: [at('tls.legacy-version-accepted', 'critical', '192.0.2.1', 25), at('tls.legacy-version-accepted', 'warning', '192.0.2.2', 25)] });
    expect(both).toEqual({ kind: 'legacy', tone: 'warn', count: 2, of: 2 });
  });

  it('no modern version outranks broken suites, a critical broken suite a warning one, and those legacy versions', () => {
    const legacy = at('tls.legacy-version-accepted', 'warning', '192.0.2.1', 25);
    const brokenWarn = at('tls.broken-cipher', 'warning', '192.0.2.1', 25);
    const brokenCrit = at('tls.broken-cipher', 'critical', '192.0.2.2', 25);
    const noModern = at('tls.no-modern-version', 'warning', '192.0.2.2', 25);
    expect(matrixHeadline({ probes, findings: [legacy, brokenWarn] })).toEqual({ kind: 'broken', tone: 'warn', count: 1, of: 2 });
    expect(matrixHeadline({ probes, findings: [legacy, brokenWarn, brokenCrit] })).toEqual({ kind: 'broken', tone: 'bad', count: 1, of: 2 });
    expect(matrixHeadline({ probes, findings: [legacy, brokenCrit, noModern] })).toEqual({ kind: 'no-modern', tone: 'bad', count: 1, of: 2 });
    expect(matrixHeadline({ probes, findings: [at('tls.no-modern-version', 'critical', '192.0.2.1', 25)] })).toMatchObject({ kind: 'no-modern' });
    expect(matrixHeadline({ probes, findings: [at('tls.no-modern-version', 'info', '192.0.2.1', 25), legacy] })).toMatchObject({ kind: 'legacy' });
  });
});

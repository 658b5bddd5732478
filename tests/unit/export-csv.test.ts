import fc from '@/tests/fixtures/fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, neutralizeFormula, toCsv } from '@/lib/export/csv';
import { certificatesCsv, exportFileName, portsCsv } from '@/lib/export/result-csv';
import type { CheckResult } from '@/lib/probe/schema';
import { parseCsv, parseCsvObjects } from '@/tests/fixtures/rfc4180';
import { MX1_LEAF, SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

describe('RFC 4180 writer', () => {
  it('quotes exactly the fields with a comma, a quote, CR or LF, and doubles inner quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('lf\nonly')).toBe('"lf\nonly"');
    expect(csvField('')).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(true)).toBe('true');
  });

  it('ends every record, the last one included, with CRLF', () => {
    expect(toCsv(['a', 'b'], [['1', '2'], ['3', '4']])).toBe('a,b\r\n1,2\r\n3,4\r\n');
  });

  it('refuses a row whose field count differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [['1']])).toThrow(/row 1 has 1 fields/);
  });

  it('reads back exactly what was written, for any text (commas, quotes, CR, LF, Unicode)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\r', '\n', 'é', '名', '0', "'", ';'), maxLength: 12 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(text, { minLength: 5, maxLength: 5 }), { maxLength: 6 }), (width, rawRows) => {
        // Leading formula characters are neutralised on purpose; keep them out of this round trip.
        const safe = (s: string) => neutralizeFormula(s) === s ? s : `x${s}`;
        const header = Array.from({ length: width }, (_, i) => `col ${i}, "${i}"`);
        const rows = rawRows.map((r) => r.slice(0, width).map(safe));
        expect(parseCsv(toCsv(header, rows))).toEqual([header, ...rows]);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps text a spreadsheet would run as a formula inert, but leaves numbers alone', () => {
    for (const hostile of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd']) {
      const [[cell]] = parseCsv(toCsv(['banner'], [[hostile]])).slice(1) as [[string]];
      expect(cell).toBe(`'${hostile}`);
    }
    expect(parseCsv(toCsv(['days'], [[-12]]))[1]).toEqual(['-12']);
    expect(neutralizeFormula('220 mx.example.test ESMTP')).toBe('220 mx.example.test ESMTP');
  });
});

describe('ports CSV', () => {
  const rows = parseCsvObjects(portsCsv(SAMPLE_RESULT));

  it('has one record per host × address × port, in the port table order', () => {
    expect(rows).toHaveLength(2 * 2 * 4);
    expect(rows.map((r) => `${r.host} ${r.address} ${r.port}`).slice(0, 5)).toEqual([
      'mx1.example.test 192.0.2.10 25',
      'mx1.example.test 192.0.2.10 465',
      'mx1.example.test 192.0.2.10 587',
      'mx1.example.test 192.0.2.10 2525',
      'mx1.example.test 2001:db8::10 25',
    ]);
  });

  it('carries the columns of the port table with their measured values', () => {
    const at = (address: string, port: string) => rows.find((r) => r.address === address && r.port === port)!;
    expect(at('192.0.2.10', '25')).toMatchObject({
      domain: 'example.test',
      mx_preference: '10',
      ip_version: '4',
      port_role: 'relay',
      status: 'ok',
      outcome: 'success',
      stopped_in: '',
      encryption: 'starttls',
      tls_version: 'TLSv1.3',
      cert_trusted: 'yes',
      cert_hostname_match: 'yes',
      cert_days_left: '44',
      downgrade: 'possible',
      banner: 'mx1.example.test ESMTP Postfix',
      findings: 'tls.ok',
    });
    expect(at('192.0.2.10', '587')).toMatchObject({ status: 'critical', auth_mechanisms: 'PLAIN LOGIN', auth_before_tls: 'yes', findings: 'auth.before-tls tls.ok' });
    expect(at('192.0.2.10', '2525')).toMatchObject({ status: 'closed', outcome: 'connection-refused', stopped_in: 'connect', error_code: 'ECONNREFUSED', encryption: 'unknown' });
    expect(at('2001:db8:1::20', '25')).toMatchObject({ status: 'untested', outcome: 'io-timeout', stopped_in: 'greeting', total_ms: '10024' });
  });

  it('names the vantage of a check run from one of several, and only then', () => {
    expect(Object.keys(rows[0]!)).not.toContain('vantage');
    const east: CheckResult = { ...SAMPLE_RESULT, target: { ...SAMPLE_RESULT.target, vantage: 'eu-west' } };
    const records = parseCsvObjects(portsCsv(east));
    expect(Object.keys(records[0]!).slice(0, 3)).toEqual(['domain', 'vantage', 'host']);
    expect(new Set(records.map((r) => r.vantage))).toEqual(new Set(['eu-west']));
    expect(records).toHaveLength(rows.length);
  });

  it('keeps a host without any address as one record that says so', () => {
    const result: CheckResult = {
      ...SAMPLE_RESULT,
      dns: {
        ...SAMPLE_RESULT.dns,
        hosts: [...SAMPLE_RESULT.dns.hosts, { name: 'mx3.example.test', preference: 30, a: { status: 'nodata', ms: 1 }, aaaa: { status: 'nodata', ms: 1 }, addresses: [] }],
      },
    };
    const last = parseCsvObjects(portsCsv(result)).at(-1);
    expect(last).toMatchObject({ host: 'mx3.example.test', address: '', port: '', status: 'no-address', mx_preference: '30' });
  });

  it('quotes a banner with commas and quotes so it reads back intact, and defuses a formula banner', () => {
    const probes = SAMPLE_RESULT.probes.map((p, i) =>
      i === 0 ? { ...p, greeting: { code: 220, lines: ['mx, "the best", ESMTP'] } } : i === 1 ? { ...p, greeting: { code: 220, lines: ['=cmd|"/c calc"!A1'] } } : p,
    );
    const read = parseCsvObjects(portsCsv({ ...SAMPLE_RESULT, probes }));
    expect(read[0]?.banner).toBe('mx, "the best", ESMTP');
    expect(read[1]?.banner).toBe(`'=cmd|"/c calc"!A1`);
  });
});

describe('certificates CSV', () => {
  const rows = parseCsvObjects(certificatesCsv(SAMPLE_RESULT));

  it('has one record per certificate of each distinct chain, leaf first', () => {
    const leaves = rows.filter((r) => r.role === 'leaf');
    expect(leaves.map((r) => r.common_name).sort()).toEqual(['mx1.example.test', 'mx2.example.test']);
    for (const leaf of leaves) {
      const chain = rows.filter((r) => r.chain_leaf_sha256 === leaf.sha256);
      expect(chain.map((r) => r.position)).toEqual(chain.map((_, i) => String(i)));
      expect(chain[0]).toBe(leaf);
    }
  });

  it('gives the leaf its validity, key, trust, name match and where it was seen', () => {
    const mx1 = rows.find((r) => r.sha256 === MX1_LEAF.sha256)!;
    expect(mx1).toMatchObject({
      subject_alt_names: 'DNS:mx1.example.test DNS:smtp.example.test',
      not_after: MX1_LEAF.notAfter,
      days_left: '44',
      key: 'RSA 2048 bits',
      chain_trusted: 'yes',
      hostname_match: 'mx1.example.test=yes',
    });
    expect(mx1.seen_on).toContain('mx1.example.test 192.0.2.10:25');
    expect(mx1.seen_on).toContain('mx1.example.test [2001:db8::10]:465');
    const mx2 = rows.find((r) => r.common_name === 'mx2.example.test')!;
    expect(mx2).toMatchObject({ chain_trusted: 'no', trust_reason: 'expired' });
    expect(Number(mx2.days_left)).toBeLessThan(0);
  });

  it('is just a header for a check that saw no certificate', () => {
    expect(parseCsv(certificatesCsv({ ...SAMPLE_RESULT, probes: [] }))).toHaveLength(1);
  });
});

describe('export file names', () => {
  it('name the domain and the check time in UTC', () => {
    expect(exportFileName(SAMPLE_RESULT, 'ports.csv')).toBe('mxray-example.test-20260302T1000Z-ports.csv');
  });
});

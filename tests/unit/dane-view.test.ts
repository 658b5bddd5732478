/**
 * How DNSSEC and DANE read (status lines in English and French) and export (CSV columns), from the
 * measured facts alone.
 */
import { describe, expect, it } from 'vitest';
import { portsCsv } from '@/lib/export/result-csv';
import type { CheckResult, DaneHost, DnssecLookup, DnssecResult } from '@/lib/probe/schema';
import { sayIn, translatorFor } from '@/lib/i18n/translator';
import { daneLine, dnssecLine } from '@/lib/report/dane-view';
import { policySummary } from '@/lib/report/policy-view';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';
import { parseCsv } from '@/tests/fixtures/rfc4180';

const MX1 = 'mx1.example.test';
const A = '192.0.2.10';
const L = (name: string, type: DnssecLookup['type'], status: DnssecLookup['status']): DnssecLookup => ({ name, type, status, rcode: status === 'bogus' ? 'SERVFAIL' : 'NOERROR', ms: 1 });
const dnssec = (mx: DnssecLookup['status'], validating = true): DnssecResult => ({
  validating,
  mx: L('example.test', 'MX', mx),
  hosts: [{ host: MX1, a: L(MX1, 'A', 'secure'), aaaa: L(MX1, 'AAAA', 'secure') }],
});
const host = (over: Partial<DaneHost> = {}): DaneHost => ({
  host: MX1,
  tlsa: L(`_25._tcp.${MX1}`, 'TLSA', 'secure'),
  records: [{ usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) }],
  addresses: [{ address: A, outcome: 'match', matches: [{ record: 0, depth: 0 }] }],
  ...over,
});

describe('DNSSEC and DANE status lines', () => {
  it('DNSSEC: bogus first, then "not validating", then secure or insecure', () => {
    expect(dnssecLine(dnssec('bogus'))).toMatchObject({ tone: 'critical', text: { key: 'policyDane.dnssecBogus', values: { name: 'example.test' } } });
    expect(dnssecLine(dnssec('insecure', false))).toMatchObject({ tone: 'untested', text: { key: 'policyDane.dnssecNotValidating' } });
    expect(dnssecLine(dnssec('insecure'))).toMatchObject({ tone: 'info', text: { key: 'policyDane.dnssecInsecure' } });
    expect(dnssecLine(dnssec('secure'))).toMatchObject({ tone: 'ok', text: { key: 'policyDane.dnssecSecure', values: { secure: 1, hosts: 1 } } });
  });

  it('DANE: a failing address is critical; unvalidated or unusable records are warnings; none is info', () => {
    expect(daneLine({ hosts: [host()] })).toMatchObject({ tone: 'ok', text: { key: 'policyDane.daneMatch', values: { hosts: 1 } } });
    expect(daneLine({ hosts: [host({ addresses: [{ address: A, outcome: 'mismatch', matches: [] }] })] })).toMatchObject({ tone: 'critical', text: { values: { count: 1 } } });
    expect(daneLine({ hosts: [host({ tlsa: L('x', 'TLSA', 'insecure'), addresses: [] })] }).text.key).toBe('policyDane.daneNotValidated');
    expect(daneLine({ hosts: [host({ records: [{ usage: 1, selector: 1, matchingType: 1, data: 'aa' }], addresses: [] })] }).text.key).toBe('policyDane.daneNoUsable');
    expect(daneLine({ hosts: [host({ records: [], addresses: [] })] })).toMatchObject({ tone: 'info', text: { key: 'policyDane.daneNone' } });
    expect(daneLine({ hosts: [host({ tlsa: L('x', 'TLSA', 'bogus'), records: [], addresses: [] })] }).text.key).toBe('policyDane.daneBogus');
  });

  it('reads in English and French with its values', () => {
    const line = daneLine({ hosts: [host({ addresses: [{ address: A, outcome: 'no-tls', matches: [] }] })] });
    expect(sayIn('en', line.text)).toBe('addresses that fail their TLSA records: 1; DANE senders will not deliver there');
    expect(sayIn('fr', line.text)).toBe('adresses qui ne correspondent pas à leurs TLSA : 1 ; les expéditeurs DANE n’y livreront pas');
    expect(policySummary({ dnssec: dnssec('secure'), dane: { hosts: [host()] } }, translatorFor('en'))).toBe(
      'DNSSEC: MX records signed and validated; 1 of 1 MX hosts with signed addresses · DANE: TLSA records match on every address of 1 MX hosts',
    );
    expect(policySummary(undefined, translatorFor('en'))).toBeUndefined();
  });
});

describe('CSV columns', () => {
  it('carry the DNSSEC codes per row, the host\'s TLSA records in full, and DANE on port 25 only', () => {
    const result: CheckResult = { ...SAMPLE_RESULT, policy: { dnssec: dnssec('secure'), dane: { hosts: [host()] } } };
    const [header, ...rows] = parseCsv(portsCsv(result));
    const col = (name: string) => header!.indexOf(name);
    const mine = rows.filter((r) => r[col('host')] === MX1 && r[col('address')] === A);
    expect(mine.length).toBeGreaterThan(1);
    for (const r of mine) {
      expect(r[col('dnssec_mx')]).toBe('secure');
      expect(r[col('dnssec_address')]).toBe('secure');
      expect(r[col('tlsa_status')]).toBe('secure');
      expect(r[col('tlsa_records')]).toBe(`3 1 1 ${'ab'.repeat(32)}`);
      expect(r[col('dane')]).toBe(r[col('port')] === '25' ? 'match' : '');
    }
  });
});

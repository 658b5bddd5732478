import { describe, expect, it } from 'vitest';
import type { DnsResult } from '@/lib/probe/schema';
import { explainMx } from '@/lib/report/dns-text';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const dns = (over: Partial<DnsResult>, status: DnsResult['mx']['status'] = 'ok'): DnsResult => ({
  ...SAMPLE_RESULT.dns,
  mx: { status, ms: 5, records: [] },
  hosts: [],
  ...over,
});

describe('explainMx', () => {
  it('counts explicit MX records', () => {
    expect(explainMx(SAMPLE_RESULT.dns, 'example.test')).toMatchObject({ title: '2 MX records', tone: 'good' });
  });

  it('explains implicit MX, null MX and host mode in plain words', () => {
    expect(explainMx(dns({ mxKind: 'implicit' }, 'nodata'), 'a.test')).toMatchObject({ tone: 'warn', title: expect.stringContaining('implicit MX') });
    expect(explainMx(dns({ mxKind: 'implicit' }, 'nodata'), 'a.test').body).toContain('RFC 5321');
    expect(explainMx(dns({ mxKind: 'null' }), 'a.test')).toMatchObject({ tone: 'note', body: expect.stringContaining('RFC 7505') });
    expect(explainMx(dns({ mxKind: 'host' }), 'smtp.a.test').body).toContain('smtp.a.test');
  });

  it('keeps "the domain does not exist" apart from "DNS is broken" and "DNS was slow"', () => {
    expect(explainMx(dns({ mxKind: 'none' }, 'nxdomain'), 'a.test')).toMatchObject({ title: 'The domain does not exist', tone: 'bad' });
    expect(explainMx(dns({ mxKind: 'none' }, 'servfail'), 'a.test')).toMatchObject({ title: 'DNS failed for this domain', tone: 'bad' });
    expect(explainMx(dns({ mxKind: 'none' }, 'servfail'), 'a.test').body).toContain('DNSSEC');
    expect(explainMx(dns({ mxKind: 'none' }, 'timeout'), 'a.test')).toMatchObject({ title: 'DNS did not answer in time', tone: 'muted' });
    expect(explainMx(dns({ mxKind: 'none' }, 'nodata'), 'a.test')).toMatchObject({ title: 'Nowhere to deliver', tone: 'bad' });
  });
});

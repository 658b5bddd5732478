import { describe, expect, it } from 'vitest';
import type { CheckResult } from '@/lib/probe/schema';
import { tableRows } from '@/lib/report/table-rows';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

describe('tableRows', () => {
  it('gives one row per host and address, in MX preference order, with a probe per port', () => {
    const rows = tableRows(SAMPLE_RESULT);
    expect(rows.map((r) => [r.host, r.address, r.family])).toEqual([
      ['mx1.example.test', '192.0.2.10', 4],
      ['mx1.example.test', '2001:db8::10', 6],
      ['mx2.example.test', '198.51.100.20', 4],
      ['mx2.example.test', '2001:db8:1::20', 6],
    ]);
    for (const r of rows) expect(Object.keys(r.probes).sort()).toEqual(['25', '2525', '465', '587']);
  });

  it('sorts by preference even when DNS listed hosts otherwise', () => {
    const dns = { ...SAMPLE_RESULT.dns, hosts: [...SAMPLE_RESULT.dns.hosts].reverse() };
    expect(tableRows({ dns, probes: [] }).map((r) => r.preference)).toEqual([10, 10, 20, 20]);
  });

  it('keeps a host without addresses as a row, and a probe DNS does not explain as its own row', () => {
    const result: Pick<CheckResult, 'dns' | 'probes'> = {
      dns: {
        ...SAMPLE_RESULT.dns,
        hosts: [{ name: 'mx0.example.test', preference: 5, a: { status: 'nodata', ms: 1 }, aaaa: { status: 'nodata', ms: 1 }, addresses: [] }],
      },
      probes: [SAMPLE_RESULT.probes[0]!],
    };
    const rows = tableRows(result);
    expect(rows.map((r) => [r.host, r.address])).toEqual([
      ['mx0.example.test', undefined],
      ['mx1.example.test', '192.0.2.10'],
    ]);
    expect(rows[1]!.probes[25]).toBe(SAMPLE_RESULT.probes[0]);
  });
});

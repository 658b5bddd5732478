import { describe, expect, it } from 'vitest';
import { PORTS } from '@/lib/probe/schema';
import { PORT_LEGEND, portLegend } from '@/lib/report/port-legend';

describe('port legend', () => {
  it('explains every probed port once, in port order', () => {
    expect(PORT_LEGEND.map((p) => p.port)).toEqual([...PORTS]);
  });

  it('follows the seed article: roles, RFCs, downgrade risk', () => {
    expect(portLegend(25)).toMatchObject({ role: 'relay', rfc: { id: 'RFC 5321' }, downgradeRisk: 'yes', authentication: 'None' });
    expect(portLegend(465)).toMatchObject({ role: 'submission', rfc: { id: 'RFC 8314' }, downgradeRisk: 'no' });
    expect(portLegend(587)).toMatchObject({ role: 'submission', rfc: { id: 'RFC 6409' }, downgradeRisk: 'yes' });
    expect(portLegend(2525)).toMatchObject({ role: 'submission-alt', rfc: null, downgradeRisk: 'yes' });
  });
});

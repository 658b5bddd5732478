import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PolicySection } from '@/components/report/policy-section';
import type { MtaSts, PolicyResult, TlsRpt } from '@/lib/probe/schema';
import { mtaStsLine as mtaStsFacts, policySummary, tlsRptLine as tlsRptFacts } from '@/lib/report/policy-view';
import { say } from '@/lib/i18n/msg';
import { translatorFor } from '@/lib/i18n/translator';
import { withIntl } from '@/tests/fixtures/intl';

const en = translatorFor('en');
/** The lines as an English reader sees them. */
const mtaStsLine = (m: MtaSts) => ({ ...mtaStsFacts(m), text: say(en, mtaStsFacts(m).text) });
const tlsRptLine = (t: TlsRpt) => ({ ...tlsRptFacts(t), text: say(en, tlsRptFacts(t).text) });

const lookup = { status: 'ok' as const, ms: 1 };
const enforced: MtaSts = {
  lookup,
  records: ['v=STSv1; id=abc'],
  id: 'abc',
  fetch: { url: 'https://mta-sts.example.test/.well-known/mta-sts.txt', address: '192.0.2.1', outcome: 'fetched', status: 200, contentType: 'text/plain', bytes: 80, tls: { trusted: true, hostnameMatch: true, names: [] }, ms: 20 },
  policy: { text: 'version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n', version: 'STSv1', mode: 'enforce', mx: ['mx.example.test'], maxAge: 86400, errors: [] },
};
const rpt: TlsRpt = { lookup, records: ['v=TLSRPTv1; rua=mailto:r@example.test'], rua: ['mailto:r@example.test'] };

describe('policy view', () => {
  it('reads an enforced policy as ok, testing as info, a redirect as a warning, a timeout as not tested', () => {
    expect(mtaStsLine(enforced)).toEqual({ label: 'MTA-STS', tone: 'ok', text: 'mode enforce, 1 mx pattern, max_age 86400 s' });
    expect(mtaStsLine({ ...enforced, policy: { ...enforced.policy!, mode: 'testing' } }).tone).toBe('info');
    expect(mtaStsLine({ ...enforced, fetch: { ...enforced.fetch!, outcome: 'redirect', status: 301 } })).toMatchObject({ tone: 'warning', text: 'policy not fetched: redirect (301)' });
    expect(mtaStsLine({ ...enforced, fetch: { ...enforced.fetch!, outcome: 'timeout' } }).tone).toBe('untested');
    expect(mtaStsLine({ lookup: { status: 'nxdomain', ms: 1 }, records: [], problem: 'none' })).toMatchObject({ tone: 'info', text: 'not published' });
    expect(tlsRptLine(rpt)).toMatchObject({ tone: 'ok', text: 'reports to mailto:r@example.test' });
  });

  it('summarises both pieces in one line for the widget and renders the Policy cards with the policy text', () => {
    const p: PolicyResult = { mtaSts: enforced, tlsRpt: rpt };
    expect(policySummary(p, en)).toBe('MTA-STS: mode enforce, 1 mx pattern, max_age 86400 s · TLS-RPT: reports to mailto:r@example.test');
    const html = renderToStaticMarkup(withIntl(createElement(PolicySection, { policy: p })));
    expect(html).toContain('MTA-STS');
    expect(html).toContain('mta-sts.example.test/.well-known/mta-sts.txt');
    expect(html).toContain('mode: enforce');
    expect(html).toContain('TLS-RPT');
    expect(policySummary(undefined, en)).toBeUndefined();
  });
});

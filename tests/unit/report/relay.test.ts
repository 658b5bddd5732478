import { describe, expect, it } from 'vitest';
import { formatReport } from '@/cli/format-report';
import { embedFromResult } from '@/lib/embed/embed-view';
import { portsCsv } from '@/lib/export/result-csv';
import type { CheckResult, RelayTest } from '@/lib/probe/schema';
import { describeRelay as describeRelayFacts, relayRows, relaySummary as relaySummaryFacts } from '@/lib/report/relay';
import { say } from '@/lib/i18n/msg';
import { translatorFor } from '@/lib/i18n/translator';

const en = translatorFor('en');
/** The relay words as an English reader sees them. */
const describeRelay = (r: RelayTest) => {
  const d = describeRelayFacts(r);
  return { ...d, label: say(en, d.label), detail: say(en, d.detail) };
};
const relaySummary = (r: Pick<CheckResult, 'probes'>) => {
  const s = relaySummaryFacts(r);
  return s && { ...s, text: say(en, s.text) };
};
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';
import { parseCsv } from '@/tests/fixtures/rfc4180';

const sender = 'relay-test@example.com';
const refused = (form: RelayTest['attempts'][number]['form'], recipient: string) => ({
  form,
  recipient,
  mailFrom: { code: 250, lines: ['2.1.0 Ok'] },
  rcpt: { code: 554, lines: ['5.7.1 Relay access denied'] },
  verdict: 'rejected' as const,
});
const OPEN_BYPASS: RelayTest = {
  status: 'open',
  reason: 'accepted',
  acceptedForm: 'percent-hack',
  tls: true,
  sender,
  attempts: [
    refused('plain', sender),
    { form: 'percent-hack', recipient: 'relay-test%example.com@example.org', mailFrom: { code: 250, lines: ['Ok'] }, rcpt: { code: 250, lines: ['2.1.5 Ok'] }, verdict: 'accepted' },
  ],
};
const GREYLISTED: RelayTest = {
  status: 'untested',
  reason: 'temporary',
  tls: false,
  sender,
  attempts: [{ ...refused('plain', sender), rcpt: { code: 451, lines: ['4.7.1 Greylisted'] }, verdict: 'temporary' }],
};

/** The sample result with a relay result on the first port 25 probe of each address. */
function withRelay(...relays: RelayTest[]): { result: CheckResult; addresses: string[] } {
  const result = structuredClone(SAMPLE_RESULT);
  const p25 = result.probes.filter((p) => p.port === 25);
  relays.forEach((r, i) => (p25[i]!.relay = r));
  return { result, addresses: p25.slice(0, relays.length).map((p) => p.address) };
}

describe('relay interpretation', () => {
  it('names the accepted bypass form and the recipient that got through', () => {
    expect(describeRelay(OPEN_BYPASS)).toMatchObject({
      meta: { tone: 'bad', icon: 'cross' },
      label: 'Open relay via percent hack',
      detail: 'accepted RCPT TO:<relay-test%example.com@example.org> (250 2.1.5 Ok) · inside TLS',
    });
  });

  it('greylisting reads "could not test" with the reply, never "closed"', () => {
    const d = describeRelay(GREYLISTED);
    expect(d.label).toBe('Could not test');
    expect(d.meta.tone).toBe('muted');
    expect(d.detail).toContain('451 4.7.1 Greylisted');
  });

  it('one row per address, and a summary that counts open addresses first', () => {
    const { result, addresses } = withRelay(OPEN_BYPASS, GREYLISTED);
    expect(relayRows(result).map((r) => [r.address, r.relay.status])).toEqual([
      [addresses[0], 'open'],
      [addresses[1], 'untested'],
    ]);
    expect(relaySummary(result)).toMatchObject({ text: 'Open relay on 1 of 2 MX addresses', meta: { tone: 'bad' } });
    expect(relaySummary(SAMPLE_RESULT)).toBeUndefined();
    const closed: RelayTest = { status: 'closed', reason: 'refused', tls: true, sender, attempts: [] };
    expect(relaySummary(withRelay(closed, closed).result)?.text).toBe('Not an open relay');
    expect(relaySummary(withRelay(closed, GREYLISTED).result)?.text).toBe('Not an open relay on 1 of 2 addresses; the rest could not be tested');
    expect(relaySummary(withRelay({ status: 'not-tested', reason: 'host-mode', tls: false, attempts: [] }).result)?.text).toBe(
      'Open relay not tested (single server)',
    );
  });

  it('the CLI prints a Relay line under each tested address', () => {
    const { result } = withRelay(OPEN_BYPASS, GREYLISTED);
    const text = formatReport(result, { color: false });
    expect(text).toContain('Relay Open relay via percent hack (accepted RCPT TO:<relay-test%example.com@example.org>');
    expect(text).toContain('Relay Could not test (temporary refusal (greylisting?): 451 4.7.1 Greylisted)');
  });

  it('the CSV carries the relay status on the port 25 record of the tested address only', () => {
    const { result, addresses } = withRelay(OPEN_BYPASS);
    const [header, ...rows] = parseCsv(portsCsv(result));
    const col = (name: string) => header!.indexOf(name);
    const filled = rows.filter((r) => r[col('relay')] !== '');
    expect(filled.map((r) => [r[col('address')], r[col('port')], r[col('relay')], r[col('relay_reason')], r[col('relay_accepted_form')]])).toEqual([
      [addresses[0], '25', 'open', 'accepted', 'percent-hack'],
    ]);
  });

  it('the widget shows the relay summary', () => {
    const { result } = withRelay(OPEN_BYPASS);
    const relay = embedFromResult('abc', result).relay!;
    expect({ ...relay, text: say(en, relay.text) }).toEqual({ text: 'Open relay on 1 of 1 MX address', tone: 'bad', icon: 'cross' });
    expect(say(translatorFor('fr'), relay.text)).toBe('Relais ouvert sur l’unique adresse MX');
    expect(embedFromResult('abc', SAMPLE_RESULT).relay).toBeUndefined();
  });
});

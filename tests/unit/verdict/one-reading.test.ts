/**
 * One reading of a probe everywhere: every outcome × port × mode goes through the engine's own
 * rules (evaluateFindings, summarize) and then through every reader of a result. The stored
 * summary's port line, the web table cell, the CSV row, the widget cell and the CLI line must
 * report the same status and the same reading. The expectations below pin what that status is.
 */
import { describe, expect, it } from 'vitest';
import { cellText, formatReport, STATUS_MARK } from '@/cli/format-report';
import { say } from '@/lib/i18n/msg';
import { translatorFor } from '@/lib/i18n/translator';

const en = translatorFor('en');
import { embedFromResult } from '@/lib/embed/embed-view';
import { portsCsv } from '@/lib/export/result-csv';
import { evaluateFindings } from '@/lib/probe/findings/evaluate';
import { summarize } from '@/lib/probe/findings/summarize';
import {
  CheckResultSchema,
  PORTS,
  ProbeOutcomeSchema,
  type CheckMode,
  type CheckResult,
  type Port,
  type PortProbe,
  type PortStatus,
  type ProbeOutcome,
} from '@/lib/probe/schema';
import { PORT_STATUS_META } from '@/lib/report/status';
import { readingLabel, statusLabel } from '@/lib/verdict/labels';
import { describeProbe } from '@/lib/verdict/probe-view';
import { parseCsv } from '@/tests/fixtures/rfc4180';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const HOST = 'mx.one.test';
const ADDRESS = '192.0.2.25';

const template = (port: Port) => SAMPLE_RESULT.probes.find((p) => p.address === '192.0.2.10' && p.port === (port === 465 ? 465 : 25))!;

interface Case {
  name: string;
  outcome: ProbeOutcome;
  /** what the probe looks like beyond its outcome */
  shape: (port: Port) => Partial<PortProbe>;
  /** the status every reader must show, per mode and port */
  expect: (mode: CheckMode, port: Port) => PortStatus;
}

const silent = { greeting: undefined, ehlo: undefined, ehloTls: undefined, tls: undefined, starttlsReply: undefined, encryption: 'unknown' as const };
const greeted = (code = 220) => ({ ...silent, greeting: { code, lines: [`${HOST} ESMTP`] } });
const port25OfDomain = (mode: CheckMode, port: Port) => mode === 'domain' && port === 25;

const CASES: Case[] = [
  { name: 'a clean session', outcome: 'success', shape: (port) => ({ ...template(port), phase: 'done' }), expect: (mode, port) => (mode === 'host' && port !== 25 && port !== 465 ? 'info' : 'ok') },
  { name: 'an address the policy refused', outcome: 'blocked-target', shape: () => ({ ...silent, phase: 'policy' }), expect: () => 'blocked' },
  { name: 'a refused connection', outcome: 'connection-refused', shape: () => ({ ...silent, phase: 'connect', systemError: 'ECONNREFUSED' }), expect: (m, p) => (port25OfDomain(m, p) ? 'critical' : 'closed') },
  { name: 'a connect timeout', outcome: 'connection-timeout', shape: () => ({ ...silent, phase: 'connect', systemError: 'ETIMEDOUT' }), expect: () => 'untested' },
  // The reported disagreement: an ICMP host-unreachable from the far side is an answer about the server.
  { name: 'host unreachable (EHOSTUNREACH, from a router)', outcome: 'unreachable', shape: () => ({ ...silent, phase: 'connect', systemError: 'EHOSTUNREACH' }), expect: (m, p) => (port25OfDomain(m, p) ? 'critical' : 'closed') },
  { name: 'no route from here (ENETUNREACH)', outcome: 'unreachable', shape: () => ({ ...silent, phase: 'connect', systemError: 'ENETUNREACH' }), expect: () => 'untested' },
  { name: 'a reset before the greeting', outcome: 'connection-reset', shape: () => ({ ...silent, phase: 'greeting', systemError: 'ECONNRESET' }), expect: (m, p) => (port25OfDomain(m, p) ? 'critical' : 'warning') },
  { name: 'silence after connecting', outcome: 'io-timeout', shape: () => ({ ...silent, phase: 'greeting', systemError: 'ETIMEDOUT' }), expect: () => 'untested' },
  { name: 'a stall after the greeting', outcome: 'io-timeout', shape: () => ({ ...greeted(), phase: 'ehlo', systemError: 'ETIMEDOUT' }), expect: () => 'warning' },
  { name: 'a 421 greeting', outcome: 'server-busy', shape: () => ({ ...greeted(421), phase: 'greeting' }), expect: () => 'untested' },
  { name: 'a 554 greeting', outcome: 'greeting-rejected', shape: () => ({ ...greeted(554), phase: 'greeting' }), expect: (m, p) => (port25OfDomain(m, p) ? 'critical' : 'warning') },
  { name: 'EHLO and HELO refused', outcome: 'command-rejected', shape: () => ({ ...greeted(), phase: 'ehlo' }), expect: () => 'warning' },
  { name: 'another protocol', outcome: 'not-smtp', shape: () => ({ ...silent, phase: 'greeting', foreignProtocol: 'HTTP' }), expect: (m, p) => (port25OfDomain(m, p) ? 'critical' : 'warning') },
  { name: 'TLS at once on a plain port', outcome: 'tls-on-plain-port', shape: () => ({ ...silent, phase: 'greeting' }), expect: () => 'warning' },
  { name: 'plain text on 465', outcome: 'plaintext-on-implicit-port', shape: () => ({ ...greeted(), phase: 'tls', encryption: 'none' as const }), expect: () => 'critical' },
  { name: 'STARTTLS refused', outcome: 'starttls-rejected', shape: () => ({ ...greeted(), phase: 'starttls', starttlsReply: { code: 454, lines: ['TLS not available'] } }), expect: () => 'critical' },
  { name: 'a failed TLS handshake', outcome: 'tls-handshake-failed', shape: () => ({ ...greeted(), phase: 'tls', errorMessage: 'no shared cipher' }), expect: () => 'critical' },
  { name: 'a reply flood', outcome: 'reply-too-large', shape: () => ({ ...greeted(), phase: 'ehlo', errorMessage: '64 KiB' }), expect: () => 'warning' },
  { name: 'garbled replies', outcome: 'protocol-error', shape: () => ({ ...greeted(), phase: 'ehlo', errorMessage: 'bad line' }), expect: () => 'warning' },
  { name: 'a cancelled probe', outcome: 'aborted', shape: () => ({ ...silent, phase: 'connect' }), expect: () => 'untested' },
];

function resultFor(c: Case, port: Port, mode: CheckMode): CheckResult {
  const probe: PortProbe = {
    ...template(port),
    ...c.shape(port),
    host: HOST,
    address: ADDRESS,
    family: 4,
    port,
    outcome: c.outcome,
  };
  const dns: CheckResult['dns'] = {
    mx: { status: 'ok', ms: 1, records: mode === 'domain' ? [{ exchange: HOST, preference: 10 }] : [] },
    mxKind: mode === 'domain' ? 'explicit' : 'host',
    servers: ['127.0.0.53'],
    hosts: [{ name: HOST, preference: mode === 'domain' ? 10 : undefined, a: { status: 'ok', ms: 1 }, aaaa: { status: 'nodata', ms: 1 }, addresses: [{ address: ADDRESS, family: 4, policy: { allowed: c.outcome !== 'blocked-target' } }] }],
  };
  const findings = evaluateFindings({ mode, domain: 'one.test', dns, probes: [probe] });
  return CheckResultSchema.parse({
    ...SAMPLE_RESULT,
    target: { input: 'one.test', mode, domain: 'one.test', displayDomain: 'one.test' },
    dns,
    probes: [probe],
    findings,
    summary: summarize({ mode, probes: [probe], findings, hosts: 1, addresses: 1 }),
    incomplete: false,
  });
}

describe('every probe outcome reads the same in every reader', () => {
  it('covers every outcome of the schema', () => {
    expect(new Set(CASES.map((c) => c.outcome))).toEqual(new Set(ProbeOutcomeSchema.options));
  });

  for (const c of CASES) {
    for (const mode of ['domain', 'host'] as const) {
      for (const port of PORTS) {
        it(`${c.name} on port ${port} (${mode} mode)`, () => {
          const result = resultFor(c, port, mode);
          const probe = result.probes[0]!;
          const status = c.expect(mode, port);
          const view = describeProbe(probe, result.findings);

          // The interpretation layer itself
          expect(view.status).toBe(status);
          // The summary stored in the result (the port cards)
          expect(result.summary.ports.find((s) => s.port === port)!.status).toBe(status);
          // The web table cell
          expect(view.headline).toBe(readingLabel(view.reading, 'cell'));
          expect(PORT_STATUS_META[view.status].label).toBe(statusLabel(status));
          // The CSV row
          const [header, ...rows] = parseCsv(portsCsv(result));
          const row = rows.find((r) => r[header!.indexOf('port')] === String(port))!;
          expect(row[header!.indexOf('status')]).toBe(status);
          expect(row[header!.indexOf('outcome')]).toBe(c.outcome);
          // The widget cell
          const cell = embedFromResult('x', result).hosts[0]!.cells.find((x) => x.port === port)!;
          expect(cell).toMatchObject({ icon: PORT_STATUS_META[status].icon, tone: PORT_STATUS_META[status].tone });
          // The widget's English words (messages/en.json labels.*) are the layer's own.
          expect(say(en, cell.text)).toBe(readingLabel(view.reading, 'short'));
          expect(say(en, cell.detail)).toContain(`(${statusLabel(status)})`);
          // The CLI line
          const cli = cellText(probe, result.findings);
          expect(cli.status).toBe(status);
          expect(cli.text.startsWith(`${STATUS_MARK[status]} ${readingLabel(view.reading, 'terse')}`)).toBe(true);
          const line = formatReport(result, { color: false }).split('\n').find((l) => l.trimStart().startsWith(ADDRESS))!;
          expect(line).toContain(cli.text);
        });
      }
    }
  }
});

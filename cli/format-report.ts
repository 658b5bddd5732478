/**
 * The terminal report: port table per host and address, certificates, findings with fixes and the
 * recommendation. Built from the interpretation layer's view models (lib/verdict) like the web
 * report; only the layout is the terminal's. Colour only when asked (TTY); every status also has a
 * word or mark. Everything a server or a DNS zone supplied passes through visibleText(), so no
 * control character from the outside reaches the terminal.
 */
import { policyLines } from '@/lib/report/policy-view';
import { tlsaText } from '@/lib/probe/dane/tlsa-record';
import { createColors } from 'picocolors';
import { relayRowFor } from '@/lib/report/relay';
import { localizedFindingText, localizedRecommendationText } from '@/lib/i18n/finding-text';
import { formatDateIn, formatMsIn } from '@/lib/i18n/format';
import type { Locale } from '@/lib/i18n/locales';
import { say, type Translate } from '@/lib/i18n/msg';
import { translatorFor } from '@/lib/i18n/translator';
import { cliWords } from './cli-words';
import { PORTS } from '@/lib/probe/ports';
import type { CheckResult, Finding, PortProbe, PortStatus, Severity, TlsVersionName } from '@/lib/probe/schema';
import { formatKey } from '@/lib/report/format';
import { groupFindings, type FindingLocation } from '@/lib/report/group-findings';
import { groupCertificates } from '@/lib/verdict/cert-groups';
import { verdictLabel } from '@/lib/verdict/labels';
import { describeProbe } from '@/lib/verdict/probe-view';
import { acceptedFamilies, matrixVersionLabel, untestedEntries, versionTone } from '@/lib/verdict/tls-matrix-view';
import { visibleText as v } from '@/lib/verdict/visible-text';

type Colors = ReturnType<typeof createColors>;

export function statusColor(c: Colors, s: PortStatus | Severity | 'untested'): (t: string) => string {
  switch (s) {
    case 'ok':
      return c.green;
    case 'info':
      return c.cyan;
    case 'warning':
      return c.yellow;
    case 'critical':
      return c.red;
    default:
      return c.dim;
  }
}

/** The terminal's marks for each status (the web shows icons). */
export const STATUS_MARK: Record<PortStatus, string> = {
  ok: '✔',
  info: '✔',
  warning: '▲',
  critical: '✖',
  untested: '?',
  closed: '–',
  blocked: '⊘',
};

/** One table cell: mark, the reading (what protected the session or how it ended), TLS version, AUTH. */
export function cellText(p: PortProbe, findings: readonly Finding[], t: Translate = translatorFor('en')): { text: string; status: PortStatus } {
  const view = describeProbe(p, findings);
  const parts: string[] = [STATUS_MARK[view.status], t(`labels.terse.${view.reading}`)];
  if (p.tls?.version && (view.reading === 'starttls' || view.reading === 'implicit-tls')) parts.push(p.tls.version.replace('TLSv', ''));
  if (p.outcome === 'success') {
    // 465 has no clear-text phase: its EHLO is inside TLS.
    const plainAuth = p.port === 465 ? [] : (p.ehlo?.auth ?? []);
    if (plainAuth.length > 0) parts.push(t('cli.authInClear'));
    else if ((p.ehloTls?.auth.length ?? 0) > 0) parts.push('AUTH');
  }
  return { text: parts.join(' '), status: view.status };
}

export function pad(s: string, n: number): string {
  // Count code points so the check marks do not shift columns.
  const len = [...s].length;
  return len >= n ? s : s + ' '.repeat(n - len);
}

function daysLeftText(t: Translate, days: number): string {
  if (days < 0) return t('cli.expiredAgo', { days: -days });
  return days === 0 ? t('cli.expiresToday') : t('cli.daysLeft', { days });
}

function certificateLines(c: Colors, result: CheckResult, words: Words, t: Translate, locale: Locale): string[] {
  const groups = groupCertificates(result.probes);
  if (groups.length === 0) return [];
  const out = ['', c.bold(words.certificates)];
  for (const g of groups) {
    const leaf = g.leaf;
    const reason = g.trustReason ? t(`cert.trustReason.${g.trustReason}`) : v(g.verifyError ?? '?');
    const trust = g.trusted ? c.green(t('cli.trusted')) : c.red(t('cli.untrusted', { reason }));
    const matches = Object.values(g.hostnameMatch);
    const mismatched = Object.entries(g.hostnameMatch).filter(([, m]) => m === false).map(([h]) => h);
    const match = mismatched.length > 0
      ? c.red(` ${t('cli.nameMismatch', { hosts: v(mismatched.join(', ')) })}`)
      : matches.length > 0 && matches.every((m) => m === true) ? c.green(` ${t('cli.nameMatches')}`) : '';
    const daysText = daysLeftText(t, leaf.daysLeft);
    const days = leaf.daysLeft < 0 ? c.red(daysText) : leaf.daysLeft <= 14 ? c.yellow(daysText) : daysText;
    out.push(`  ${v(g.hosts.join(', '))}: ${v(leaf.commonName ?? leaf.subject)}${c.dim(`  ${t('cli.ports', { ports: g.ports.join(', ') })}`)}`);
    out.push(c.dim(`    ${t('cli.issuer', { issuer: v(leaf.issuer) })} · ${formatKey(leaf.keyType, leaf.keyBits, leaf.curve)} · ${v(leaf.signatureAlgorithm)}`));
    out.push(`    ${t('cli.expires', { date: formatDateIn(locale, leaf.notAfter), days })} · ${trust}${match}`);
    out.push(c.dim(`    ${t('cli.sans', { names: v(leaf.subjectAltNames.join(', ')) || '—' })}`));
    out.push(c.dim(`    SHA-256 ${leaf.sha256}`));
  }
  return out;
}

function locationText(t: Translate, l: FindingLocation): string {
  return [l.host, l.address, l.port !== undefined ? t('report.findings.port', { port: l.port }) : undefined].filter(Boolean).join(' · ');
}

/** The findings block (of one result, or of a comparison of vantages), problems only. */
export function findingLines(c: Colors, findings: readonly Finding[], locale: Locale, t: Translate): string[] {
  const words = cliWords(locale);
  const out = ['', c.bold(words.findings)];
  const problems = groupFindings(findings, (code, params) => localizedFindingText(locale, code, params)).filter((g) => g.severity !== 'ok');
  if (problems.length === 0) out.push(c.green(`  ${words.noProblems}`));
  // The severity column is as wide as this language's longest word, plus a space.
  const sevWord = (s: Severity | 'untested') => (s === 'untested' ? t('cli.untested') : t(`cli.severity.${s}`));
  const width = Math.max(...(['ok', 'info', 'warning', 'critical', 'untested'] as const).map((s) => [...sevWord(s)].length)) + 1;
  const indent = ' '.repeat(width + 2);
  for (const group of problems) {
    for (const item of group.items) {
      const where = item.locations.map((l) => locationText(t, l)).join('; ');
      const sev = sevWord(item.untested ? 'untested' : item.severity);
      out.push(`  ${statusColor(c, item.untested ? 'untested' : item.severity)(pad(sev, width))}${v(item.title)}${where ? c.dim(`  [${v(where)}]`) : ''}`);
      if (item.explanation) out.push(`${indent}${v(item.explanation)}`);
      if (item.fix) out.push(c.dim(`${indent}${words.fix}${v(item.fix)}`));
    }
  }
  return out;
}

type Words = ReturnType<typeof cliWords>;

/** One line per port of this address that has a TLS matrix: versions accepted/refused, weak suites, not tested. */
function matrixLines(c: Colors, result: CheckResult, host: string, address: string, words: Words, indent: number): string[] {
  const out: string[] = [];
  for (const port of PORTS) {
    const m = result.probes.find((x) => x.host === host && x.address === address && x.port === port)?.tlsMatrix;
    if (!m) continue;
    const short = (v: TlsVersionName) => matrixVersionLabel(v).replace('TLS ', '');
    const versions = m.versions
      .filter((x) => x.status !== 'untested')
      .map((x) => {
        const tone = versionTone(x);
        const paint = tone === 'warn' ? c.yellow : tone === 'good' ? c.green : c.dim;
        return paint(`${short(x.version)}${x.status === 'accepted' ? '✔' : '✖'}`);
      });
    const weak = acceptedFamilies(m);
    const untested = untestedEntries(m).map((u) => `${words.tlsFamily[u.what] ?? u.what}${u.reason === 'local-openssl' ? '*' : ` (${words.tlsReason[u.reason] ?? u.reason})`}`);
    const parts = [
      versions.join(' '),
      `${words.tlsWeak}: ${weak.length ? c.red(weak.map((f) => words.tlsFamily[f] ?? f).join(', ')) : c.green(words.tlsNone)}`,
      ...(untested.length ? [c.dim(`${words.tlsNotTested}: ${untested.join(', ')}`)] : []),
    ];
    out.push(c.dim('  ' + pad('', indent)) + `${words.tlsPort.replace('{port}', String(port))}  ${parts.join(' · ')}`);
  }
  if (out.length > 0 && result.probes.some((p) => p.tlsMatrix && untestedEntries(p.tlsMatrix).some((u) => u.reason === 'local-openssl'))) {
    out.push(c.dim('  ' + pad('', indent) + `* ${words.tlsLocal}`));
  }
  return out;
}

export function formatReport(result: CheckResult, opts: { color: boolean; locale?: Locale }): string {
  const c = createColors(opts.color);
  const locale = opts.locale ?? 'en';
  const words = cliWords(locale);
  const tr = translatorFor(locale);
  const out: string[] = [];
  const t = result.target;
  const name = t.displayDomain !== t.domain ? `${t.displayDomain} (${t.domain})` : t.domain;
  out.push(c.bold(`mxray · ${v(name)}`) + c.dim(`  ${t.mode === 'host' ? tr('cli.oneServer') : tr('cli.domainMx')} · ${result.startedAt} · ${formatMsIn(locale, result.durationMs)}`));

  // DNS
  const dns = result.dns;
  const lookup = (status: string) => tr(`dns.lookup.${status}`);
  const mxLine =
    dns.mxKind === 'explicit'
      ? dns.mx.records.map((r) => `${r.preference} ${r.exchange}`).join(', ')
      : dns.mxKind === 'none'
        ? tr('cli.mx.unavailable', { status: lookup(dns.mx.status) })
        : tr(`cli.mx.${dns.mxKind}`);
  out.push('', `${c.bold('MX')}  ${v(mxLine)}`);

  for (const h of dns.hosts) {
    out.push('', c.bold(v(h.displayName ? `${h.displayName} (${h.name})` : h.name)) + (h.preference !== undefined ? c.dim(`  ${tr('cli.preference', { preference: h.preference })}`) : ''));
    if (h.addresses.length === 0) {
      out.push(c.red(`  ${tr('cli.noAddress', { a: lookup(h.a.status), aaaa: lookup(h.aaaa.status) })}`));
      continue;
    }
    const addrWidth = Math.max(16, ...h.addresses.map((a) => a.address.length + 2));
    out.push(c.dim('  ' + pad(tr('cli.address'), addrWidth) + PORTS.map((p) => pad(String(p), 24)).join('')));
    for (const a of h.addresses) {
      const cells = PORTS.map((port) => {
        const p = result.probes.find((x) => x.host === h.name && x.address === a.address && x.port === port);
        if (!p) return pad('', 24);
        const cell = cellText(p, result.findings, tr);
        // A long cell still keeps one space before the next column.
        return statusColor(c, cell.status)(pad(cell.text, 23)) + ' ';
      });
      out.push('  ' + pad(a.address, addrWidth) + cells.join(''));
      const ptr = a.ptr;
      if (ptr) {
        const ptrText =
          ptr.names.length === 0
            ? c.yellow(ptr.lookup.status === 'ok' ? tr('cli.ptrNone') : tr('cli.ptrStatus', { status: lookup(ptr.lookup.status) }))
            : `PTR ${v(ptr.names.join(', '))} ${ptr.forwardConfirmed ? c.green(tr('cli.forwardConfirmed')) : c.yellow(tr('cli.notForwardConfirmed'))}`;
        out.push(c.dim('  ' + pad('', addrWidth)) + ptrText);
      }
      out.push(...matrixLines(c, result, h.name, a.address, words, addrWidth));
      const relay = relayRowFor(result, a.address);
      if (relay) {
        const tone = relay.meta.tone === 'bad' ? c.red : relay.meta.tone === 'good' ? c.green : c.dim;
        // The deciding reply inside the detail is the server's text: made visible like the rest.
        out.push(c.dim('  ' + pad('', addrWidth)) + `${tr('cli.relay')} ${tone(say(tr, relay.label))} ${c.dim(`(${v(say(tr, relay.detail))})`)}`);
      }
    }
  }

  out.push(...certificateLines(c, result, words, tr, locale));
  const policy = policyLines(result.policy);
  if (policy.length > 0) {
    out.push('', c.bold(tr('cli.policy')));
    const tint = { ok: c.green, info: (x: string) => x, warning: c.yellow, critical: c.red, untested: c.dim };
    // Policy text comes from the domain's DNS and web server: control characters made visible too.
    for (const l of policy) out.push(`  ${tr('policy.summaryItem', { label: l.label, text: tint[l.tone](v(say(tr, l.text))) })}`);
    // The DANE table: per MX host its TLSA records, per address how port 25 matched them.
    for (const h of result.policy?.dane?.hosts ?? []) {
      if (h.records.length === 0) continue;
      out.push(`    ${v(h.host)}  TLSA ${tr(`policyDane.statusWord.${h.tlsa.status}`)}: ${v(h.records.map(tlsaText).join(', '))}`);
      for (const a of h.addresses) {
        const tone = a.outcome === 'match' ? c.green : a.outcome === 'untested' ? c.dim : c.red;
        out.push(`      ${v(a.address)}  ${tone(tr(`policyDane.outcome.${a.outcome}`))}${a.taProblem ? c.dim(` (${tr(`policyDane.taProblem.${a.taProblem}`)})`) : ''}`);
      }
    }
  }
  out.push(...findingLines(c, result.findings, locale, tr));

  const rec = result.summary.recommendation;
  out.push('', c.bold(words.whichPort));
  out.push(`  ${pad(tr('cli.label', { label: words.mailClient }), 14)}${rec.mailClient.port ?? '—'}  ${c.dim(localizedRecommendationText(locale, rec.mailClient.reason))}`);
  out.push(`  ${pad(tr('cli.label', { label: words.application }), 14)}${rec.application.port ?? '—'}  ${c.dim(localizedRecommendationText(locale, rec.application.reason))}`);

  const verdict = result.summary.verdict;
  out.push('', `${c.bold(tr('cli.verdict'))}  ${statusColor(c, verdict)(words.verdict(verdict))}${locale === 'en' ? c.dim(`  ${verdictLabel(verdict)}`) : ''}${result.incomplete ? c.yellow(`  ${tr('cli.incomplete')}`) : ''}`);
  return out.join('\n') + '\n';
}

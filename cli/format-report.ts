/**
 * The terminal report: port table per host and address, certificates, findings with fixes and the
 * recommendation. Built from the interpretation layer's view models (lib/verdict) like the web
 * report; only the layout is the terminal's. Colour only when asked (TTY); every status also has a
 * word or mark. Everything a server or a DNS zone supplied passes through visibleText(), so no
 * control character from the outside reaches the terminal.
 */
import { policyLines } from '@/lib/report/policy-view';
import { daneLines } from '@/lib/report/dane-view';
import { daneLineText } from '@/lib/report/dane-text';
import { tlsaText } from '@/lib/probe/dane/tlsa-record';
import { uiMessages } from '@/lib/i18n/messages';
import { createColors } from 'picocolors';
import { relayRowFor } from '@/lib/report/relay';
import { localizedFindingText, localizedRecommendationText } from '@/lib/i18n/finding-text';
import type { Locale } from '@/lib/i18n/locales';
import { cliWords } from './cli-words';
import { PORTS, type CheckResult, type Finding, type PortProbe, type PortStatus, type Severity } from '@/lib/probe/schema';
import { formatDaysLeft, formatKey } from '@/lib/report/format';
import { formatLocation, groupFindings } from '@/lib/report/group-findings';
import { groupCertificates } from '@/lib/verdict/cert-groups';
import { verdictLabel } from '@/lib/verdict/labels';
import { describeProbe } from '@/lib/verdict/probe-view';
import { visibleText as v } from '@/lib/verdict/visible-text';

type Colors = ReturnType<typeof createColors>;

function statusColor(c: Colors, s: PortStatus | Severity | 'untested'): (t: string) => string {
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
export function cellText(p: PortProbe, findings: readonly Finding[]): { text: string; status: PortStatus } {
  const view = describeProbe(p, findings);
  const parts: string[] = [STATUS_MARK[view.status], view.terse];
  if (p.tls?.version && (view.reading === 'starttls' || view.reading === 'implicit-tls')) parts.push(p.tls.version.replace('TLSv', ''));
  if (p.outcome === 'success') {
    // 465 has no clear-text phase: its EHLO is inside TLS.
    const plainAuth = p.port === 465 ? [] : (p.ehlo?.auth ?? []);
    if (plainAuth.length > 0) parts.push('AUTH-in-clear');
    else if ((p.ehloTls?.auth.length ?? 0) > 0) parts.push('AUTH');
  }
  return { text: parts.join(' '), status: view.status };
}

function pad(s: string, n: number): string {
  // Count code points so the check marks do not shift columns.
  const len = [...s].length;
  return len >= n ? s : s + ' '.repeat(n - len);
}

function certificateLines(c: Colors, result: CheckResult, words: Words): string[] {
  const groups = groupCertificates(result.probes);
  if (groups.length === 0) return [];
  const out = ['', c.bold(words.certificates)];
  for (const g of groups) {
    const leaf = g.leaf;
    const trust = g.trusted ? c.green('✔ trusted') : c.red(`✖ untrusted (${v(g.trustReason ?? g.verifyError ?? '?')})`);
    const matches = Object.values(g.hostnameMatch);
    const mismatched = Object.entries(g.hostnameMatch).filter(([, m]) => m === false).map(([h]) => h);
    const match = mismatched.length > 0
      ? c.red(` ✖ name mismatch (${v(mismatched.join(', '))})`)
      : matches.length > 0 && matches.every((m) => m === true) ? c.green(' ✔ name matches') : '';
    const daysText = formatDaysLeft(leaf.daysLeft).toLowerCase();
    const days = leaf.daysLeft < 0 ? c.red(daysText) : leaf.daysLeft <= 14 ? c.yellow(daysText) : daysText;
    out.push(`  ${v(g.hosts.join(', '))}: ${v(leaf.commonName ?? leaf.subject)}${c.dim(`  ports ${g.ports.join(', ')}`)}`);
    out.push(c.dim(`    issuer ${v(leaf.issuer)} · ${formatKey(leaf.keyType, leaf.keyBits, leaf.curve)} · ${v(leaf.signatureAlgorithm)}`));
    out.push(`    expires ${leaf.notAfter.slice(0, 10)} (${days}) · ${trust}${match}`);
    out.push(c.dim(`    SANs ${v(leaf.subjectAltNames.join(', ')) || '—'}`));
    out.push(c.dim(`    SHA-256 ${leaf.sha256}`));
  }
  return out;
}

function findingLines(c: Colors, result: CheckResult, words: Words, locale: Locale): string[] {
  const out = ['', c.bold(words.findings)];
  const problems = groupFindings(result.findings, (code, params) => localizedFindingText(locale, code, params)).filter((g) => g.severity !== 'ok');
  if (problems.length === 0) out.push(c.green(`  ${words.noProblems}`));
  for (const group of problems) {
    for (const item of group.items) {
      const where = item.locations.map(formatLocation).join('; ');
      const sev = item.untested ? 'UNTESTED' : item.severity.toUpperCase();
      out.push(`  ${statusColor(c, item.untested ? 'untested' : item.severity)(pad(sev, 9))}${v(item.title)}${where ? c.dim(`  [${v(where)}]`) : ''}`);
      if (item.explanation) out.push(`           ${v(item.explanation)}`);
      if (item.fix) out.push(c.dim(`           ${words.fix}${v(item.fix)}`));
    }
  }
  return out;
}

type Words = ReturnType<typeof cliWords>;

export function formatReport(result: CheckResult, opts: { color: boolean; locale?: Locale }): string {
  const c = createColors(opts.color);
  const locale = opts.locale ?? 'en';
  const words = cliWords(locale);
  const out: string[] = [];
  const t = result.target;
  const name = t.displayDomain !== t.domain ? `${t.displayDomain} (${t.domain})` : t.domain;
  out.push(c.bold(`mxray · ${v(name)}`) + c.dim(`  ${t.mode === 'host' ? 'one server' : 'domain MX'} · ${result.startedAt} · ${result.durationMs < 1000 ? `${result.durationMs} ms` : `${(result.durationMs / 1000).toFixed(1)} s`}`));

  // DNS
  const dns = result.dns;
  const mxLine =
    dns.mxKind === 'explicit'
      ? dns.mx.records.map((r) => `${r.preference} ${r.exchange}`).join(', ')
      : dns.mxKind === 'implicit'
        ? 'none — implicit MX (the domain’s own address)'
        : dns.mxKind === 'null'
          ? 'null MX — this domain accepts no mail'
          : dns.mxKind === 'host'
            ? 'not consulted (one server)'
            : `unavailable (${dns.mx.status})`;
  out.push('', `${c.bold('MX')}  ${v(mxLine)}`);

  for (const h of dns.hosts) {
    out.push('', c.bold(v(h.displayName ? `${h.displayName} (${h.name})` : h.name)) + (h.preference !== undefined ? c.dim(`  preference ${h.preference}`) : ''));
    if (h.addresses.length === 0) {
      out.push(c.red(`  no address (A ${h.a.status}, AAAA ${h.aaaa.status})`));
      continue;
    }
    const addrWidth = Math.max(16, ...h.addresses.map((a) => a.address.length + 2));
    out.push(c.dim('  ' + pad('address', addrWidth) + PORTS.map((p) => pad(String(p), 24)).join('')));
    for (const a of h.addresses) {
      const cells = PORTS.map((port) => {
        const p = result.probes.find((x) => x.host === h.name && x.address === a.address && x.port === port);
        if (!p) return pad('', 24);
        const cell = cellText(p, result.findings);
        return statusColor(c, cell.status)(pad(cell.text, 24));
      });
      out.push('  ' + pad(a.address, addrWidth) + cells.join(''));
      const ptr = a.ptr;
      if (ptr) {
        const ptrText =
          ptr.names.length === 0
            ? c.yellow(`PTR ${ptr.lookup.status === 'ok' ? 'none' : ptr.lookup.status}`)
            : `PTR ${v(ptr.names.join(', '))} ${ptr.forwardConfirmed ? c.green('✔ forward-confirmed') : c.yellow('▲ not forward-confirmed')}`;
        out.push(c.dim('  ' + pad('', addrWidth)) + ptrText);
      }
      const relay = relayRowFor(result, a.address);
      if (relay) {
        const tone = relay.meta.tone === 'bad' ? c.red : relay.meta.tone === 'good' ? c.green : c.dim;
        out.push(c.dim('  ' + pad('', addrWidth)) + `Relay ${tone(relay.label)} ${c.dim(`(${relay.detail})`)}`);
      }
    }
  }

  out.push(...certificateLines(c, result, words));
  const policy = policyLines(result.policy);
  const dane = daneLines(result.policy);
  if (policy.length > 0 || dane.length > 0) {
    out.push('', c.bold('Policy'));
    const tint = { ok: c.green, info: (x: string) => x, warning: c.yellow, critical: c.red, untested: c.dim };
    // Policy text comes from the domain's DNS and web server: control characters made visible too.
    for (const l of policy) out.push(`  ${l.label}: ${tint[l.tone](v(l.text))}`);
    for (const l of dane) out.push(`  ${l.label}: ${tint[l.tone](v(daneLineText(l, locale)))}`);
    // The DANE table: per MX host its TLSA records, per address how port 25 matched them.
    const t = uiMessages(locale).policyDane;
    for (const h of result.policy?.dane?.hosts ?? []) {
      if (h.records.length === 0) continue;
      out.push(`    ${v(h.host)}  TLSA ${t.statusWord[h.tlsa.status]}: ${v(h.records.map(tlsaText).join(', '))}`);
      for (const a of h.addresses) {
        const tone = a.outcome === 'match' ? c.green : a.outcome === 'untested' ? c.dim : c.red;
        out.push(`      ${v(a.address)}  ${tone(t.outcome[a.outcome])}${a.taProblem ? c.dim(` (${t.taProblem[a.taProblem]})`) : ''}`);
      }
    }
  }
  out.push(...findingLines(c, result, words, locale));

  const rec = result.summary.recommendation;
  out.push('', c.bold(words.whichPort));
  out.push(`  ${pad(`${words.mailClient}:`, 14)}${rec.mailClient.port ?? '—'}  ${c.dim(localizedRecommendationText(locale, rec.mailClient.reason))}`);
  out.push(`  ${pad(`${words.application}:`, 14)}${rec.application.port ?? '—'}  ${c.dim(localizedRecommendationText(locale, rec.application.reason))}`);

  const verdict = result.summary.verdict;
  out.push('', `${c.bold('Verdict')}  ${statusColor(c, verdict)(words.verdict(verdict))}${locale === 'en' ? c.dim(`  ${verdictLabel(verdict)}`) : ''}${result.incomplete ? c.yellow('  (incomplete: time budget ran out)') : ''}`);
  return out.join('\n') + '\n';
}

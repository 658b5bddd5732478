/**
 * The terminal report: port table per host and address, certificates, findings with fixes and the
 * recommendation. Colour only when asked (TTY); every status also has a word.
 */
import { createColors } from 'picocolors';
import { localizedFindingText, localizedRecommendationText } from '@/lib/i18n/finding-text';
import type { Locale } from '@/lib/i18n/locales';
import { cliWords } from './cli-words';
import { daysSinceExpiry } from '@/lib/probe/findings/evaluate';
import { probeStatus } from '@/lib/probe/findings/summarize';
import { PORTS, type CheckResult, type Finding, type PortProbe, type PortStatus, type Severity } from '@/lib/probe/schema';

type Colors = ReturnType<typeof createColors>;

const ENC_LABEL = { starttls: 'STARTTLS', 'implicit-tls': 'TLS', none: 'plain', unknown: '?' } as const;

const OUTCOME_LABEL: Partial<Record<PortProbe['outcome'], string>> = {
  'blocked-target': 'blocked',
  'connection-refused': 'refused',
  'connection-timeout': 'timeout',
  unreachable: 'unreachable',
  'connection-reset': 'reset',
  'io-timeout': 'timeout',
  'server-busy': 'busy',
  'greeting-rejected': 'rejected',
  'command-rejected': 'EHLO refused',
  'not-smtp': 'not SMTP',
  'tls-on-plain-port': 'TLS-first',
  'plaintext-on-implicit-port': 'plaintext',
  'starttls-rejected': 'STARTTLS refused',
  'tls-handshake-failed': 'TLS failed',
  'reply-too-large': 'flood',
  'protocol-error': 'bad replies',
  aborted: 'aborted',
};

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

const STATUS_MARK: Record<PortStatus, string> = {
  ok: '✔',
  info: '✔',
  warning: '▲',
  critical: '✖',
  untested: '?',
  closed: '–',
  blocked: '⊘',
};

/** One table cell: mark, what answered and how it was protected. */
export function cellText(p: PortProbe, findings: readonly Finding[]): { text: string; status: PortStatus } {
  const status = probeStatus(p, findings);
  const parts: string[] = [STATUS_MARK[status]];
  const label = OUTCOME_LABEL[p.outcome];
  if (label) parts.push(label);
  else {
    parts.push(ENC_LABEL[p.encryption]);
    if (p.tls?.version) parts.push(p.tls.version.replace('TLSv', ''));
  }
  const plainAuth = p.port === 465 ? [] : (p.ehlo?.auth ?? []);
  if (p.outcome === 'success' || label === undefined) {
    if (plainAuth.length > 0) parts.push('AUTH-in-clear');
    else if ((p.ehloTls?.auth.length ?? 0) > 0) parts.push('AUTH');
  }
  return { text: parts.join(' '), status };
}

function pad(s: string, n: number): string {
  // Count code points so the check marks do not shift columns.
  const len = [...s].length;
  return len >= n ? s : s + ' '.repeat(n - len);
}

export function formatReport(result: CheckResult, opts: { color: boolean; locale?: Locale }): string {
  const c = createColors(opts.color);
  const locale = opts.locale ?? 'en';
  const words = cliWords(locale);
  const out: string[] = [];
  const t = result.target;
  const name = t.displayDomain !== t.domain ? `${t.displayDomain} (${t.domain})` : t.domain;
  out.push(c.bold(`mxray · ${name}`) + c.dim(`  ${t.mode === 'host' ? 'one server' : 'domain MX'} · ${result.startedAt} · ${result.durationMs < 1000 ? `${result.durationMs} ms` : `${(result.durationMs / 1000).toFixed(1)} s`}`));

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
  out.push('', `${c.bold('MX')}  ${mxLine}`);

  for (const h of dns.hosts) {
    out.push('', c.bold(h.displayName ? `${h.displayName} (${h.name})` : h.name) + (h.preference !== undefined ? c.dim(`  preference ${h.preference}`) : ''));
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
            : `PTR ${ptr.names.join(', ')} ${ptr.forwardConfirmed ? c.green('✔ forward-confirmed') : c.yellow('▲ not forward-confirmed')}`;
        out.push(c.dim('  ' + pad('', addrWidth)) + ptrText);
      }
    }
  }

  // Certificates: one line per distinct leaf.
  const seen = new Map<string, PortProbe>();
  for (const p of result.probes) {
    const leaf = p.tls?.chain[0];
    if (leaf && !seen.has(`${p.host}|${leaf.sha256}`)) seen.set(`${p.host}|${leaf.sha256}`, p);
  }
  if (seen.size > 0) {
    out.push('', c.bold(words.certificates));
    for (const p of seen.values()) {
      const tls = p.tls!;
      const leaf = tls.chain[0]!;
      const trust = tls.trusted ? c.green('✔ trusted') : c.red(`✖ untrusted (${tls.trustReason ?? tls.verifyError ?? '?'})`);
      const match = tls.hostnameMatch === null ? '' : tls.hostnameMatch ? c.green(' ✔ name matches') : c.red(' ✖ name mismatch');
      const days = leaf.daysLeft < 0 ? c.red(daysSinceExpiry(leaf.daysLeft) === 0 ? 'expired today' : `expired ${daysSinceExpiry(leaf.daysLeft)} days ago`) : leaf.daysLeft <= 14 ? c.yellow(`${leaf.daysLeft} days left`) : `${leaf.daysLeft} days left`;
      const key = `${leaf.keyType.toUpperCase()}${leaf.keyBits ? ' ' + leaf.keyBits : ''}${leaf.curve ? ' ' + leaf.curve : ''}`;
      out.push(`  ${p.host}: ${leaf.commonName ?? leaf.subject}`);
      out.push(c.dim(`    issuer ${leaf.issuer} · ${key} · ${leaf.signatureAlgorithm}`));
      out.push(`    expires ${leaf.notAfter.slice(0, 10)} (${days}) · ${trust}${match}`);
      out.push(c.dim(`    SANs ${leaf.subjectAltNames.join(', ') || '—'}`));
      out.push(c.dim(`    SHA-256 ${leaf.sha256}`));
    }
  }

  // Findings, worst first, grouped by code and severity.
  const order: Severity[] = ['critical', 'warning', 'info', 'ok'];
  const groups = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const k = `${f.severity}|${f.code}|${JSON.stringify(f.params ?? {})}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const sorted = [...groups.values()].sort((a, b) => order.indexOf(a[0]!.severity) - order.indexOf(b[0]!.severity));
  const problems = sorted.filter((g) => g[0]!.severity !== 'ok');
  out.push('', c.bold(words.findings));
  if (problems.length === 0) out.push(c.green(`  ${words.noProblems}`));
  for (const g of problems) {
    const f = g[0]!;
    const text = localizedFindingText(locale, f.code, f.params);
    const where = g
      .map((x) => [x.host, x.address, x.port].filter((v) => v !== undefined).join(' '))
      .filter(Boolean)
      .join('; ');
    const sev = f.untested ? 'UNTESTED' : f.severity.toUpperCase();
    out.push(`  ${statusColor(c, f.untested ? 'untested' : f.severity)(pad(sev, 9))}${text.title}${where ? c.dim(`  [${where}]`) : ''}`);
    if (text.explanation) out.push(`           ${text.explanation}`);
    if (text.fix) out.push(c.dim(`           ${words.fix}${text.fix}`));
  }

  const rec = result.summary.recommendation;
  out.push('', c.bold(words.whichPort));
  out.push(`  ${pad(`${words.mailClient}:`, 14)}${rec.mailClient.port ?? '—'}  ${c.dim(localizedRecommendationText(locale, rec.mailClient.reason))}`);
  out.push(`  ${pad(`${words.application}:`, 14)}${rec.application.port ?? '—'}  ${c.dim(localizedRecommendationText(locale, rec.application.reason))}`);

  const v = result.summary.verdict;
  out.push('', `${c.bold('Verdict')}  ${statusColor(c, v)(words.verdict(v))}${result.incomplete ? c.yellow('  (incomplete: time budget ran out)') : ''}`);
  return out.join('\n') + '\n';
}

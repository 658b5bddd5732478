/**
 * The finding rules: pure functions from what was measured (DNS facts and port probes) to coded
 * findings. No I/O, no text: the catalogue holds the words.
 */
import type { CheckMode, DnsResult, Finding, Port, PortProbe, Severity } from '../schema';
import { addressesUnknown } from '../dns/address-lookup';
import { FINDINGS, type FindingCode } from './catalogue';
// The "could not test" rule is the interpretation layer's, so findings and every reader agree.
import { answered, isUntestedOutcome, noRouteFromHere } from '@/lib/verdict/probe-status';
import { evaluateRelay } from './relay-findings';

/** RFC 8996 deprecates TLS 1.0 and 1.1; anything older is worse still. */
const DEPRECATED_TLS = new Set(['TLSv1', 'TLSv1.1', 'SSLv3', 'SSLv2']);
/** NIST SP 800-57 Part 1 and BSI TR-02102-2: RSA keys below 2048 bits are not acceptable. */
const MIN_RSA_BITS = 2048;
/** Renewal should happen well before the end; 14 days leaves time to react (issue #2). */
const EXPIRY_WARNING_DAYS = 14;
/** Greetings slower than this are worth a note (issue #2); postscreen pauses ~6 s on purpose. */
const SLOW_GREETING_MS = 5_000;

const SUBMISSION_PORTS: readonly Port[] = [465, 587, 2525];

/**
 * Whole days since a certificate expired. daysLeft is floored, so a certificate that expired 10 days
 * and an hour ago has daysLeft -11: the whole days since are one fewer (0 = expired today).
 */
export function daysSinceExpiry(daysLeft: number): number {
  return Math.max(0, -daysLeft - 1);
}

type Params = Record<string, string | number | boolean>;

function finding(
  code: FindingCode,
  where: { scope: Finding['scope']; host?: string; address?: string; port?: Port },
  params?: Params,
  severity?: Severity,
): Finding {
  const def = FINDINGS[code];
  return {
    code,
    severity: severity ?? def.severity,
    untested: 'untested' in def ? def.untested : false,
    ...where,
    ...(params ? { params } : {}),
  };
}

const where = (p: PortProbe) => ({ scope: 'port' as const, host: p.host, address: p.address, port: p.port });

function replyText(lines: readonly string[] | undefined): string {
  return (lines ?? []).join(' ').slice(0, 160);
}

/** The 4xx that made a port "busy": the greeting's, or a later one's (EHLO, HELO) kept in smtpCode. */
function busyReply(p: PortProbe): { code: number; text: string } {
  if (p.smtpCode !== undefined) return { code: p.smtpCode, text: (p.errorMessage ?? '').slice(0, 160) };
  return { code: p.greeting?.code ?? 421, text: replyText(p.greeting?.lines) };
}

function tlsFindings(p: PortProbe): Finding[] {
  const tls = p.tls;
  if (!tls) return [];
  const out: Finding[] = [];
  const submission = p.port !== 25;
  const leaf = tls.chain[0];
  if (tls.version && DEPRECATED_TLS.has(tls.version)) {
    out.push(finding('tls.deprecated-version', where(p), { port: p.port, version: tls.version }, submission ? 'critical' : 'warning'));
  }
  if (leaf) {
    const common = { host: p.host, notAfter: leaf.notAfter.slice(0, 10), notBefore: leaf.notBefore.slice(0, 10) };
    if (leaf.daysLeft < 0 || tls.trustReason === 'expired') {
      out.push(finding('cert.expired', where(p), { ...common, days: daysSinceExpiry(leaf.daysLeft) }));
    } else if (tls.trustReason === 'not-yet-valid') {
      out.push(finding('cert.not-yet-valid', where(p), common));
    } else if (leaf.daysLeft <= EXPIRY_WARNING_DAYS) {
      out.push(finding('cert.expiring-soon', where(p), { ...common, days: leaf.daysLeft }));
    }
    if (leaf.keyType === 'rsa' && leaf.keyBits !== undefined && leaf.keyBits < MIN_RSA_BITS) {
      out.push(finding('cert.weak-key', where(p), { bits: leaf.keyBits }));
    }
  }
  // Expiry has its own finding; "untrusted" covers the other reasons.
  if (!tls.trusted && tls.trustReason !== 'expired' && tls.trustReason !== 'not-yet-valid') {
    // Relays deliver opportunistically and rarely verify; submission clients always do.
    out.push(
      finding('cert.untrusted', where(p), { host: p.host, reason: tls.trustReason ?? tls.verifyError ?? 'unknown' }, submission ? 'critical' : 'warning'),
    );
  }
  if (tls.hostnameMatch === false) {
    const names = leaf?.subjectAltNames.map((n) => n.replace(/^DNS:/, '')).join(', ') || leaf?.commonName || 'no names';
    out.push(finding('cert.hostname-mismatch', where(p), { host: p.host, names }, submission ? 'critical' : 'warning'));
  }
  if (out.length === 0 && tls.trusted && tls.hostnameMatch !== false) {
    out.push(finding('tls.ok', where(p), { port: p.port, version: tls.version ?? 'TLS', host: p.host }));
  }
  return out;
}

/** Findings for one port probe. */
export function evaluateProbe(p: PortProbe, mode: CheckMode): Finding[] {
  const out: Finding[] = [];
  const submission = SUBMISSION_PORTS.includes(p.port);
  switch (p.outcome) {
    case 'blocked-target':
      return []; // reported once per address by evaluateDns
    case 'connection-refused':
    case 'unreachable':
      if (noRouteFromHere(p)) {
        out.push(finding('port.no-route', where(p), { port: p.port, address: p.address, code: p.systemError ?? 'unreachable' }));
        return out;
      }
      if (p.port === 25 && mode === 'domain') {
        out.push(finding('port25.unreachable', where(p), { address: p.address, reason: p.outcome.replace('connection-', '') }));
      }
      return out;
    // The cases that return early still report a handshake that happened first (implicit TLS on
    // 465, or STARTTLS before a 421): its certificate was measured, whatever came after.
    case 'connection-timeout':
    case 'aborted':
      out.push(finding('port.timeout', where(p), { port: p.port }), ...tlsFindings(p));
      return out;
    case 'io-timeout':
      if (!answered(p)) {
        out.push(finding('port.timeout', where(p), { port: p.port }));
        return out;
      }
      // It answered, then went silent (a stalled STARTTLS handshake, an EHLO never answered).
      out.push(finding('port.stalled', where(p), { port: p.port, phase: p.phase }));
      break;
    case 'server-busy':
      out.push(finding('port.busy', where(p), busyReply(p)), ...tlsFindings(p));
      return out;
    case 'greeting-rejected':
      out.push(
        finding('port.greeting-rejected', where(p), { code: p.greeting?.code ?? 554, text: replyText(p.greeting?.lines) }, p.port === 25 && mode === 'domain' ? 'critical' : 'warning'),
        ...tlsFindings(p),
      );
      return out;
    case 'command-rejected':
      out.push(finding('port.command-rejected', where(p)));
      break;
    case 'not-smtp':
      out.push(finding('port.not-smtp', where(p), { port: p.port, protocol: p.foreignProtocol ?? 'another protocol' }, p.port === 25 && mode === 'domain' ? 'critical' : 'warning'), ...tlsFindings(p));
      return out;
    case 'reply-too-large':
      out.push(finding('port.reply-too-large', where(p), { limit: p.errorMessage ?? 'our size limit' }));
      break;
    case 'protocol-error':
      out.push(finding('port.protocol-error', where(p), { detail: p.errorMessage ?? 'unexpected reply' }));
      break;
    case 'connection-reset':
      if (!answered(p) && p.port === 25 && mode === 'domain') {
        out.push(finding('port25.unreachable', where(p), { address: p.address, reason: 'reset' }));
        return out;
      }
      out.push(finding('port.connection-reset', where(p), { phase: p.phase }));
      break;
    case 'tls-on-plain-port':
      out.push(finding('port.tls-on-plain-port', where(p), { port: p.port }));
      break;
    case 'plaintext-on-implicit-port':
      out.push(finding('port465.not-implicit-tls', where(p)));
      break;
    case 'starttls-rejected':
      out.push(
        finding('starttls.rejected', where(p), { code: p.starttlsReply?.code ?? 0, text: replyText(p.starttlsReply?.lines) }),
      );
      break;
    case 'tls-handshake-failed':
      out.push(finding('tls.handshake-failed', where(p), { port: p.port, reason: p.errorMessage ?? p.systemError ?? 'unknown error' }));
      break;
    case 'success':
      break;
  }

  if (p.timings.greetingMs !== undefined && p.timings.greetingMs > SLOW_GREETING_MS) {
    out.push(finding('greeting.slow', where(p), { seconds: Math.round(p.timings.greetingMs / 100) / 10 }));
  }

  const plainEhlo = p.port === 465 && p.outcome !== 'plaintext-on-implicit-port' ? undefined : p.ehlo;
  if (plainEhlo && plainEhlo.auth.length > 0) {
    out.push(finding('auth.before-tls', where(p), { port: p.port, mechanisms: plainEhlo.auth.join(' ') }));
  }
  if (plainEhlo && !plainEhlo.starttls && p.port !== 465) {
    if (p.port === 25) out.push(finding('port25.no-starttls', where(p)));
    else out.push(finding('submission.no-starttls', where(p), { port: p.port }));
  }
  out.push(...tlsFindings(p));

  if (submission && p.outcome === 'success' && p.tls) {
    const afterTls = p.ehloTls ?? p.ehlo;
    if (afterTls && afterTls.auth.length === 0 && mode === 'host') {
      out.push(finding('submission.no-auth', where(p), { port: p.port }));
    }
  }
  return out;
}

/** Findings from DNS alone (domain, host and address scope). */
export function evaluateDns(dns: DnsResult, domain: string): Finding[] {
  const out: Finding[] = [];
  const dom = { scope: 'domain' as const };
  if (dns.mxKind === 'null') return [finding('mx.null', dom)];
  if (dns.mxKind === 'none') {
    const s = dns.mx.status;
    if (s === 'nxdomain') out.push(finding('dns.nxdomain', dom, { domain }));
    else if (s === 'servfail') out.push(finding('dns.servfail', dom, { domain }));
    else if (s === 'timeout') out.push(finding('dns.timeout', dom));
    else if (s === 'ok' || s === 'nodata') out.push(finding('mx.none', dom));
    else out.push(finding('dns.error', dom, { errorCode: dns.mx.errorCode ?? s }));
    return out;
  }
  if (dns.mxKind === 'implicit') out.push(finding('mx.implicit', dom));
  for (const h of dns.hosts) {
    if (h.addresses.length === 0) {
      const code = addressesUnknown(h) ? 'mx.address-lookup-failed' : 'mx.no-address';
      out.push(finding(code, { scope: 'host', host: h.name }, { host: h.name }));
    }
    for (const a of h.addresses) {
      const at = { scope: 'address' as const, host: h.name, address: a.address };
      if (!a.policy.allowed) {
        out.push(finding('address.blocked-target', at, { address: a.address, range: a.policy.range ?? 'special-purpose' }));
      }
      if (a.ptr && a.ptr.lookup.status === 'ok' && a.ptr.names.length > 0) {
        if (a.ptr.forwardConfirmed === false) {
          out.push(finding('ptr.not-forward-confirmed', at, { address: a.address, ptr: a.ptr.names.join(', ') }));
        }
      } else if (a.ptr && (a.ptr.lookup.status === 'nxdomain' || a.ptr.lookup.status === 'nodata' || a.ptr.lookup.status === 'ok')) {
        out.push(finding('ptr.missing', at, { address: a.address }));
      }
    }
  }
  return out;
}

/** Findings about the domain as a whole, once every probe is in. */
export function evaluateDomain(dns: DnsResult, probes: readonly PortProbe[], mode: CheckMode): Finding[] {
  const dom = { scope: 'domain' as const };
  if (dns.hosts.length === 0) return [];
  if (mode === 'domain') {
    const p25 = probes.filter((p) => p.port === 25);
    const reached = p25.some((p) => answered(p) && p.outcome !== 'server-busy' && p.outcome !== 'greeting-rejected');
    if (!reached) {
      const definitive = p25.some((p) => !isUntestedOutcome(p));
      const anyAddress = dns.hosts.some((h) => h.addresses.length > 0);
      if (definitive || (!anyAddress && !dns.hosts.some(addressesUnknown))) return [finding('mx.all-unreachable', dom)];
      return [finding('mx.untested', dom)];
    }
    return [];
  }
  const sub = probes.filter((p) => SUBMISSION_PORTS.includes(p.port));
  if (sub.length > 0 && !sub.some(answered) && sub.some((p) => !isUntestedOutcome(p))) {
    return [finding('submission.unavailable', dom)];
  }
  return [];
}

export function evaluateFindings(input: {
  mode: CheckMode;
  domain: string;
  dns: DnsResult;
  probes: readonly PortProbe[];
}): Finding[] {
  return [
    ...evaluateDns(input.dns, input.domain),
    ...evaluateDomain(input.dns, input.probes, input.mode),
    ...input.probes.flatMap((p) => evaluateProbe(p, input.mode)),
    ...evaluateRelay(input.probes),
  ];
}

/** Some hosts or addresses were over the per-check caps and were not probed. */
export function truncatedFinding(skipped: number, limits: { maxHosts: number; maxAddressesPerHost: number }): Finding {
  return finding('check.truncated', { scope: 'domain' }, { skipped, maxHosts: limits.maxHosts, maxAddresses: limits.maxAddressesPerHost });
}

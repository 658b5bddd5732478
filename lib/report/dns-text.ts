/**
 * Plain-words readings of the DNS part of a result: what kind of MX setup the domain has and, when
 * a lookup failed, what that failure means (so "no such domain" never reads as "server down").
 */
import type { DnsResult, DnsStatus } from '@/lib/probe/schema';
import type { Tone } from './status';

export interface DnsExplanation {
  title: string;
  body: string;
  tone: Tone;
}

export const LOOKUP_STATUS_TEXT: Record<DnsStatus, string> = {
  ok: 'answered',
  nxdomain: 'no such name (NXDOMAIN)',
  nodata: 'no record of this type',
  servfail: 'server failure (SERVFAIL)',
  refused: 'query refused',
  timeout: 'timed out',
  error: 'lookup error',
};

function failure(status: DnsStatus, domain: string): DnsExplanation | null {
  switch (status) {
    case 'nxdomain':
      return {
        title: 'The domain does not exist',
        body: `DNS answered NXDOMAIN for ${domain}: the name is not registered or its zone is not published. No mail can be delivered to it, so nothing was tested. Check the spelling.`,
        tone: 'bad',
      };
    case 'servfail':
      return {
        title: 'DNS failed for this domain',
        body: `The resolver answered SERVFAIL: it could not get an answer from ${domain}'s name servers. Common causes are a broken delegation, name servers that do not answer, or a DNSSEC signature that fails to validate. Senders hit the same wall, so mail to this domain is probably failing now.`,
        tone: 'bad',
      };
    case 'timeout':
      return {
        title: 'DNS did not answer in time',
        body: `The MX lookup for ${domain} timed out. This says nothing about the mail servers yet: it may be temporary, or the domain's name servers may be unreachable. Try again in a minute.`,
        tone: 'muted',
      };
    case 'refused':
      return {
        title: 'DNS refused the query',
        body: 'The resolver refused to answer. This is usually a problem on the resolver side, not the domain: try again later.',
        tone: 'muted',
      };
    case 'error':
      return {
        title: 'DNS lookup failed',
        body: 'The MX lookup failed with an unexpected error, so nothing could be tested. Try again later.',
        tone: 'muted',
      };
    default:
      return null;
  }
}

export function explainMx(dns: DnsResult, domain: string): DnsExplanation {
  const failed = failure(dns.mx.status, domain);
  switch (dns.mxKind) {
    case 'explicit': {
      const n = dns.mx.records.length;
      return {
        title: `${n} MX record${n === 1 ? '' : 's'}`,
        body: `Senders deliver mail for ${domain} to ${n === 1 ? 'this server' : 'these servers'}, trying the lowest preference number first.`,
        tone: 'good',
      };
    }
    case 'implicit':
      return {
        title: 'No MX records: implicit MX',
        body: `${domain} publishes no MX record, so senders fall back to the domain's own A/AAAA address (RFC 5321 §5.1) and deliver there. That works, but is rarely intended: publish explicit MX records, or a null MX if the domain should receive no mail.`,
        tone: 'warn',
      };
    case 'null':
      return {
        title: 'Null MX: this domain receives no mail',
        body: `${domain} publishes "MX 0 ." (RFC 7505), which declares on purpose that it accepts no email. Senders reject mail to it at once instead of retrying for days. Nothing was probed.`,
        tone: 'note',
      };
    case 'host':
      return {
        title: 'Host mode: one server tested',
        body: `MX records were not consulted. mxray tested ${domain} itself, as you would configure it in a mail client or application.`,
        tone: 'note',
      };
    case 'none':
      return (
        failed ?? {
          title: 'Nowhere to deliver',
          body: `${domain} has no MX record and no address of its own, so there is no server to deliver mail to.`,
          tone: 'bad',
        }
      );
  }
}

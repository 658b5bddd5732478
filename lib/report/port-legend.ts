/**
 * What each SMTP port is for, in plain words. One source for the home page's explanation and the
 * result table's legend row, so the two never disagree. Content follows the seed article
 * "Les ports SMTP expliqués : 25, 465, 587, 2525" (CaptainDNS, 2026), translated and checked
 * against the RFCs it cites.
 */
import type { Port } from '@/lib/probe/schema';

export interface PortLegend {
  port: Port;
  /** short name for a table header */
  name: string;
  role: 'relay' | 'submission' | 'submission-alt';
  /** one line: who talks to this port */
  roleText: string;
  /** the defining standard, or null when none defines it */
  rfc: { id: string; url: string } | null;
  /** encryption the standard expects on this port */
  encryption: string;
  authentication: string;
  /** can a network attacker strip the encryption? */
  downgradeRisk: 'yes' | 'no';
  downgradeText: string;
  recommendedUse: string;
  /** a longer paragraph for the home page */
  details: string;
}

export const PORT_LEGEND: readonly PortLegend[] = [
  {
    port: 25,
    name: 'SMTP relay',
    role: 'relay',
    roleText: 'Server to server: other mail servers deliver to your MX here.',
    rfc: { id: 'RFC 5321', url: 'https://www.rfc-editor.org/rfc/rfc5321' },
    encryption: 'STARTTLS, optional',
    authentication: 'None',
    downgradeRisk: 'yes',
    downgradeText: 'Yes: the session starts in clear text, so an attacker can remove the STARTTLS offer.',
    recommendedUse: 'MX servers only. Never from a mail client or an application.',
    details:
      'The original SMTP port. A sending server looks up your MX records and connects here without ' +
      'logging in, which is why most ISPs and cloud providers block outgoing port 25 from homes and ' +
      'virtual machines: it is the spam route of compromised computers. Offer STARTTLS with a valid ' +
      'certificate; MTA-STS can make senders insist on it.',
  },
  {
    port: 465,
    name: 'Submission, implicit TLS',
    role: 'submission',
    roleText: 'Mail clients and applications send their outgoing mail here.',
    rfc: { id: 'RFC 8314', url: 'https://www.rfc-editor.org/rfc/rfc8314' },
    encryption: 'Implicit TLS, from the first byte',
    authentication: 'Required (SMTP AUTH)',
    downgradeRisk: 'no',
    downgradeText: 'No: there is no clear-text phase to tamper with.',
    recommendedUse: 'First choice for mail clients; good for applications.',
    details:
      'Assigned to "SMTPS" in 1997, withdrawn a year later in favour of STARTTLS, and rehabilitated ' +
      'by RFC 8314 in 2018, which prefers it for submission. TLS starts before any SMTP is spoken, ' +
      'like HTTPS on port 443, so a client that cannot do TLS simply fails instead of falling back ' +
      'to clear text.',
  },
  {
    port: 587,
    name: 'Submission, STARTTLS',
    role: 'submission',
    roleText: 'Mail clients and applications send their outgoing mail here.',
    rfc: { id: 'RFC 6409', url: 'https://www.rfc-editor.org/rfc/rfc6409' },
    encryption: 'STARTTLS, required',
    authentication: 'Required (SMTP AUTH)',
    downgradeRisk: 'yes',
    downgradeText: 'Yes: an attacker can remove the STARTTLS line unless the client insists on TLS.',
    recommendedUse: 'First choice for applications; fine for mail clients when 465 is not offered.',
    details:
      'The standard message submission port. The session begins in clear text: EHLO, then STARTTLS, ' +
      'then the login inside TLS. A server that also accepts AUTH before STARTTLS invites clients ' +
      'to send passwords in clear text, and a client that does not require TLS can be downgraded.',
  },
  {
    port: 2525,
    name: 'Submission, alternative',
    role: 'submission-alt',
    roleText: 'Unofficial fallback for submission when 587 is blocked.',
    rfc: null,
    encryption: 'Usually STARTTLS',
    authentication: 'Required (SMTP AUTH)',
    downgradeRisk: 'yes',
    downgradeText: 'Yes, as on 587: STARTTLS can be stripped.',
    recommendedUse: 'Last resort, when 587 and 465 are unreachable from your network.',
    details:
      'Not in any RFC and not assigned by IANA for SMTP: a convention of transactional mail ' +
      'providers (SendGrid, Mailgun, Postmark, Brevo) for networks whose firewalls block the ' +
      'standard ports. It usually behaves exactly like 587.',
  },
];

export function portLegend(port: Port): PortLegend {
  const legend = PORT_LEGEND.find((p) => p.port === port);
  // PORT_LEGEND covers every member of PORTS; this only guards against a future schema change.
  if (!legend) throw new Error(`no legend for port ${port}`);
  return legend;
}

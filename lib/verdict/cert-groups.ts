/**
 * Certificates grouped by leaf fingerprint: four MX addresses on three TLS ports usually show one
 * or two certificates, and the reader wants each once, with where it was seen.
 */
import type { Certificate, Port, PortProbe, TlsInfo } from '@/lib/probe/schema';

export interface CertEndpoint {
  host: string;
  address: string;
  port: Port;
  hostnameMatch: boolean | null;
}

export interface CertGroup {
  sha256: string;
  leaf: Certificate;
  /** chain as presented on the first endpoint, leaf first */
  chain: Certificate[];
  trusted: boolean;
  trustReason?: TlsInfo['trustReason'];
  verifyError?: string;
  /** distinct host names, in probe order */
  hosts: string[];
  /** distinct ports, ascending */
  ports: Port[];
  endpoints: CertEndpoint[];
  /** per host: does the leaf match it? null when unknown; false wins over true across endpoints */
  hostnameMatch: Record<string, boolean | null>;
  /** endpoints disagree on trust (e.g. one sends the intermediate, another does not) */
  mixedTrust: boolean;
}

export function groupCertificates(probes: readonly PortProbe[]): CertGroup[] {
  const groups = new Map<string, CertGroup>();
  for (const p of probes) {
    const tls = p.tls;
    const leaf = tls?.chain[0];
    if (!tls || !leaf) continue;
    let g = groups.get(leaf.sha256);
    if (!g) {
      g = {
        sha256: leaf.sha256,
        leaf,
        chain: tls.chain,
        trusted: tls.trusted,
        trustReason: tls.trustReason,
        verifyError: tls.verifyError,
        hosts: [],
        ports: [],
        endpoints: [],
        hostnameMatch: {},
        mixedTrust: false,
      };
      groups.set(leaf.sha256, g);
    } else if (g.trusted !== tls.trusted) {
      g.mixedTrust = true;
      // Show the failing side: a chain that fails somewhere is the one to fix.
      if (!tls.trusted) {
        g.trusted = false;
        g.trustReason = tls.trustReason;
        g.verifyError = tls.verifyError;
        g.chain = tls.chain;
      }
    }
    if (!g.hosts.includes(p.host)) g.hosts.push(p.host);
    if (!g.ports.includes(p.port)) g.ports.push(p.port);
    g.endpoints.push({ host: p.host, address: p.address, port: p.port, hostnameMatch: tls.hostnameMatch });
    const prev = g.hostnameMatch[p.host];
    g.hostnameMatch[p.host] = prev === false || tls.hostnameMatch === false ? false : (tls.hostnameMatch ?? prev ?? null);
  }
  for (const g of groups.values()) g.ports.sort((a, b) => a - b);
  return [...groups.values()];
}

/** Share of the validity period elapsed at `atIso`, clamped to [0, 1]. */
export function validityElapsed(cert: Pick<Certificate, 'notBefore' | 'notAfter'>, atIso: string): number {
  const from = Date.parse(cert.notBefore);
  const to = Date.parse(cert.notAfter);
  const at = Date.parse(atIso);
  if (!(to > from) || Number.isNaN(at)) return 1;
  return Math.min(1, Math.max(0, (at - from) / (to - from)));
}

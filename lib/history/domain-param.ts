/**
 * A domain from a URL path segment (/domain/<domain>, /api/domains/<domain>/…): percent-decoded
 * and normalised like user input, special-use names (.test) accepted since history only reads.
 */
import { normalizeDomain } from '@/lib/probe/domain-name';

export function domainFromParam(param: string): { ascii: string; unicode: string } | null {
  let text: string;
  try {
    text = decodeURIComponent(param);
  } catch {
    return null;
  }
  const d = normalizeDomain(text, { allowSpecialUse: true });
  return d.ok ? { ascii: d.ascii, unicode: d.unicode } : null;
}

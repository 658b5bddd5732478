/**
 * Findings merged for reading: the same code with the same wording on eight addresses is one
 * item with eight locations, not eight paragraphs. Grouped by severity, worst first.
 */
import type { Finding, Port, Severity } from '@/lib/probe/schema';
import { findingText, type FindingCode } from '@/lib/probe/findings/catalogue';
import { SEVERITY_ORDER } from '@/lib/verdict/severity';

export interface FindingLocation {
  host?: string;
  address?: string;
  port?: Port;
}

export interface FindingItem {
  code: FindingCode;
  severity: Severity;
  untested: boolean;
  title: string;
  explanation: string;
  fix: string;
  locations: FindingLocation[];
}

export interface FindingGroup {
  severity: Severity;
  items: FindingItem[];
}

/** `wordsFor` words each finding (the catalogue's English by default; the page's language in the UI). */
export function groupFindings(findings: readonly Finding[], wordsFor: typeof findingText = findingText): FindingGroup[] {
  const items = new Map<string, FindingItem>();
  for (const f of findings) {
    const text = wordsFor(f.code, f.params);
    const key = JSON.stringify([f.severity, f.code, f.untested, text.title, text.explanation, text.fix]);
    let item = items.get(key);
    if (!item) {
      item = {
        code: f.code,
        severity: f.severity,
        untested: f.untested,
        ...text,
        locations: [],
      };
      items.set(key, item);
    }
    if (f.host !== undefined || f.address !== undefined || f.port !== undefined) {
      item.locations.push({ host: f.host, address: f.address, port: f.port });
    }
  }
  return SEVERITY_ORDER.map((severity) => ({
    severity,
    items: [...items.values()].filter((i) => i.severity === severity),
  })).filter((g) => g.items.length > 0);
}

/** "mx1.example.test 192.0.2.10 port 587" */
export function formatLocation(l: FindingLocation): string {
  return [l.host, l.address, l.port !== undefined ? `port ${l.port}` : undefined].filter(Boolean).join(' · ');
}

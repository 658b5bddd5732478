/**
 * EHLO capabilities before and after TLS side by side: what a server adds once encrypted (AUTH,
 * usually) or only offers in clear (STARTTLS itself, and sometimes AUTH, which is the problem).
 */
import type { Capability } from '@/lib/probe/schema';

export interface CapabilityRow {
  keyword: string;
  /** params as announced, null when this stage did not announce the keyword */
  before: string[] | null;
  after: string[] | null;
}

/** Union of keywords in first-seen order (before-TLS list first). Undefined stages count as empty. */
export function compareCapabilities(before: readonly Capability[] | undefined, after: readonly Capability[] | undefined): CapabilityRow[] {
  const rows = new Map<string, CapabilityRow>();
  for (const c of before ?? []) if (!rows.has(c.keyword)) rows.set(c.keyword, { keyword: c.keyword, before: c.params, after: null });
  for (const c of after ?? []) {
    const row = rows.get(c.keyword);
    if (row) row.after ??= c.params;
    else rows.set(c.keyword, { keyword: c.keyword, before: null, after: c.params });
  }
  return [...rows.values()];
}

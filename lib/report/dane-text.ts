/**
 * DNSSEC and DANE status lines in words, outside React (CLI, CSV, widget model): the same messages
 * as the web report (messages/<locale>.json, `policyDane`), with simple {name} values.
 */
import { uiMessages } from '@/lib/i18n/messages';
import type { Locale } from '@/lib/i18n/locales';
import { daneLines, type DaneLine } from './dane-view';
import type { PolicyResult } from '@/lib/probe/schema';

export function daneLineText(line: DaneLine, locale: Locale): string {
  const template: string = uiMessages(locale).policyDane[line.key];
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in line.params ? String(line.params[k]) : m));
}

/** "DNSSEC: … · DANE: …" for one-line summaries (widget, CLI header); undefined without either. */
export function daneSummary(p: PolicyResult | undefined, locale: Locale): string | undefined {
  const lines = daneLines(p);
  if (lines.length === 0) return undefined;
  return lines.map((l) => `${l.label}: ${daneLineText(l, locale)}`).join(' · ');
}

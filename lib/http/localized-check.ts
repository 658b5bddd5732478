/**
 * Words for the findings of GET /api/checks/:id, in the language the request asks for. Codes and
 * params stay the stable, language-free data; when a client asks for a language (`?lang=` or an
 * Accept-Language naming one mxray speaks) each finding also gets its title, explanation and fix,
 * rendered by the same function the report and the CLI use (lib/i18n/finding-text.ts). Without a
 * language request nothing is added, so existing clients get the body they always got; the stored
 * result is never touched (this builds a new object for the response only).
 */
import { localizedFindingText } from '@/lib/i18n/finding-text';
import { LOCALES, localeFromTag, negotiateLocale, type Locale } from '@/lib/i18n/locales';
import type { CheckResult } from '@/lib/probe/schema';
import type { LocalizedFinding } from './api-schemas';
import { problem } from './problem';

export type FindingLanguage = { ok: true; locale: Locale | null } | { ok: false; response: Response };

/**
 * The language a request asks findings in: an explicit `?lang=` (a tag of a supported language,
 * "fr" or "fr-CA"; anything else is a 400, like every other unusable query parameter), else the best
 * supported language of Accept-Language, else none (null: answer without words). An
 * Accept-Language naming no supported language ("de", "*") is not a request for one of ours.
 */
export function findingLanguage(request: Request): FindingLanguage {
  const lang = new URL(request.url).searchParams.get('lang');
  if (lang !== null) {
    const locale = localeFromTag(lang);
    if (!locale) {
      return {
        ok: false,
        response: problem('invalid_input', `lang must be one of ${LOCALES.join(', ')}`, { details: { lang, supported: [...LOCALES] } }),
      };
    }
    return { ok: true, locale };
  }
  return { ok: true, locale: negotiateLocale(request.headers.get('accept-language')) };
}

/** A copy of the result whose findings carry their words in this language. */
export function withFindingText(result: CheckResult, locale: Locale): Omit<CheckResult, 'findings'> & { findings: LocalizedFinding[] } {
  return {
    ...result,
    findings: result.findings.map((f) => ({ ...f, ...localizedFindingText(locale, f.code, f.params) })),
  };
}

/**
 * API error messages in the caller's language. Codes stay the stable English identifiers; only
 * `message` follows `?lang=` or Accept-Language (lib/i18n/locales.ts requestLocale). English
 * answers keep the handlers' own, more specific messages; other languages get the message of the
 * error code, or of the reason when the API names one (domain-name validation, the run-now cooldown).
 */
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';
import { requestLocale, type Locale } from '@/lib/i18n/locales';
import { ApiErrorSchema } from './api-schemas';

const API_TEXT: Record<Locale, typeof en.api> = { en: en.api, fr: fr.api };

export async function localizeError(request: Request, response: Response): Promise<Response> {
  if (response.status < 400 || !response.headers.get('content-type')?.includes('application/json')) return response;
  const locale = requestLocale(request.url, request.headers);
  if (locale === 'en') return response;
  const parsed = ApiErrorSchema.safeParse(await response.clone().json().catch(() => null));
  if (!parsed.success) return response;
  const { error } = parsed.data;
  const text = API_TEXT[locale];
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  const message =
    (typeof reason === 'string' && ((text.domain as Record<string, string>)[reason] || (text.reasons as Record<string, string>)[reason])) ||
    (text.errors as Record<string, string>)[error.code] || error.message;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('Content-Language', locale);
  return new Response(JSON.stringify({ error: { ...error, message } }), { status: response.status, headers });
}

/** Wraps a route handler so its error responses follow the caller's language. */
export function withLocalizedErrors<Rest extends unknown[]>(
  handler: (request: Request, ...rest: Rest) => Promise<Response>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  return async (request, ...rest) => localizeError(request, await handler(request, ...rest));
}

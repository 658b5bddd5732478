/**
 * API error messages in the caller's language. Codes stay the stable English identifiers; only
 * `message` follows `?lang=` or Accept-Language (lib/i18n/locales.ts requestLocale). English
 * answers keep the handlers' own, more specific messages; other languages get the message of the
 * error code, or of the reason when the API names one (domain-name validation, the run-now cooldown).
 */
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';
import { localeOfRequest, requestLocale, type Locale } from '@/lib/i18n/locales';
import { ApiErrorSchema, type ApiError } from './api-schemas';
import { isStreamReply, queryParam, type CoreRequest, type Reply } from './reply';

const API_TEXT: Record<Locale, typeof en.api> = { en: en.api, fr: fr.api };

/** The error in this language (the code's or the reason's message), or the English one as it is. */
function localizedError(error: ApiError['error'], locale: Locale): ApiError['error'] {
  const text = API_TEXT[locale];
  const reason = (error.details as { reason?: unknown } | undefined)?.reason;
  const message =
    (typeof reason === 'string' && ((text.domain as Record<string, string>)[reason] || (text.reasons as Record<string, string>)[reason])) ||
    (text.errors as Record<string, string>)[error.code] || error.message;
  return { ...error, message };
}

export async function localizeError(request: Request, response: Response): Promise<Response> {
  if (response.status < 400 || !response.headers.get('content-type')?.includes('application/json')) return response;
  const locale = requestLocale(request.url, request.headers);
  if (locale === 'en') return response;
  const parsed = ApiErrorSchema.safeParse(await response.clone().json().catch(() => null));
  if (!parsed.success) return response;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('Content-Language', locale);
  return new Response(JSON.stringify({ error: localizedError(parsed.data.error, locale) }), { status: response.status, headers });
}

/** Wraps a route handler so its error responses follow the caller's language. */
export function withLocalizedErrors<Rest extends unknown[]>(
  handler: (request: Request, ...rest: Rest) => Promise<Response>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  return async (request, ...rest) => localizeError(request, await handler(request, ...rest));
}

/**
 * localizeError on a reply: the error object is there already, nothing to clone or parse. The
 * locale is asked for only when the reply is an error (most answers are not).
 */
export function localizeReply(request: CoreRequest, reply: Reply): Reply {
  if (reply.status < 400 || isStreamReply(reply)) return reply;
  const body = reply.body as Partial<ApiError> | undefined;
  if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') return reply;
  const locale = localeOfRequest(queryParam(request.search, 'lang'), request.header('accept-language'));
  if (locale === 'en') return reply;
  return { status: reply.status, headers: { ...reply.headers, 'Content-Language': locale }, body: { error: localizedError(body.error, locale) } };
}

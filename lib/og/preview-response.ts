/**
 * Preview image responses: finished checks rendered once and cached (in memory and by HTTP, as
 * immutable), anything still moving rendered each time and never cached.
 */
import type { Locale } from '@/lib/i18n/locales';
import type { CheckResult } from '@/lib/probe/schema';
import { previewCache } from './preview-cache';
import { pendingModel, previewModel } from './preview-model';
import { renderPreview } from './render-preview';

const IMMUTABLE = 'public, max-age=31536000, immutable';

export async function donePreview(checkId: string, result: CheckResult, cacheControl = IMMUTABLE, locale: Locale = 'en'): Promise<Response> {
  // One image per check and language.
  const key = locale === 'en' ? checkId : `${checkId}|${locale}`;
  let png = previewCache.get(key);
  if (!png) {
    png = await renderPreview(previewModel(result, locale), {}).arrayBuffer();
    previewCache.set(key, png);
  }
  return new Response(png, { headers: { 'Content-Type': 'image/png', 'Cache-Control': cacheControl, 'X-Check-Id': checkId } });
}

export function pendingPreview(domain: string, note: 'checking' | 'interrupted' | 'noCheck', locale: Locale = 'en'): Response {
  return renderPreview(pendingModel(domain, note, locale), { 'Cache-Control': 'no-store' });
}

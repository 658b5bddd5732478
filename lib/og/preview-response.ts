/**
 * Preview image responses: finished checks rendered once and cached (in memory and by HTTP, as
 * immutable), anything still moving rendered each time and never cached.
 */
import type { CheckResult } from '@/lib/probe/schema';
import { previewCache } from './preview-cache';
import { pendingModel, previewModel } from './preview-model';
import { renderPreview } from './render-preview';

const IMMUTABLE = 'public, max-age=31536000, immutable';

export async function donePreview(checkId: string, result: CheckResult, cacheControl = IMMUTABLE): Promise<Response> {
  let png = previewCache.get(checkId);
  if (!png) {
    png = await renderPreview(previewModel(result), {}).arrayBuffer();
    previewCache.set(checkId, png);
  }
  return new Response(png, { headers: { 'Content-Type': 'image/png', 'Cache-Control': cacheControl, 'X-Check-Id': checkId } });
}

export function pendingPreview(domain: string, note: string): Response {
  return renderPreview(pendingModel(domain, note), { 'Cache-Control': 'no-store' });
}

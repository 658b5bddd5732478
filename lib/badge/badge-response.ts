/** An SVG badge as an HTTP response, with the caching its state allows. */
import 'server-only';
import type { BadgeAnswer } from './badge-state';
import { renderBadge } from './render-badge';

export const SVG_CONTENT_TYPE = 'image/svg+xml; charset=utf-8';

export function badgeResponse(answer: BadgeAnswer, extraHeaders: Record<string, string> = {}): Response {
  return new Response(renderBadge(answer.spec), {
    status: answer.status,
    headers: {
      'Content-Type': SVG_CONTENT_TYPE,
      'Cache-Control': answer.cacheControl,
      // READMEs and status pages on any site show it, including pages that isolate themselves (COEP).
      'Cross-Origin-Resource-Policy': 'cross-origin',
      ...extraHeaders,
    },
  });
}

/** "<name>.svg" → "<name>"; null when the file name does not end in .svg. */
export function stripSvg(file: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(file);
  } catch {
    return null;
  }
  return decoded.toLowerCase().endsWith('.svg') && decoded.length > 4 ? decoded.slice(0, -4) : null;
}

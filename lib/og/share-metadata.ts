/**
 * Open Graph and Twitter card metadata pointing at a preview image. Absolute URLs from the origin
 * the visitor used (chat services fetch the image themselves and need a full URL).
 */
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { envSetting } from '@/lib/env';
import { publicOrigin } from '@/lib/http/public-origin';
import { PREVIEW_SIZE } from './preview-model';

async function origin(): Promise<string> {
  // A bad environment is reported where services start; links fall back to the Host header.
  return publicOrigin(await headers(), { trustProxy: envSetting('TRUST_PROXY', false) });
}

export async function shareMetadata(opts: { title: string; description: string; path: string; imagePath: string; imageAlt: string }): Promise<Pick<Metadata, 'openGraph' | 'twitter'>> {
  const base = await origin();
  const image = { url: `${base}${opts.imagePath}`, ...PREVIEW_SIZE, alt: opts.imageAlt, type: 'image/png' };
  return {
    openGraph: { type: 'website', siteName: 'mxray', title: opts.title, description: opts.description, url: `${base}${opts.path}`, images: [image] },
    twitter: { card: 'summary_large_image', title: opts.title, description: opts.description, images: [{ url: image.url, alt: image.alt }] },
  };
}

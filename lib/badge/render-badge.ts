/**
 * A badge in the familiar flat style (shields.io's "flat": grey label | coloured value, 20 px high,
 * rounded, a faint gradient and a text shadow). Text is drawn at ten times the size and scaled
 * down, so glyphs land on fractional positions and stay crisp at 1× and 2×. The SVG is a complete
 * XML document with a <title> and role="img" for screen readers.
 */
import { textWidth } from './text-width';

export interface BadgeSpec {
  label: string;
  value: string;
  /** value background, #rrggbb */
  color: string;
  /** accessible name and tooltip; defaults to "label: value" */
  title?: string;
}

export const BADGE_LABEL_COLOR = '#555555';
const HEIGHT = 20;
/** space either side of each text */
const PADDING = 6;

/** The five characters XML reserves, escaped for both text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

function part(x: number, width: number, text: string): string {
  const textLength = Math.round(textWidth(text) * 10);
  const cx = Math.round((x + width / 2) * 10);
  const t = escapeXml(text);
  return (
    `<text aria-hidden="true" x="${cx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${textLength}">${t}</text>` +
    `<text x="${cx}" y="140" transform="scale(.1)" textLength="${textLength}">${t}</text>`
  );
}

export function renderBadge(spec: BadgeSpec): string {
  if (!/^#[0-9a-f]{6}$/i.test(spec.color)) throw new Error(`badge colour must be #rrggbb, not ${spec.color}`);
  const lw = Math.round(textWidth(spec.label)) + 2 * PADDING;
  const vw = Math.round(textWidth(spec.value)) + 2 * PADDING;
  const w = lw + vw;
  const title = escapeXml(spec.title ?? `${spec.label}: ${spec.value}`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${HEIGHT}" viewBox="0 0 ${w} ${HEIGHT}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${w}" height="${HEIGHT}" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)">`,
    `<rect width="${lw}" height="${HEIGHT}" fill="${BADGE_LABEL_COLOR}"/>`,
    `<rect x="${lw}" width="${vw}" height="${HEIGHT}" fill="${spec.color.toLowerCase()}"/>`,
    `<rect width="${w}" height="${HEIGHT}" fill="url(#s)"/>`,
    `</g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">`,
    part(0, lw, spec.label),
    part(lw, vw, spec.value),
    `</g>`,
    `</svg>`,
  ].join('');
}

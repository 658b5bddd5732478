/**
 * The whole badge document, byte for byte, for one known badge: every attribute of the flat style
 * (size, rounding, gradient, text shadow, font, accessible name) is pinned, so a change to any of
 * them is a visible diff here rather than a silent change in every README that embeds a badge.
 */
import { describe, expect, it } from 'vitest';
import { escapeXml, renderBadge } from '@/lib/badge/render-badge';

describe('renderBadge document', () => {
  it('draws a known badge exactly', () => {
    expect(renderBadge({ label: 'mx', value: 'ok', color: '#4C1ABC' })).toMatchInlineSnapshot(`"<svg xmlns="http://www.w3.org/2000/svg" width="54" height="20" viewBox="0 0 54 20" role="img" aria-label="mx: ok"><title>mx: ok</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="54" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="29" height="20" fill="#555555"/><rect x="29" width="25" height="20" fill="#4c1abc"/><rect width="54" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110"><text aria-hidden="true" x="145" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="172">mx</text><text x="145" y="140" transform="scale(.1)" textLength="172">mx</text><text aria-hidden="true" x="415" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="132">ok</text><text x="415" y="140" transform="scale(.1)" textLength="132">ok</text></g></svg>"`);
  });

  it('uses the title given, escaped, for the accessible name and the tooltip', () => {
    const svg = renderBadge({ label: 'mx', value: 'ok', color: '#123456', title: `it's <fine> & "good"` });
    const escaped = 'it&apos;s &lt;fine&gt; &amp; &quot;good&quot;';
    expect(svg).toContain(`aria-label="${escaped}"`);
    expect(svg).toContain(`<title>${escaped}</title>`);
  });

  it('escapes exactly the five XML characters', () => {
    expect(escapeXml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&apos;');
    expect(escapeXml('plain ASCII, 1-2_3 ✓')).toBe('plain ASCII, 1-2_3 ✓');
  });

  it('accepts #rrggbb only, in either case', () => {
    expect(() => renderBadge({ label: 'a', value: 'b', color: '#ABCDEF' })).not.toThrow();
    for (const color of ['#abcdef0', 'x#abcdef', '#abcde', '#abcdeg', 'abcdef']) {
      expect(() => renderBadge({ label: 'a', value: 'b', color })).toThrow(/#rrggbb/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  BADGE_COLORS,
  CACHE_DOMAIN,
  CACHE_IMMUTABLE,
  CACHE_REVALIDATE,
  checkBadge,
  domainBadge,
  invalidDomainBadge,
  VERDICT_BADGE,
  type BadgeAnswer,
} from '@/lib/badge/badge-state';
import { stripSvg } from '@/lib/badge/badge-response';
import { BADGE_LABEL_COLOR, escapeXml, renderBadge } from '@/lib/badge/render-badge';
import { textWidth } from '@/lib/badge/text-width';
import type { CheckResult } from '@/lib/probe/schema';
import type { Verdict } from '@/lib/report/status';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';
import { parseXml, xmlElements, xmlText, type XmlElement } from '@/tests/fixtures/xml';

const DAY = 86_400_000;

function withVerdict(verdict: Verdict): CheckResult {
  return { ...SAMPLE_RESULT, summary: { ...SAMPLE_RESULT.summary, verdict } };
}

/** What a reader of the badge sees: the parsed SVG's title, texts and the value's colour. */
function read(answer: BadgeAnswer) {
  const svg = parseXml(renderBadge(answer.spec));
  const all = xmlElements(svg);
  const title = all.find((e) => e.name === 'title');
  const visible = all.filter((e) => e.name === 'text' && e.attrs['aria-hidden'] !== 'true').map(xmlText);
  // The painted halves: the rects inside the clipped group (the clip path's own rect paints nothing).
  const painted = all.find((e) => e.name === 'g' && e.attrs['clip-path'])!;
  const rects = xmlElements(painted).filter((e) => e.name === 'rect' && /^#/.test(e.attrs.fill ?? ''));
  return { svg, title: title ? xmlText(title) : undefined, texts: visible, fills: rects.map((r) => r.attrs.fill), rects, all };
}

/** WCAG 2 relative luminance contrast of white text on a colour. */
function contrastWithWhite(hex: string): number {
  const c = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  const lum = 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
  return 1.05 / (lum + 0.05);
}

describe('badge SVG', () => {
  it('is well-formed XML: an <svg> root in the SVG namespace, role img, a <title> first', () => {
    const { svg, title } = read(checkBadge({ status: 'done', result: SAMPLE_RESULT, target: SAMPLE_RESULT.target }));
    expect(svg.name).toBe('svg');
    expect(svg.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(svg.attrs.role).toBe('img');
    expect((svg.children[0] as XmlElement).name).toBe('title');
    expect(title).toBe('mail servers of example.test: problems found (checked 2 Mar 2026)');
    expect(svg.attrs['aria-label']).toBe(title);
  });

  it.each([
    ['ok', 'all good', '#1a7f37'],
    ['warning', 'needs attention', '#b35900'],
    ['critical', 'problems found', '#cf222e'],
    ['untested', 'could not test', '#6e7781'],
    ['info', 'good, with notes', '#0969da'],
  ] as const)('says %s with the text "%s" on %s', (verdict, text, color) => {
    const r = read(checkBadge({ status: 'done', result: withVerdict(verdict), target: SAMPLE_RESULT.target }));
    expect(r.texts).toEqual(['mail servers', text]);
    expect(r.fills).toEqual([BADGE_LABEL_COLOR, color]);
  });

  it('says "unknown" states in neutral grey: no such check, not checked yet, too old, invalid', () => {
    for (const answer of [checkBadge(null), domainBadge('x.test', null, 0), domainBadge('x.test', { finishedAt: 0, result: SAMPLE_RESULT }, 40 * DAY), invalidDomainBadge()]) {
      expect(read(answer).fills[1]).toBe(BADGE_COLORS.neutral);
    }
  });

  it('keeps white text readable on every value colour (WCAG AA, 4.5:1)', () => {
    for (const color of [...Object.values(BADGE_COLORS), BADGE_LABEL_COLOR]) expect(contrastWithWhite(color)).toBeGreaterThanOrEqual(4.5);
  });

  it('sizes each half to its text, on whole pixels, with both texts centred in their half', () => {
    const { svg, all, rects } = read({ spec: { label: 'mail servers', value: 'all good', color: '#1a7f37' }, status: 200, cacheControl: '' });
    const [labelRect, valueRect] = rects;
    const lw = Number(labelRect!.attrs.width);
    const vw = Number(valueRect!.attrs.width);
    expect(Number(svg.attrs.width)).toBe(lw + vw);
    expect(Number(valueRect!.attrs.x)).toBe(lw);
    expect(lw).toBeGreaterThan(textWidth('mail servers'));
    expect(vw).toBeGreaterThan(textWidth('all good'));
    const texts = all.filter((e) => e.name === 'text');
    expect(texts.map((t) => Number(t.attrs.x) / 10)).toEqual([lw / 2, lw / 2, lw + vw / 2, lw + vw / 2]);
    expect(Number(texts[0]!.attrs.textLength) / 10).toBeCloseTo(textWidth('mail servers'), 0);
    expect(svg.attrs.viewBox).toBe(`0 0 ${lw + vw} 20`);
  });

  it('escapes markup in the title, so a domain can never break the document', () => {
    const svg = renderBadge({ label: 'a<b', value: 'x & "y"', color: '#123456', title: `</title><script>alert('x')</script>` });
    const parsed = read({ spec: { label: 'a<b', value: 'x & "y"', color: '#123456', title: `</title><script>` }, status: 200, cacheControl: '' });
    expect(parsed.texts).toEqual(['a<b', 'x & "y"']);
    expect(parsed.all.some((e) => e.name === 'script')).toBe(false);
    expect(() => parseXml(svg)).not.toThrow();
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
    expect(() => renderBadge({ label: 'a', value: 'b', color: 'red' })).toThrow(/#rrggbb/);
  });
});

describe('badge states', () => {
  const target = SAMPLE_RESULT.target;

  it('caches a finished check for ever and a running one not at all', () => {
    expect(checkBadge({ status: 'done', result: SAMPLE_RESULT, target })).toMatchObject({ status: 200, cacheControl: CACHE_IMMUTABLE });
    expect(checkBadge({ status: 'running', result: null, target })).toMatchObject({ status: 200, cacheControl: CACHE_REVALIDATE, spec: { value: 'checking…' } });
    expect(checkBadge({ status: 'queued', result: null, target }).spec.value).toBe('checking…');
    expect(checkBadge({ status: 'interrupted', result: null, target }).spec.value).toBe('interrupted');
    expect(checkBadge(null)).toMatchObject({ status: 404, spec: { value: 'unknown check' } });
  });

  it('shows a domain its last check while younger than the set age, then says how old it is', () => {
    const finishedAt = Date.parse(SAMPLE_RESULT.finishedAt);
    const fresh = domainBadge('example.test', { finishedAt, result: SAMPLE_RESULT }, finishedAt + 29 * DAY);
    expect(fresh).toMatchObject({ status: 200, cacheControl: CACHE_DOMAIN, spec: { value: VERDICT_BADGE.critical.value } });
    const stale = domainBadge('example.test', { finishedAt, result: SAMPLE_RESULT }, finishedAt + 30 * DAY);
    expect(stale.spec).toMatchObject({ value: 'last check 30 days ago', color: BADGE_COLORS.neutral });
    expect(stale.spec.title).toContain('older than 30 days');
    expect(domainBadge('example.test', { finishedAt, result: SAMPLE_RESULT }, finishedAt + 2 * DAY, 1).spec.value).toBe('last check 2 days ago');
    expect(domainBadge('example.test', null, 0)).toMatchObject({ status: 200, spec: { value: 'not checked yet' } });
  });

  it('reads the name from "<name>.svg" only', () => {
    expect(stripSvg('example.com.svg')).toBe('example.com');
    expect(stripSvg('B%C3%BCcher.de.SVG')).toBe('Bücher.de');
    expect(stripSvg('example.com')).toBeNull();
    expect(stripSvg('.svg')).toBeNull();
    expect(stripSvg('%E0%A4%A.svg')).toBeNull();
  });
});

describe('the strict XML reader these tests rely on', () => {
  it('refuses what is not well-formed', () => {
    for (const bad of ['<a><b></a>', '<a>x & y</a>', '<a b=c/>', '<a/><b/>', '<a b="1" b="2"/>', '<a b="<"/>', '<a>&nbsp;</a>', '<a>', '<a><!-- x -- y --></a>']) {
      expect(() => parseXml(bad), bad).toThrow(/not well-formed/);
    }
  });

  it('reads attributes, text and references', () => {
    const el = parseXml('<?xml version="1.0"?><a x=\'1\' y="&lt;&#65;&#x42;"><!-- c --><b>t&amp;u</b></a>');
    expect(el.attrs).toEqual({ x: '1', y: '<AB' });
    expect(xmlText(el)).toBe('t&u');
  });
});

/**
 * The copy-and-paste snippets the Embed dialog and the API docs hand out: the iframe, the script
 * (which keeps the iframe's height in step), and badge Markdown. Absolute URLs on the site's own
 * origin; every value that lands in an attribute or in Markdown is escaped for it.
 */
import { colorSchemeFor, type EmbedTheme } from './theme';

/**
 * The message a framed widget posts to its parent when its height changes: { type, height }.
 * public/embed.js spells the same string (a test holds them together).
 */
export const EMBED_HEIGHT_MESSAGE = 'mxray:embed-height';

/** The sandbox a framed widget needs: its scripts, its own origin (for its event stream), links out. */
export const EMBED_SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox';

export interface SnippetInput {
  origin: string;
  checkId: string;
  /** ASCII (punycode) domain, as in URLs */
  domain: string;
  /** Unicode form, for titles and alt text */
  displayDomain: string;
  mode: 'domain' | 'host';
  theme: EmbedTheme;
  /** the iframe's fixed height in px; the dialog passes the widget's measured height */
  height?: number;
  /** the widget's language (?lang=, data-lang=); absent: the viewer's own */
  lang?: string;
  /** what the iframe's title and the badge's alt text call it, in the dialog's language ("Mail servers of …") */
  name?: string;
}

/** Fits a check with two MX hosts; the script version sizes itself instead. */
export const DEFAULT_IFRAME_HEIGHT = 340;

export interface Snippets {
  widgetUrl: string;
  iframe: string;
  script: string;
  /** the script for the domain's latest check; absent in host mode */
  scriptForDomain?: string;
  badgeUrl: string;
  badgeMarkdown: string;
  /** the badge of the domain's latest check; absent in host mode */
  domainBadgeUrl?: string;
  domainBadgeMarkdown?: string;
}

export function escapeAttr(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markdown image alt text: brackets and backslashes would end or bend it. */
function escapeAlt(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

export function embedSnippets(s: SnippetInput): Snippets {
  const params = [s.theme === 'auto' ? '' : `theme=${s.theme}`, s.lang ? `lang=${encodeURIComponent(s.lang)}` : ''].filter(Boolean);
  const query = params.length ? `?${params.join('&')}` : '';
  const themeAttr = (s.theme === 'auto' ? '' : ` data-theme="${s.theme}"`) + (s.lang ? ` data-lang="${escapeAttr(s.lang)}"` : '');
  // A French snippet links to the French report and asks for the French badge text.
  const localized = s.lang && s.lang !== 'en' ? encodeURIComponent(s.lang) : undefined;
  const permalink = `${s.origin}${localized ? `/${localized}` : ''}/check/${s.checkId}`;
  const badgeQuery = localized ? `?lang=${localized}` : '';
  const widgetUrl = `${s.origin}/embed/${s.checkId}${query}`;
  const name = s.name ?? `Mail servers of ${s.displayDomain}`;
  const title = escapeAttr(`${name} (mxray)`);
  const alt = escapeAlt(name);
  const badgeUrl = `${s.origin}/badge/check/${s.checkId}.svg${badgeQuery}`;
  const domainBadgeUrl = s.mode === 'domain' ? `${s.origin}/badge/${encodeURIComponent(s.domain)}.svg${badgeQuery}` : undefined;
  return {
    widgetUrl,
    iframe: `<iframe src="${escapeAttr(widgetUrl)}" title="${title}" width="100%" height="${Math.round(s.height ?? DEFAULT_IFRAME_HEIGHT)}" style="border:0;max-width:640px;color-scheme:${colorSchemeFor(s.theme)}" loading="lazy" sandbox="${EMBED_SANDBOX}"></iframe>`,
    script: `<script src="${escapeAttr(s.origin)}/embed.js" data-check="${s.checkId}"${themeAttr} async></script>`,
    ...(s.mode === 'domain'
      ? { scriptForDomain: `<script src="${escapeAttr(s.origin)}/embed.js" data-domain="${escapeAttr(s.domain)}"${themeAttr} async></script>` }
      : {}),
    badgeUrl,
    badgeMarkdown: `[![${alt}](${badgeUrl})](${permalink})`,
    ...(domainBadgeUrl ? { domainBadgeUrl, domainBadgeMarkdown: `[![${alt}](${domainBadgeUrl})](${permalink})` } : {}),
  };
}

import type { EmbedTheme } from '@/lib/embed/theme';
import { EMBED_ROOT_ID } from './embed-widget';
import { FrameHeight } from './frame-height';

/** The widget's frame with a plain message instead of a check (none found, not a domain, …). */
export function EmbedMessage({
  theme,
  title,
  body,
  link,
}: {
  theme: EmbedTheme;
  title: string;
  body: string;
  link?: { href: string; text: string };
}) {
  return (
    <>
      <article
        id={EMBED_ROOT_ID}
        data-theme={theme}
        className="mx-embed rounded-xl border border-(--mx-border) bg-(--mx-bg) p-3 text-(--mx-fg) sm:p-4"
      >
        <h1 className="text-base font-semibold break-all">{title}</h1>
        <p className="mt-1 text-sm text-(--mx-muted)">{body}</p>
        <p className="mt-2 flex items-center justify-between gap-3 text-xs text-(--mx-muted)">
          {link ? (
            <a href={link.href} target="_blank" rel="noopener" className="font-medium text-(--mx-link) hover:underline">
              {link.text}
            </a>
          ) : (
            <span />
          )}
          <span className="font-semibold tracking-tight">mxray</span>
        </p>
      </article>
      <FrameHeight targetId={EMBED_ROOT_ID} />
    </>
  );
}

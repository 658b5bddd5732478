'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from '@/lib/i18n/navigation';
import { buttonGhost, buttonSecondary } from '@/components/ui/button-styles';
import { CopyButton } from '@/components/ui/copy-button';
import { EMBED_HEIGHT_MESSAGE, EMBED_SANDBOX, embedSnippets } from '@/lib/embed/snippets';
import { EMBED_THEMES, colorSchemeFor, type EmbedTheme } from '@/lib/embed/theme';
import type { CheckInput } from '@/lib/probe/schema';

function CodeIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className="size-4 shrink-0">
      <path d="m16 18 6-6-6-6" />
      <path d="m8 6-6 6 6 6" />
    </svg>
  );
}

function Snippet({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const id = useId();
  const t = useTranslations('actions');
  return (
    <div>
      <div className="flex items-end justify-between gap-2">
        <p id={id} className="text-sm font-medium">
          {label}
        </p>
        <CopyButton value={value} label={t('copy')} className={buttonGhost} />
      </div>
      {hint ? <p className="text-xs text-zinc-600 dark:text-zinc-400">{hint}</p> : null}
      <pre
        aria-labelledby={id}
        tabIndex={0}
        className="mt-1 overflow-x-auto rounded-lg border border-zinc-200 bg-zinc-50 p-2.5 font-mono text-xs whitespace-pre-wrap break-all text-zinc-800 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-200"
      >
        {value}
      </pre>
    </div>
  );
}

/**
 * "Embed" on a permalink: the widget as a script or an iframe, and the badges as Markdown, each
 * with a copy button and a live preview (the real widget and badges, framed from this very site).
 */
export function EmbedDialog({ checkId, target }: { checkId: string; target: CheckInput }) {
  const t = useTranslations('embedDialog');
  const locale = useLocale();
  const dialog = useRef<HTMLDialogElement>(null);
  const preview = useRef<HTMLIFrameElement>(null);
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const [origin, setOrigin] = useState('');
  const [theme, setTheme] = useState<EmbedTheme>('auto');
  const [height, setHeight] = useState(220);

  useEffect(() => {
    if (!open) return;
    // The preview resizes like a real embed: heights from its own window on our origin only.
    const onMessage = (e: MessageEvent) => {
      if (e.source !== preview.current?.contentWindow || e.origin !== window.location.origin) return;
      const data = e.data as { type?: unknown; height?: unknown } | null;
      if (data?.type === EMBED_HEIGHT_MESSAGE && typeof data.height === 'number') setHeight(Math.min(Math.max(Math.ceil(data.height), 40), 4000));
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [open]);

  function show() {
    setOrigin(window.location.origin);
    setOpen(true);
    dialog.current?.showModal();
  }

  const s = embedSnippets({ origin, checkId, domain: target.domain, displayDomain: target.displayDomain, mode: target.mode, theme, height, name: t('snippetName', { domain: target.displayDomain }), ...(locale === 'en' ? {} : { lang: locale }) });

  return (
    <>
      <button type="button" onClick={show} className={buttonSecondary} aria-haspopup="dialog">
        <CodeIcon />
        {t('open')}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        onClose={() => setOpen(false)}
        onKeyDown={(e) => {
          // The modal dialog keeps Tab inside (WAI-ARIA dialog pattern): the browser would otherwise
          // move focus out to its own UI after the last control. Escape closes it natively.
          if (e.key !== 'Tab' || !dialog.current) return;
          const focusable = [...dialog.current.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), input:not([disabled]), iframe, [tabindex]:not([tabindex="-1"])')].filter(
            (el) => el.offsetParent !== null || el === document.activeElement,
          );
          const first = focusable[0];
          const last = focusable[focusable.length - 1];
          if (!first || !last) return;
          if (e.shiftKey && document.activeElement === first) {
            e.preventDefault();
            last.focus();
          } else if (!e.shiftKey && document.activeElement === last) {
            e.preventDefault();
            first.focus();
          }
        }}
        onClick={(e) => {
          // A click on the backdrop (the dialog element itself, outside its panel) closes it.
          if (e.target === dialog.current) dialog.current.close();
        }}
        className="m-auto w-[min(42rem,calc(100vw-1.5rem))] max-h-[calc(100dvh-2rem)] rounded-2xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        {open ? (
          <div className="space-y-6 p-4 sm:p-6">
            <div className="flex items-start justify-between gap-4">
              <div>
                <h2 id={titleId} className="text-lg font-semibold tracking-tight">
                  {t('title')}
                </h2>
                <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
                  {t('intro')}
                </p>
              </div>
              <button type="button" onClick={() => dialog.current?.close()} className={buttonSecondary}>
                {t('close')}
              </button>
            </div>

            <section aria-labelledby={`${titleId}-widget`} className="space-y-3">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h3 id={`${titleId}-widget`} className="font-semibold">
                  {t('widget')}
                </h3>
                <fieldset className="flex items-center gap-3 text-sm">
                  <legend className="sr-only">{t('theme')}</legend>
                  {EMBED_THEMES.map((option) => (
                    <label key={option} className="inline-flex items-center gap-1.5">
                      <input type="radio" name={`${titleId}-theme`} value={option} checked={theme === option} onChange={() => setTheme(option)} className="accent-indigo-600" />
                      {t(option)}
                    </label>
                  ))}
                </fieldset>
              </div>
              <div className="rounded-xl border border-dashed border-zinc-300 p-3 dark:border-zinc-700">
                <p className="mb-2 text-xs text-zinc-500 dark:text-zinc-400">{t('preview')}</p>
                <iframe
                  ref={preview}
                  key={theme}
                  src={s.widgetUrl}
                  title={t('previewTitle', { domain: target.displayDomain })}
                  width="100%"
                  height={height}
                  sandbox={EMBED_SANDBOX}
                  style={{ colorScheme: colorSchemeFor(theme) }}
                  className="block max-w-[640px] border-0"
                />
              </div>
              <Snippet label={t('script')} hint={t('scriptHint')} value={s.script} />
              {s.scriptForDomain ? (
                <Snippet label={t('scriptDomain')} value={s.scriptForDomain} />
              ) : null}
              <Snippet label={t('iframe')} hint={t('iframeHint')} value={s.iframe} />
            </section>

            <section aria-labelledby={`${titleId}-badge`} className="space-y-3">
              <h3 id={`${titleId}-badge`} className="font-semibold">
                {t('badge')}
              </h3>
              <div className="flex flex-wrap items-center gap-4 rounded-xl border border-dashed border-zinc-300 p-3 dark:border-zinc-700">
                <img src={s.badgeUrl} alt={t('badgeAlt', { domain: target.displayDomain })} height={20} />
                {s.domainBadgeUrl ? (
                  <img src={s.domainBadgeUrl} alt={t('badgeLatestAlt', { domain: target.displayDomain })} height={20} />
                ) : null}
              </div>
              <Snippet label={t('markdown')} hint={t('markdownHint')} value={s.badgeMarkdown} />
              {s.domainBadgeMarkdown ? (
                <Snippet
                  label={t('markdownDomain')}
                  hint={t('markdownDomainHint')}
                  value={s.domainBadgeMarkdown}
                />
              ) : null}
            </section>

            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              {t('apiLead')}{' '}
              <Link href="/docs/api" className="font-medium text-indigo-700 underline dark:text-indigo-300">
                {t('apiLink')}
              </Link>
              .
            </p>
          </div>
        ) : null}
      </dialog>
    </>
  );
}

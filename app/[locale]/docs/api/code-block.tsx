import { useTranslations } from 'next-intl';
import { buttonGhost } from '@/components/ui/button-styles';
import { CopyButton } from '@/components/ui/copy-button';

/** A titled code block with a copy button; the code stays selectable text without JavaScript. */
export function CodeBlock({ code, label, copy = true }: { code: string; label?: string; copy?: boolean }) {
  const t = useTranslations('actions');
  return (
    <figure className="my-3">
      {label || copy ? (
        <figcaption className="flex items-end justify-between gap-2">
          <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</span>
          {copy ? <CopyButton value={code} label={t('copy')} className={buttonGhost} /> : null}
        </figcaption>
      ) : null}
      <pre
        tabIndex={0}
        className="mt-1 overflow-x-auto rounded-lg border whitespace-pre-wrap wrap-anywhere border-zinc-200 bg-white p-3 font-mono text-[13px] leading-relaxed text-zinc-800 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-200"
      >
        <code>{code}</code>
      </pre>
    </figure>
  );
}

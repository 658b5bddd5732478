import { useTranslations } from 'next-intl';
import { buttonSecondary } from '@/components/ui/button-styles';
import { Icon } from '@/components/ui/icon';

const EXPORTS = [
  { query: 'format=result', label: null, hint: 'exportJson' },
  { query: 'format=csv&table=ports', label: 'exportPorts', hint: 'exportPortsHint' },
  { query: 'format=csv&table=certificates', label: 'exportCerts', hint: 'exportCertsHint' },
] as const;

/** Downloads of a finished check, from the API. A <details> menu: it works without JavaScript. */
export function ExportMenu({ checkId }: { checkId: string }) {
  const t = useTranslations('actions');
  return (
    <details className="group relative">
      <summary className={buttonSecondary}>
        {t('export')}
        <Icon name="chevron" className="size-4 rotate-90 group-open:-rotate-90" />
      </summary>
      <ul className="absolute right-0 z-20 mt-1 w-64 rounded-xl border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-800 dark:bg-zinc-900">
        {EXPORTS.map((e) => (
          <li key={e.query}>
            <a
              href={`/api/checks/${encodeURIComponent(checkId)}?${e.query}`}
              download
              className="block rounded-lg px-3 py-2 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              <span className="font-medium">{e.label ? t(e.label) : 'JSON'}</span>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{t(e.hint)}</span>
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

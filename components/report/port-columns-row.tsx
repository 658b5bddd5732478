import { useTranslations } from 'next-intl';
import { PORTS } from '@/lib/probe/schema';

/** The column headers shared by the live table and the final port table: "Server", then each port. */
export function PortColumnsRow({ cellClassName = '' }: { cellClassName?: string }) {
  const t = useTranslations();
  return (
    <tr role="row" className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-950/40">
      <th scope="col" role="columnheader" className="w-48 px-3 py-2.5 text-left font-semibold lg:w-56">
        {t('report.table.server')}
      </th>
      {PORTS.map((port) => (
        <th key={port} scope="col" role="columnheader" className={`px-3 py-2.5 text-left ${cellClassName}`}>
          <span className="font-mono text-base font-semibold">{port}</span>{' '}
          <span className="font-medium text-zinc-700 dark:text-zinc-300">{t(`ports.${port}.name`)}</span>
        </th>
      ))}
    </tr>
  );
}

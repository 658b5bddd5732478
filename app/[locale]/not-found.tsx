import { useTranslations } from 'next-intl';
import { buttonPrimary } from '@/components/ui/button-styles';
import { Link } from '@/lib/i18n/navigation';

export default function NotFound() {
  const t = useTranslations('notFound');
  return (
    <div className="mx-auto w-full max-w-2xl px-4 py-20 text-center sm:px-6">
      <p className="font-mono text-sm font-semibold text-indigo-700 dark:text-indigo-300">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight sm:text-3xl">{t('title')}</h1>
      <p className="mt-3 text-zinc-700 dark:text-zinc-300">{t('text')}</p>
      <Link href="/" className={`${buttonPrimary} mt-6`}>
        {t('action')}
      </Link>
    </div>
  );
}

// GET /monitors/:token – a monitor's management page (the token is its only key): its settings,
// pause/resume/run now/delete, and the log of every webhook delivery attempt. Never indexed, never
// sent on as a referrer.
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { connection } from 'next/server';
import { cache } from 'react';
import { MonitorActions } from '@/components/monitors/monitor-actions';
import { CopyButton } from '@/components/ui/copy-button';
import { getMonitoring } from '@/lib/checks/get-runner';
import { formatDateTimeIn } from '@/lib/i18n/format';
import type { Locale } from '@/lib/i18n/locales';
import { Link } from '@/lib/i18n/navigation';
import type { DeliveryView, MonitorView } from '@/lib/monitors/schemas';

const load = cache(async (token: string): Promise<MonitorView | null> => {
  await connection();
  const monitoring = await getMonitoring();
  const m = monitoring ? await monitoring.find(token) : null;
  return m && monitoring ? monitoring.view(m) : null;
});

type Params = Promise<{ token: string; locale: Locale }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { token, locale } = await params;
  const t = await getTranslations({ locale, namespace: 'monitors' });
  const view = await load(token);
  return {
    title: view ? t('manageMetaTitle', { domain: view.domain }) : t('notFoundTitle'),
    robots: { index: false, follow: false },
    referrer: 'no-referrer',
  };
}

const INTERVAL_KEYS: Record<number, 'h1' | 'h6' | 'h12' | 'd1' | 'w1'> = { 3_600: 'h1', 21_600: 'h6', 43_200: 'h12', 86_400: 'd1', 604_800: 'w1' };

const STATUS_STYLE: Record<DeliveryView['status'], string> = {
  delivered: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  pending: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  failed: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200',
};

const dt = 'text-sm font-medium text-zinc-600 dark:text-zinc-400';
const dd = 'mt-0.5 text-sm text-zinc-900 dark:text-zinc-100';
const linkClass = 'text-sky-700 underline dark:text-sky-400';

export default async function MonitorPage({ params }: { params: Params }) {
  const { token, locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('monitors');
  const view = await load(token);
  if (!view) {
    return (
      <div className="mx-auto w-full max-w-3xl px-4 py-10 sm:px-6">
        <h1 className="text-2xl font-semibold tracking-tight">{t('notFoundTitle')}</h1>
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{t('notFound')}</p>
      </div>
    );
  }
  const when = (iso: string) => formatDateTimeIn(locale, iso);
  const c = view.conditions;
  const conditions = [
    c.verdictWorse ? t('conditionVerdictWorse') : null,
    c.portChanged ? t('conditionPortChanged') : null,
    c.certExpiresWithinDays !== null ? t('conditionCertExpires', { days: c.certExpiresWithinDays }) : null,
    c.newCritical ? t('conditionNewCritical') : null,
    c.backToNormal ? t('conditionBackToNormal') : null,
  ].filter((x): x is string => x !== null);
  const intervalKey = INTERVAL_KEYS[view.interval];
  return (
    <div className="mx-auto w-full max-w-4xl px-4 py-8 sm:px-6 sm:py-10">
      <header className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight break-all sm:text-3xl">{t('manageTitle', { domain: view.domain })}</h1>
        <p className="mt-2 text-sm font-medium text-amber-800 dark:text-amber-300">{t('manageIntro')}</p>
      </header>

      <dl className="grid gap-x-6 gap-y-4 rounded-xl border border-zinc-200 p-4 sm:grid-cols-2 dark:border-zinc-800" data-testid="monitor-summary">
        <div>
          <dt className={dt}>{t('status')}</dt>
          <dd className={dd} data-testid="monitor-status">
            {view.paused ? t('paused') : t('active')}
          </dd>
        </div>
        <div>
          <dt className={dt}>{t('runs')}</dt>
          <dd className={dd}>{intervalKey ? t(`intervals.${intervalKey}`) : `${view.interval} s`}</dd>
        </div>
        <div>
          <dt className={dt}>{t('nextRun')}</dt>
          <dd className={dd}>{view.paused ? '–' : when(view.nextRunAt)}</dd>
        </div>
        <div>
          <dt className={dt}>{t('lastCheck')}</dt>
          <dd className={dd}>
            {view.lastCheckId ? (
              <Link href={`/check/${view.lastCheckId}`} className={linkClass}>
                {t('viewCheck')}
              </Link>
            ) : (
              t('notRunYet')
            )}
            {' · '}
            <Link href={`/domain/${encodeURIComponent(view.domain)}`} className={linkClass}>
              {t('history')}
            </Link>
          </dd>
        </div>
        <div className="sm:col-span-2">
          <dt className={dt}>{t('conditions')}</dt>
          <dd className={dd}>{conditions.length > 0 ? conditions.join(' · ') : t('noConditions')}</dd>
        </div>
        <div className="sm:col-span-2">
          <dt className={dt}>{t('targets')}</dt>
          {view.targets.map((target) => (
            <dd key={target.url} className={`${dd} font-mono text-xs break-all`}>
              {target.url}
            </dd>
          ))}
        </div>
        <div className="sm:col-span-2">
          <dt className={dt}>{t('signingSecret')}</dt>
          <dd className={`${dd} flex flex-wrap items-center gap-2`}>
            <code className="break-all font-mono text-xs">{view.signingSecret}</code>
            <CopyButton value={view.signingSecret} label={t('copy')} />
          </dd>
        </div>
      </dl>

      <div className="mt-4">
        <MonitorActions token={token} paused={view.paused} />
      </div>

      <section aria-labelledby="deliveries-title" className="mt-8">
        <h2 id="deliveries-title" className="text-lg font-semibold tracking-tight sm:text-xl">
          {t('deliveries')}
        </h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{t('deliveriesIntro')}</p>
        {view.deliveries.length === 0 ? (
          <p className="mt-3 text-sm text-zinc-700 dark:text-zinc-300">{t('deliveriesEmpty')}</p>
        ) : (
          <ol className="mt-3 space-y-3" data-testid="delivery-log">
            {view.deliveries.map((d) => (
              <li key={d.id} className="rounded-xl border border-zinc-200 p-3 dark:border-zinc-800" data-status={d.status}>
                <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                  <span className={`rounded px-2 py-0.5 text-xs font-semibold ${STATUS_STYLE[d.status]}`}>{t(`deliveryStatus.${d.status}`)}</span>
                  <time dateTime={d.createdAt}>{when(d.createdAt)}</time>
                  <Link href={`/check/${d.checkId}`} className={linkClass}>
                    {t('forCheck')}
                  </Link>
                  <span className="font-mono text-xs break-all text-zinc-600 dark:text-zinc-400">{d.url}</span>
                </div>
                <ol className="mt-2 space-y-1 text-sm">
                  {d.attempts.map((a) => (
                    <li key={a.n} className="flex flex-wrap gap-x-2 text-zinc-700 dark:text-zinc-300">
                      <span className="font-medium">{t('attempt', { n: a.n })}</span>
                      <time dateTime={a.at}>{when(a.at)}</time>
                      <span>{t(`outcomes.${a.outcome}`)}</span>
                      {a.httpStatus !== null ? <span>{t('httpStatus', { status: a.httpStatus })}</span> : null}
                      {a.error && a.httpStatus === null ? <span className="break-all text-zinc-500 dark:text-zinc-400">({a.error})</span> : null}
                    </li>
                  ))}
                </ol>
                {d.nextAttemptAt ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{t('nextAttempt', { date: when(d.nextAttemptAt) })}</p> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

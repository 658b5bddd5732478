import { useTranslations } from 'next-intl';
import { Icon } from '@/components/ui/icon';
import { PORT_LEGEND, type PortLegend } from '@/lib/report/port-legend';

const strong = (chunks: React.ReactNode) => <strong className="text-zinc-900 dark:text-zinc-100">{chunks}</strong>;
const code = (chunks: React.ReactNode) => <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs dark:bg-zinc-800">{chunks}</code>;

function Fact({ term, children, wide }: { term: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={`border-t border-zinc-100 py-2 text-sm dark:border-zinc-800 ${wide ? 'col-span-2' : ''}`}>
      <dt className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{term}</dt>
      <dd className="mt-0.5 text-zinc-900 dark:text-zinc-100">{children}</dd>
    </div>
  );
}

function PortCard({ p }: { p: PortLegend }) {
  const t = useTranslations('guide');
  const port = useTranslations(`ports.${p.port}`);
  const risky = p.downgradeRisk === 'yes';
  return (
    <article aria-labelledby={`port-${p.port}-title`} className="flex flex-col rounded-xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <header>
        <p className="font-mono text-3xl font-semibold tracking-tight text-indigo-700 dark:text-indigo-300">{p.port}</p>
        <h3 id={`port-${p.port}-title`} className="mt-1 font-semibold">
          <span className="sr-only">{t('portLabel', { port: p.port })} </span>
          {port('name')}
        </h3>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{port('roleText')}</p>
      </header>
      <dl className="mt-3 grid grid-cols-2 gap-x-4">
        <Fact term={t('standard')}>
          {p.rfc ? (
            <a href={p.rfc.url} className="underline decoration-zinc-400 underline-offset-2 hover:decoration-indigo-500">
              {p.rfc.id}
            </a>
          ) : (
            t('noStandard')
          )}
        </Fact>
        <Fact term={t('encryption')}>{port('encryption')}</Fact>
        <Fact term={t('login')}>{port('authentication')}</Fact>
        <Fact term={t('downgradeRisk')}>
          <span className={`inline-flex items-center gap-1 font-medium ${risky ? 'text-amber-800 dark:text-amber-300' : 'text-emerald-800 dark:text-emerald-300'}`}>
            <Icon name={risky ? 'warning' : 'lock'} className="size-3.5" />
            {risky ? t('yes') : t('no')}
          </span>
        </Fact>
        <Fact term={t('useFor')} wide>
          {port('recommendedUse')}
        </Fact>
      </dl>
      <p className="mt-3 text-sm leading-relaxed text-zinc-700 dark:text-zinc-300">{port('details')}</p>
    </article>
  );
}

/** The four ports explained, from the same data the result table's legend uses. */
export function PortGuide() {
  const t = useTranslations('guide');
  return (
    <section aria-labelledby="ports-title" className="mx-auto w-full max-w-6xl px-4 py-14 sm:px-6">
      <h2 id="ports-title" className="text-2xl font-semibold tracking-tight sm:text-3xl">
        {t('title')}
      </h2>
      <div className="mt-4 grid max-w-4xl gap-4 text-zinc-700 sm:grid-cols-2 dark:text-zinc-300">
        <p>{t.rich('intro1', { strong })}</p>
        <p>{t.rich('intro2', { strong })}</p>
      </div>

      <div className="mt-8 grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {PORT_LEGEND.map((p) => (
          <PortCard key={p.port} p={p} />
        ))}
      </div>

      <div className="mt-10 grid gap-6 lg:grid-cols-2">
        <div>
          <h3 className="text-lg font-semibold">{t('whichTitle')}</h3>
          <ul className="mt-3 space-y-3 text-sm leading-relaxed text-zinc-700 dark:text-zinc-300">
            <li>{t.rich('client', { strong })}</li>
            <li>{t.rich('app', { strong })}</li>
            <li>{t.rich('mx', { strong })}</li>
            <li>{t.rich('never25', { strong })}</li>
          </ul>
        </div>
        <div>
          <h3 className="text-lg font-semibold">{t('whyTitle')}</h3>
          <p className="mt-3 text-sm leading-relaxed text-zinc-700 dark:text-zinc-300">{t.rich('why', { strong, code })}</p>
        </div>
      </div>
    </section>
  );
}

import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import { Icon } from '@/components/ui/icon';
import type { EmbedCell, EmbedHost, EmbedModel } from '@/lib/embed/embed-view';
import type { EmbedTheme } from '@/lib/embed/theme';
import type { EmbedVantages } from '@/lib/embed/embed-vantages';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { say, type Translate } from '@/lib/i18n/msg';
import { VERDICT_META, type Tone } from '@/lib/report/status';

/*
 * The widget other sites frame: compact, readable from 280 px up (a container query puts the four
 * ports on one row once they fit), and coloured through the theme's CSS variables
 * (app/embed/embed.css), never the OS media query alone, so ?theme=light stays light on a dark
 * system and the other way round.
 */

export const EMBED_ROOT_ID = 'mx-embed';

/** A tinted box (background, border and text) or tinted text alone, per tone. */
const toneClass = (tone: Tone) => `mx-tone-${tone}`;
const toneText = (tone: Tone) => `mx-text-${tone}`;

function Cell({ cell }: { cell: EmbedCell }) {
  const words = useTranslations() as unknown as Translate;
  const detail = say(words, cell.detail);
  return (
    <li title={detail} className={`min-w-0 rounded-md border px-1.5 py-1 ${toneClass(cell.tone)}`}>
      <span className="sr-only">{detail}</span>
      <span aria-hidden="true" className="flex items-center justify-between gap-1">
        <span className="font-mono text-[11px] leading-4 font-semibold opacity-80">{cell.port}</span>
        {cell.pending ? (
          <span className="relative flex size-2 shrink-0">
            <span className="absolute inline-flex size-full animate-ping rounded-full bg-(--mx-accent) opacity-60" />
            <span className="relative inline-flex size-2 rounded-full bg-(--mx-accent)" />
          </span>
        ) : cell.icon ? (
          <Icon name={cell.icon} className="size-3 shrink-0" />
        ) : null}
      </span>
      <span aria-hidden="true" className="block truncate text-xs leading-4 font-medium">
        {say(words, cell.text)}
      </span>
    </li>
  );
}

function HostLine({ host }: { host: EmbedHost }) {
  const t = useTranslations('embed');
  return (
    <li className="flex flex-col gap-1.5 py-2">
      <p className="min-w-0">
        {/* Long MX names (mail-eur01.outbound.protection.outlook.com) wrap rather than hide. */}
        <span className="block text-sm font-semibold wrap-anywhere">
          {host.displayHost}
        </span>
        {host.addresses !== 1 ? (
          <span className="block text-[11px] text-(--mx-muted)">
            {host.addresses === 0 ? t('noAddress') : t('addresses', { count: host.addresses })}
          </span>
        ) : null}
      </p>
      <ul aria-label={t('portsOf', { host: host.displayHost })} className="grid grid-cols-2 gap-1 @sm:grid-cols-4">
        {host.cells.map((c) => (
          <Cell key={c.port} cell={c} />
        ))}
      </ul>
    </li>
  );
}

function StatePill({ model }: { model: EmbedModel }) {
  const t = useTranslations('embed');
  const verdictWord = useTranslations('status.verdict');
  if (model.phase === 'done' && model.verdict) {
    const meta = { ...VERDICT_META[model.verdict], label: verdictWord(model.verdict) };
    return (
      <span className={`inline-flex shrink-0 items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-semibold ${toneClass(meta.tone)}`}>
        <Icon name={meta.icon} className="size-3.5" />
        {meta.label}
      </span>
    );
  }
  const interrupted = model.phase === 'interrupted';
  return (
    <span className={`inline-flex shrink-0 items-center gap-1.5 rounded-full border px-2 py-0.5 text-xs font-semibold ${toneClass(interrupted ? 'warn' : 'muted')}`}>
      {interrupted ? <Icon name="warning" className="size-3.5" /> : <span className="size-2 animate-pulse rounded-full bg-(--mx-accent)" />}
      {interrupted ? t('interrupted') : t('checking')}
    </span>
  );
}

function CertLine({ model }: { model: EmbedModel }) {
  const t = useTranslations('embed');
  const f = useFormatters();
  const cert = model.cert;
  if (!cert) {
    return model.phase === 'done' && model.hosts.length > 0 ? <p className="text-(--mx-muted)">{t('noCert')}</p> : null;
  }
  const tone: Tone = cert.daysLeft < 0 ? 'bad' : cert.daysLeft < 14 ? 'warn' : 'good';
  const what = cert.count > 1 ? t('firstOf', { count: cert.count }) : t('certificate');
  const d = cert.daysLeft;
  const when = d < 0 ? t('expiredAgo', { days: -d }) : d === 0 ? t('expiresToday') : t('expiresIn', { days: d });
  return (
    <p className="flex items-start gap-1.5">
      <Icon name="lock" className={`mt-px size-3.5 ${toneText(tone)}`} />
      <span>
        {what} <span className={`${toneText(tone)} font-medium`}>{when}</span>{' '}
        <span className="text-(--mx-muted)">({f.date(cert.notAfter)})</span>
      </span>
    </p>
  );
}

/** A check run from several vantages: each vantage's verdict, and where they differ. */
function VantageLine({ vantages }: { vantages: EmbedVantages }) {
  const t = useTranslations('report.vantages');
  const verdictWord = useTranslations('status.verdict');
  const f = useFormatters();
  const prefix = f.locale === 'en' ? '' : `/${f.locale}`;
  const differences = vantages.differences;
  return (
    <div className="mt-2 space-y-1 text-xs">
      <ul aria-label={t('title')} className="flex flex-wrap gap-1">
        {vantages.rows.map((r) => {
          const meta = r.verdict ? VERDICT_META[r.verdict] : undefined;
          const state = r.verdict ? verdictWord(r.verdict) : t(`state.${r.state}`);
          const pill = (
            <>
              <span className="font-semibold">{r.vantage}</span>
              {meta ? <Icon name={meta.icon} className="size-3" /> : null}
              <span>{state}</span>
            </>
          );
          const cls = `inline-flex items-center gap-1 rounded-full border px-2 py-0.5 ${toneClass(meta?.tone ?? 'muted')}`;
          return (
            <li key={r.id}>
              {r.current ? (
                <span className={cls} aria-current="true">{pill}</span>
              ) : (
                <a href={`${prefix}/embed/${r.id}`} className={`${cls} underline-offset-2 hover:underline`}>{pill}</a>
              )}
            </li>
          );
        })}
      </ul>
      {differences === undefined ? null : differences.length === 0 ? (
        <p className="flex items-start gap-1.5">
          <Icon name="check" className={`mt-px size-3.5 ${toneText('good')}`} />
          <span>{t('same')}</span>
        </p>
      ) : (
        differences.map((d, i) => (
          <p key={i} className="flex items-start gap-1.5">
            <Icon name="warning" className={`mt-px size-3.5 ${toneText('warn')}`} />
            <span className={`${toneText('warn')} font-medium`}>{d}</span>
          </p>
        ))
      )}
    </div>
  );
}

export function EmbedWidget({
  model,
  theme,
  footer,
  vantages,
}: {
  model: EmbedModel;
  theme: EmbedTheme;
  footer?: ReactNode;
  /** the vantages of a check asked of several (absent: one vantage) */
  vantages?: EmbedVantages | undefined;
}) {
  const t = useTranslations('embed');
  const words = useTranslations() as unknown as Translate;
  const f = useFormatters();
  // The full report opens in the widget's language.
  const permalink = `${f.locale === 'en' ? '' : `/${f.locale}`}/check/${model.checkId}`;
  return (
    <article
      id={EMBED_ROOT_ID}
      data-theme={theme}
      aria-labelledby="mx-embed-title"
      className="mx-embed @container rounded-xl border border-(--mx-border) bg-(--mx-bg) p-3 text-(--mx-fg) sm:p-4"
    >
      <header className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="text-[11px] font-medium tracking-wide text-(--mx-muted) uppercase">
            {model.mode === 'host' ? t('mailServer') : t('mailServersOf')}
          </p>
          <h1 id="mx-embed-title" className="text-base leading-snug font-semibold break-all">
            {model.domain}
          </h1>
        </div>
        <StatePill model={model} />
      </header>

      {model.phase === 'running' && model.progress ? (
        <p role="status" aria-live="polite" className="mt-1 text-xs text-(--mx-muted)">
          {say(words, model.progress.text)}
        </p>
      ) : null}

      {model.hosts.length ? (
        <ul aria-label={t('mxHosts')} className="mt-2 divide-y divide-(--mx-border) border-y border-(--mx-border)">
          {model.hosts.map((h) => (
            <HostLine key={h.host} host={h} />
          ))}
        </ul>
      ) : model.note ? (
        <p className="mt-2 rounded-md border border-(--mx-border) px-2 py-1.5 text-sm">{say(words, model.note)}</p>
      ) : null}

      {vantages ? <VantageLine vantages={vantages} /> : null}

      <div className="mt-2 space-y-1 text-xs">
        <CertLine model={model} />
        {model.relay ? (
          <p className="flex items-start gap-1.5">
            <Icon name={model.relay.icon} className={`mt-px size-3.5 ${toneText(model.relay.tone)}`} />
            <span className={model.relay.tone === 'bad' ? `${toneText('bad')} font-medium` : undefined}>{say(words, model.relay.text)}</span>
          </p>
        ) : null}
        {model.policy ? (
          <p className="text-(--mx-muted)">
            {model.policy.map((l) => words('policy.summaryItem', { label: l.label, text: say(words, l.text) })).join(' · ')}
          </p>
        ) : null}
        {model.tlsMatrix ? (
          <p className="flex items-start gap-1.5">
            <Icon name={model.tlsMatrix.tone === 'bad' ? 'cross' : 'warning'} className={`mt-px size-3.5 ${toneText(model.tlsMatrix.tone)}`} />
            <span className={`${toneText(model.tlsMatrix.tone)} font-medium`}>
              {t(`tlsMatrix.${model.tlsMatrix.kind}`, { count: model.tlsMatrix.count, of: model.tlsMatrix.of })}
            </span>
          </p>
        ) : null}
        <p className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 text-(--mx-muted)">
          <span>
            {model.checkedAt ? (
              t.rich('checked', {
                time: (chunks) => <time dateTime={model.checkedAt}>{chunks}</time>,
                date: f.date(model.checkedAt),
              })
            ) : null}
            <a href={permalink} target="_blank" rel="noopener" className="font-medium text-(--mx-link) underline-offset-2 hover:underline">
              {t('fullReport')}
              <Icon name="external" className="ml-0.5 inline size-3 align-[-1px]" />
            </a>
          </span>
          <span className="ml-auto font-semibold tracking-tight">mxray</span>
        </p>
        {footer}
      </div>
    </article>
  );
}

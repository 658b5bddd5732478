'use client';

import { useTranslations } from 'next-intl';
import { useId, useState, type FormEvent } from 'react';
import { buttonPrimary } from '@/components/ui/button-styles';
import { CopyButton } from '@/components/ui/copy-button';
import { Link } from '@/lib/i18n/navigation';
import { ApiErrorSchema } from '@/lib/http/api-schemas';
import { CreateMonitorResponseSchema, type CreateMonitorResponse } from '@/lib/monitors/schemas';

const INTERVALS = [
  ['h1', 3_600],
  ['h6', 21_600],
  ['h12', 43_200],
  ['d1', 86_400],
  ['w1', 604_800],
] as const;

const WEBHOOK_REASONS = new Set(['webhook-refused-address', 'webhook-invalid-url', 'webhook-no-address']);

const field = 'mt-1 block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';
const label = 'block text-sm font-medium text-zinc-800 dark:text-zinc-200';

/** Creates a monitor through the API and shows its management link and signing secret, once. */
export function CreateMonitorForm({ domain: initialDomain }: { domain: string }) {
  const t = useTranslations('monitors');
  const ids = { domain: useId(), interval: useId(), webhook: useId(), hint: useId(), days: useId(), error: useId() };
  const [domain, setDomain] = useState(initialDomain);
  const [interval, setInterval] = useState<number>(86_400);
  const [webhook, setWebhook] = useState('');
  const [cond, setCond] = useState({ verdictWorse: true, portChanged: true, certOn: true, certDays: 14, newCritical: true, backToNormal: true });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreateMonitorResponse | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const res = await fetch('/api/monitors', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          domain,
          interval,
          conditions: {
            verdictWorse: cond.verdictWorse,
            portChanged: cond.portChanged,
            certExpiresWithinDays: cond.certOn ? cond.certDays : null,
            newCritical: cond.newCritical,
            backToNormal: cond.backToNormal,
          },
          targets: [{ type: 'webhook', url: webhook.trim() }],
        }),
      });
      if (res.status === 201) {
        setCreated(CreateMonitorResponseSchema.parse(await res.json()));
        return;
      }
      const problem = ApiErrorSchema.safeParse(await res.json().catch(() => null));
      const reason = problem.success ? (problem.data.error.details as { reason?: string } | undefined)?.reason : undefined;
      if (res.status === 403) setError(t('errors.quota'));
      else if (res.status === 429) setError(t('errors.rateLimited'));
      else if (res.status === 503) setError(t('errors.unavailable'));
      else if (reason && WEBHOOK_REASONS.has(reason)) setError(t(`errors.${reason as 'webhook-refused-address'}`));
      else if (reason) setError(t('errors.domain'));
      else setError(t('errors.generic'));
    } catch {
      setError(t('errors.network'));
    } finally {
      setPending(false);
    }
  }

  if (created) {
    return (
      <section aria-labelledby="monitor-created" className="rounded-xl border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950/40" data-testid="monitor-created">
        <h2 id="monitor-created" className="text-lg font-semibold">
          {t('createdTitle')}
        </h2>
        <p className="mt-1 text-sm font-medium text-amber-800 dark:text-amber-300">{t('createdWarning')}</p>
        <dl className="mt-3 space-y-3 text-sm">
          <div>
            <dt className="font-medium">{t('manageLink')}</dt>
            <dd className="mt-1 flex flex-wrap items-center gap-2">
              <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900" data-testid="manage-url">
                {created.manageUrl}
              </code>
              <CopyButton value={created.manageUrl} label={t('copy')} />
            </dd>
          </div>
          <div>
            <dt className="font-medium">{t('signingSecret')}</dt>
            <dd className="mt-1 flex flex-wrap items-center gap-2">
              <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900">{created.signingSecret}</code>
              <CopyButton value={created.signingSecret} label={t('copy')} />
            </dd>
            <dd className="mt-1 text-zinc-600 dark:text-zinc-400">{t('signingHint')}</dd>
          </div>
        </dl>
        <p className="mt-4">
          <a className={buttonPrimary} href={new URL(created.manageUrl).pathname}>
            {t('openManage')}
          </a>
        </p>
      </section>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-describedby={error ? ids.error : undefined}>
      <div>
        <label htmlFor={ids.domain} className={label}>
          {t('domain')}
        </label>
        <input id={ids.domain} className={field} value={domain} onChange={(e) => setDomain(e.target.value)} required autoComplete="off" spellCheck={false} />
      </div>
      <div>
        <label htmlFor={ids.interval} className={label}>
          {t('interval')}
        </label>
        <select id={ids.interval} className={field} value={interval} onChange={(e) => setInterval(Number(e.target.value))}>
          {INTERVALS.map(([key, sec]) => (
            <option key={key} value={sec}>
              {t(`intervals.${key}`)}
            </option>
          ))}
        </select>
      </div>
      <fieldset>
        <legend className={label}>{t('conditions')}</legend>
        <div className="mt-2 space-y-2 text-sm">
          {(
            [
              ['verdictWorse', t('conditionVerdictWorse')],
              ['portChanged', t('conditionPortChanged')],
              ['newCritical', t('conditionNewCritical')],
              ['backToNormal', t('conditionBackToNormal')],
            ] as const
          ).map(([key, text]) => (
            <label key={key} className="flex items-center gap-2">
              <input type="checkbox" className="size-4" checked={cond[key]} onChange={(e) => setCond({ ...cond, [key]: e.target.checked })} />
              {text}
            </label>
          ))}
          <div className="flex flex-wrap items-center gap-2">
            <input
              type="checkbox"
              className="size-4"
              checked={cond.certOn}
              onChange={(e) => setCond({ ...cond, certOn: e.target.checked })}
              aria-labelledby={ids.days}
            />
            <label id={ids.days} htmlFor={`${ids.days}-n`}>
              {t('conditionCertExpiresLabel')}
            </label>
            <input
              id={`${ids.days}-n`}
              type="number"
              min={1}
              max={365}
              className="w-20 rounded-lg border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
              value={cond.certDays}
              disabled={!cond.certOn}
              onChange={(e) => setCond({ ...cond, certDays: Math.max(1, Math.min(365, Number(e.target.value) || 1)) })}
            />
          </div>
        </div>
      </fieldset>
      <div>
        <label htmlFor={ids.webhook} className={label}>
          {t('webhook')}
        </label>
        <input
          id={ids.webhook}
          type="url"
          inputMode="url"
          className={field}
          placeholder="https://hooks.example.com/mxray"
          value={webhook}
          onChange={(e) => setWebhook(e.target.value)}
          aria-describedby={ids.hint}
          required
        />
        <p id={ids.hint} className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {t('webhookHint')}{' '}
          <Link href="/docs/api#monitors" className="text-sky-700 underline dark:text-sky-400">
            {t('apiDocs')}
          </Link>
        </p>
      </div>
      {error ? (
        <p id={ids.error} role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <button type="submit" className={buttonPrimary} disabled={pending}>
        {pending ? t('creating') : t('create')}
      </button>
    </form>
  );
}

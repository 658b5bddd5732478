import { useTranslations } from 'next-intl';
import { useAddressLabel } from './address-label';
import type { AddressInfo, DnsResult, HostDns } from '@/lib/probe/schema';
import { StatusBadge } from '@/components/ui/badge';
import { Icon } from '@/components/ui/icon';
import { TONE_BORDER } from '@/components/ui/tone';
import { explainMx } from '@/lib/report/dns-text';
import type { StatusMeta } from '@/lib/report/status';

function PtrText({ a }: { a: AddressInfo }) {
  const t = useTranslations('dns');
  if (!a.ptr) return <span className="text-zinc-500 dark:text-zinc-400">{t('notLookedUp')}</span>;
  if (a.ptr.names.length === 0) {
    return (
      <span className="text-amber-800 dark:text-amber-300">
        {t('ptrNone', { status: t(`lookup.${a.ptr.lookup.status}`) })}
      </span>
    );
  }
  const fc = a.ptr.forwardConfirmed;
  return (
    <span>
      <span className="font-mono break-all">{a.ptr.names.join(', ')}</span>{' '}
      <span className={`inline-flex items-center gap-0.5 whitespace-nowrap ${fc === false ? 'text-amber-800 dark:text-amber-300' : 'text-zinc-600 dark:text-zinc-400'}`}>
        <Icon name={fc === true ? 'check' : fc === false ? 'warning' : 'question'} className="size-3.5" />
        {fc === true ? t('forwardConfirmed') : fc === false ? t('notResolveBack') : t('notConfirmed')}
      </span>
    </span>
  );
}

function HostBlock({ h }: { h: HostDns }) {
  const t = useTranslations('dns');
  const addr = useAddressLabel();
  const lookups = [
    ['A', h.a],
    ['AAAA', h.aaaa],
  ] as const;
  // "no AAAA record" is ordinary; only say something when a lookup actually failed.
  const problems = lookups.filter(([, l]) => l.status !== 'ok' && l.status !== 'nodata');
  return (
    <li className="py-3 first:pt-0 last:pb-0">
      <p className="flex flex-wrap items-baseline gap-x-2">
        {h.preference !== undefined ? (
          <span className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">
            <span className="sr-only">{t('preference')}</span>
            {h.preference}
          </span>
        ) : null}{' '}
        <span className="font-semibold break-all">{h.displayName ?? h.name}</span>
        {h.displayName && h.displayName !== h.name ? <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{h.name}</span> : null}
      </p>
      {problems.map(([type, l]) => (
        <p key={type} className="mt-1 text-sm text-amber-800 dark:text-amber-300">
          {t('lookupFailed', { type, status: t(`lookup.${l.status}`) })}
          {l.errorCode ? ` (${l.errorCode})` : ''}
        </p>
      ))}
      {h.addresses.length === 0 ? (
        <p className="mt-1 text-sm text-red-800 dark:text-red-300">{t('noAddress')}</p>
      ) : (
        <ul className="mt-2 space-y-2">
          {h.addresses.map((a) => (
            <li key={a.address} className="grid gap-x-4 gap-y-0.5 text-sm sm:grid-cols-[minmax(0,16rem)_1fr]">
              <span className="flex items-baseline gap-2">
                <span className="w-10 shrink-0 text-xs text-zinc-500 dark:text-zinc-400">IPv{a.family}</span>
                <span className="font-mono break-all">{addr(a.address)}</span>
              </span>
              <span className="text-zinc-700 max-sm:pl-12 dark:text-zinc-300">
                <span className="text-zinc-500 dark:text-zinc-400">PTR </span>
                <PtrText a={a} />
                {!a.policy.allowed ? (
                  <span className="block text-amber-800 dark:text-amber-300">
                    {t('notProbed')}
                    {a.policy.range ? ` (${a.policy.range})` : ''}
                  </span>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** The DNS reading in words, keyed like explainMx (lib/report/dns-text.ts) by MX kind and lookup status. */
function useDnsExplanation(dns: DnsResult, domain: string): { title: string; body: string } {
  const t = useTranslations('dns.explain');
  const kind = dns.mxKind;
  if (kind === 'none') {
    const s = dns.mx.status;
    const key = s === 'nxdomain' || s === 'servfail' || s === 'timeout' || s === 'refused' || s === 'error' ? s : 'none';
    return { title: t(`${key}Title`), body: t(key, { domain }) };
  }
  const count = dns.mx.records.length;
  return { title: t(`${kind}Title`, { count }), body: t(kind, { domain, count }) };
}

export function DnsSummary({ dns, domain }: { dns: DnsResult; domain: string }) {
  const t = useTranslations('dns');
  const e = { ...explainMx(dns, domain), ...useDnsExplanation(dns, domain) };
  const meta: StatusMeta = {
    label: t(`badge.${dns.mxKind === 'explicit' ? 'mx' : dns.mxKind === 'host' ? 'host' : e.tone === 'bad' ? 'bad' : e.tone === 'warn' ? 'warn' : 'note'}`),
    icon: e.tone === 'good' ? 'check' : e.tone === 'bad' ? 'cross' : e.tone === 'warn' ? 'warning' : 'info',
    tone: e.tone,
  };
  return (
    <div className="space-y-4">
      <div className={`rounded-xl border border-l-4 border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900 ${TONE_BORDER[e.tone]}`}>
        <div className="flex flex-wrap items-center gap-2">
          <StatusBadge meta={meta} />
          <h3 className="font-semibold">{e.title}</h3>
        </div>
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{e.body}</p>
        {dns.mx.status !== 'ok' && dns.mxKind !== 'host' ? (
          <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
            {t('mxLookup', { status: t(`lookup.${dns.mx.status}`) })}
            {dns.mx.errorCode ? ` (${dns.mx.errorCode})` : ''}
          </p>
        ) : null}
      </div>
      {dns.hosts.length ? (
        <div className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {dns.hosts.map((h) => (
              <HostBlock key={h.name} h={h} />
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

import { useTranslations } from 'next-intl';
import { useAddressLabel } from './address-label';
import type { DaneAddress, DaneResult, DnssecLookup, DnssecResult } from '@/lib/probe/schema';
import { Card } from '@/components/ui/card';
import { StatusBadge } from '@/components/ui/badge';
import { daneApplies, tlsaText } from '@/lib/probe/dane/tlsa-record';
import { daneLine, dnssecLine, type DaneLine } from '@/lib/report/dane-view';
import type { PolicyTone } from '@/lib/report/policy-view';
import { say, type Translate } from '@/lib/i18n/msg';
import type { StatusMeta } from '@/lib/report/status';

function useToneMeta(): (tone: PolicyTone) => StatusMeta {
  const sev = useTranslations('status.severity');
  const port = useTranslations('status.port');
  return (tone) =>
    ({
      ok: { label: sev('ok'), icon: 'check', tone: 'good' },
      info: { label: sev('info'), icon: 'info', tone: 'note' },
      warning: { label: sev('warning'), icon: 'warning', tone: 'warn' },
      critical: { label: sev('critical'), icon: 'cross', tone: 'bad' },
      untested: { label: port('untested'), icon: 'question', tone: 'muted' },
    })[tone] as StatusMeta;
}

function Head({ line, title }: { line: DaneLine; title: string }) {
  const t = useTranslations() as unknown as Translate;
  const meta = useToneMeta();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <h3 className="font-semibold">{title}</h3>
      <StatusBadge meta={meta(line.tone)} />
      <span className="text-sm text-zinc-700 dark:text-zinc-300">{say(t, line.text)}</span>
    </div>
  );
}

const STATUS_TONE: Record<DnssecLookup['status'], PolicyTone> = { secure: 'ok', insecure: 'info', bogus: 'critical', unknown: 'untested' };
const OUTCOME_TONE: Record<DaneAddress['outcome'], PolicyTone> = { match: 'ok', mismatch: 'critical', 'no-tls': 'critical', untested: 'untested' };

function Status({ l }: { l: DnssecLookup }) {
  const t = useTranslations('policyDane');
  const meta = useToneMeta();
  return <StatusBadge meta={meta(STATUS_TONE[l.status])} label={`${t(`statusWord.${l.status}`)}${l.rcode && l.rcode !== 'NOERROR' ? ` · ${l.rcode}` : ''}`} />;
}

const cell = 'border-t border-zinc-200 px-2 py-1.5 align-top dark:border-zinc-800';
const head = 'px-2 py-1 text-left font-medium text-zinc-500 dark:text-zinc-400';

function DnssecCard({ d }: { d: DnssecResult }) {
  const t = useTranslations('policyDane');
  const rows: { name: string; l: DnssecLookup }[] = [
    { name: `${d.mx.name}`, l: d.mx },
    ...d.hosts.flatMap((h) => [
      { name: h.host, l: h.a },
      { name: h.host, l: h.aaaa },
    ]),
  ];
  return (
    <Card className="min-w-0 p-4">
      <Head line={dnssecLine(d)} title={t('dnssecTitle')} />
      <div className="mt-3 overflow-x-auto">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">{t('chain')}</caption>
          <thead>
            <tr>
              <th scope="col" className={head}>{t('name')}</th>
              <th scope="col" className={head}>{t('type')}</th>
              <th scope="col" className={head}>{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ name, l }) => (
              <tr key={`${name}|${l.type}`}>
                <td className={`${cell} font-mono text-xs break-all`}>{name}</td>
                <td className={`${cell} font-mono text-xs`}>{l.type}</td>
                <td className={cell}><Status l={l} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">{t('resolverNote')}</p>
    </Card>
  );
}

function DaneCard({ dane }: { dane: DaneResult }) {
  const t = useTranslations('policyDane');
  const addr = useAddressLabel();
  const meta = useToneMeta();
  return (
    <Card className="min-w-0 p-4">
      <Head line={daneLine(dane)} title={t('daneTitle')} />
      <div className="mt-3 overflow-x-auto">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">{t('daneTitle')}</caption>
          <thead>
            <tr>
              <th scope="col" className={head}>{t('host')}</th>
              <th scope="col" className={head}>{t('records')}</th>
              <th scope="col" className={head}>{t('address')}</th>
              <th scope="col" className={head}>{t('result')}</th>
            </tr>
          </thead>
          <tbody>
            {dane.hosts.map((h) => {
              const addresses = daneApplies(h) ? h.addresses : [];
              const span = Math.max(1, addresses.length);
              const first = addresses[0];
              const hostCells = (
                <>
                  <th scope="row" rowSpan={span} className={`${cell} text-left font-mono text-xs font-normal break-all`}>
                    {h.host}
                    <div className="mt-1"><Status l={h.tlsa} /></div>
                  </th>
                  <td rowSpan={span} className={`${cell} font-mono text-xs break-all`}>
                    {h.records.length > 0 ? h.records.map((r, i) => <div key={i}>{tlsaText(r)}</div>) : '—'}
                  </td>
                </>
              );
              if (!first) {
                return (
                  <tr key={h.host}>
                    {hostCells}
                    <td colSpan={2} className={`${cell} text-xs text-zinc-600 dark:text-zinc-400`}>{h.records.length > 0 ? t('noAddresses') : '—'}</td>
                  </tr>
                );
              }
              const row = (a: DaneAddress) => (
                <>
                  <td className={`${cell} font-mono text-xs`}>{addr(a.address)}</td>
                  <td className={cell}>
                    <StatusBadge meta={meta(OUTCOME_TONE[a.outcome])} label={t(`outcome.${a.outcome}`)} />
                    {a.matches.length > 0 ? (
                      <div className="mt-1 font-mono text-xs text-zinc-600 dark:text-zinc-400">
                        {t('matchedBy', { records: a.matches.map((m) => tlsaText(h.records[m.record]!).split(' ').slice(0, 3).join(' ')).join(', ') })}
                      </div>
                    ) : null}
                    {a.taProblem ? <div className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{t(`taProblem.${a.taProblem}`)}</div> : null}
                  </td>
                </>
              );
              return [
                <tr key={`${h.host}|${first.address}`}>
                  {hostCells}
                  {row(first)}
                </tr>,
                ...addresses.slice(1).map((a) => <tr key={`${h.host}|${a.address}`}>{row(a)}</tr>),
              ];
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

/** The DNSSEC chain status and the DANE table per MX × address (domain mode, DNSSEC-capable resolver). */
export function DaneSection({ dnssec, dane }: { dnssec: DnssecResult | undefined; dane: DaneResult | undefined }) {
  if (!dnssec && !dane) return null;
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      {dnssec ? <DnssecCard d={dnssec} /> : null}
      {dane ? <DaneCard dane={dane} /> : null}
    </div>
  );
}

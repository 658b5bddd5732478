import { useTranslations } from 'next-intl';
import { Icon } from '@/components/ui/icon';
import type { MtaSts, PolicyResult } from '@/lib/probe/schema';
import { Card } from '@/components/ui/card';
import { StatusBadge } from '@/components/ui/badge';
import { say, type Translate } from '@/lib/i18n/msg';
import { mtaStsLine, tlsRptLine, type PolicyLine, type PolicyTone } from '@/lib/report/policy-view';
import type { IconName, Tone } from '@/lib/report/status';
import { DaneSection } from './dane-section';

const TONE_LOOK: Record<PolicyTone, { icon: IconName; tone: Tone; word: string }> = {
  ok: { icon: 'check', tone: 'good', word: 'status.severity.ok' },
  info: { icon: 'info', tone: 'note', word: 'status.severity.info' },
  warning: { icon: 'warning', tone: 'warn', word: 'status.severity.warning' },
  critical: { icon: 'cross', tone: 'bad', word: 'status.severity.critical' },
  untested: { icon: 'question', tone: 'muted', word: 'policy.notTested' },
};

function Head({ line, t }: { line: PolicyLine; t: Translate }) {
  const look = TONE_LOOK[line.tone];
  return (
    <div className="flex flex-wrap items-center gap-2">
      <h3 className="font-semibold">{line.label}</h3>
      <StatusBadge meta={{ label: t(look.word), icon: look.icon, tone: look.tone }} />
      <span className="text-sm text-zinc-700 dark:text-zinc-300">{say(t, line.text)}</span>
    </div>
  );
}

function Row({ k, children }: { k: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{k}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function MtaStsCard({ m, t }: { m: MtaSts; t: Translate }) {
  const f = m.fetch;
  const c = (key: string, values?: Record<string, string | number>) => t(`policy.card.${key}`, values);
  return (
    <Card className="p-4">
      <Head line={mtaStsLine(m)} t={t} />
      <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        {m.records.length > 0 ? <Row k={c('record')}>{m.records.map((r) => <code key={r} className="block font-mono text-xs">{r}</code>)}</Row> : null}
        {f ? (
          <>
            <Row k={c('policyUrl')}><code className="font-mono text-xs break-all">{f.url}</code></Row>
            {f.address ? <Row k={c('fetchedFrom')}>{f.address}{f.status ? ` · HTTP ${f.status}` : ''}{f.contentType ? ` · ${f.contentType}` : ''}</Row> : null}
            {f.tls ? (
              <Row k={c('certificate')}>
                {f.tls.trusted ? c('trusted') : c('notTrusted', { error: f.tls.verifyError ?? c('unknownError') })}, {f.tls.hostnameMatch ? c('nameValid') : c('nameInvalid')}
              </Row>
            ) : null}
            {f.outcome !== 'fetched' ? (
              <Row k={c('fetch')}>
                {t(`policy.fetchOutcome.${f.outcome}`)}
                {f.errorMessage ? `: ${f.errorMessage}` : ''}
                {f.location ? ` → ${f.location}` : ''}
              </Row>
            ) : null}
          </>
        ) : null}
        {m.policy ? (
          <>
            <Row k={c('mode')}>{m.policy.mode ?? '—'}</Row>
            <Row k={c('mxPatterns')}>{m.policy.mx.length > 0 ? m.policy.mx.join(', ') : '—'}</Row>
            <Row k="max_age">{m.policy.maxAge !== undefined ? `${m.policy.maxAge} s` : '—'}</Row>
            {m.policy.errors.length > 0 ? <Row k={c('problems')}>{m.policy.errors.join('; ')}</Row> : null}
          </>
        ) : null}
      </dl>
      {m.policy ? (
        <details className="mt-3 text-sm">
          <summary className="inline-flex items-center gap-1 text-zinc-700 dark:text-zinc-300">
            <Icon name="chevron" className="details-chevron size-3.5 transition-transform" />
            {c('policyText')}
          </summary>
          <pre className="mt-2 max-h-64 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs whitespace-pre-wrap dark:bg-zinc-800">{m.policy.text.slice(0, 4096)}</pre>
        </details>
      ) : null}
    </Card>
  );
}

/** MTA-STS, TLS-RPT, DNSSEC and DANE cards; renders nothing for checks without a policy look-up (host mode). */
export function PolicySection({ policy }: { policy: PolicyResult | undefined }) {
  const t = useTranslations() as unknown as Translate;
  if (!policy || (!policy.mtaSts && !policy.tlsRpt && !policy.dnssec && !policy.dane)) return null;
  return (
    <div className="space-y-4">
      <div className="grid gap-4 lg:grid-cols-2">
        {policy.mtaSts ? <MtaStsCard m={policy.mtaSts} t={t} /> : null}
        {policy.tlsRpt ? (
          <Card className="p-4">
            <Head line={tlsRptLine(policy.tlsRpt)} t={t} />
            {policy.tlsRpt.records.length > 0 ? (
              <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                <Row k={t('policy.card.record')}>{policy.tlsRpt.records.map((r) => <code key={r} className="block font-mono text-xs break-all">{r}</code>)}</Row>
              </dl>
            ) : null}
          </Card>
        ) : null}
      </div>
      <DaneSection dnssec={policy.dnssec} dane={policy.dane} />
    </div>
  );
}

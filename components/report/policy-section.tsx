import type { MtaSts, PolicyResult } from '@/lib/probe/schema';
import { Card } from '@/components/ui/card';
import { StatusBadge } from '@/components/ui/badge';
import { mtaStsLine, tlsRptLine, type PolicyLine, type PolicyTone } from '@/lib/report/policy-view';
import type { StatusMeta } from '@/lib/report/status';
import { DaneSection } from './dane-section';

const TONE_META: Record<PolicyTone, StatusMeta> = {
  ok: { label: 'OK', icon: 'check', tone: 'good' },
  info: { label: 'Info', icon: 'info', tone: 'note' },
  warning: { label: 'Warning', icon: 'warning', tone: 'warn' },
  critical: { label: 'Critical', icon: 'cross', tone: 'bad' },
  untested: { label: 'Not tested', icon: 'question', tone: 'muted' },
};

function Head({ line }: { line: PolicyLine }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <h3 className="font-semibold">{line.label}</h3>
      <StatusBadge meta={TONE_META[line.tone]} />
      <span className="text-sm text-zinc-700 dark:text-zinc-300">{line.text}</span>
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

function MtaStsCard({ m }: { m: MtaSts }) {
  const f = m.fetch;
  return (
    <Card className="p-4">
      <Head line={mtaStsLine(m)} />
      <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        {m.records.length > 0 ? <Row k="Record">{m.records.map((r) => <code key={r} className="block font-mono text-xs">{r}</code>)}</Row> : null}
        {f ? (
          <>
            <Row k="Policy URL"><code className="font-mono text-xs break-all">{f.url}</code></Row>
            {f.address ? <Row k="Fetched from">{f.address}{f.status ? ` · HTTP ${f.status}` : ''}{f.contentType ? ` · ${f.contentType}` : ''}</Row> : null}
            {f.tls ? (
              <Row k="Certificate">
                {f.tls.trusted ? 'trusted' : `not trusted (${f.tls.verifyError ?? 'unknown'})`}, {f.tls.hostnameMatch ? 'valid for the name' : 'not valid for the name'}
              </Row>
            ) : null}
            {f.outcome !== 'fetched' ? <Row k="Fetch">{f.outcome}{f.errorMessage ? `: ${f.errorMessage}` : ''}{f.location ? ` → ${f.location}` : ''}</Row> : null}
          </>
        ) : null}
        {m.policy ? (
          <>
            <Row k="Mode">{m.policy.mode ?? '—'}</Row>
            <Row k="MX patterns">{m.policy.mx.length > 0 ? m.policy.mx.join(', ') : '—'}</Row>
            <Row k="max_age">{m.policy.maxAge !== undefined ? `${m.policy.maxAge} s` : '—'}</Row>
            {m.policy.errors.length > 0 ? <Row k="Problems">{m.policy.errors.join('; ')}</Row> : null}
          </>
        ) : null}
      </dl>
      {m.policy ? (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer text-zinc-700 dark:text-zinc-300">Policy text</summary>
          <pre className="mt-2 max-h-64 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs whitespace-pre-wrap dark:bg-zinc-800">{m.policy.text.slice(0, 4096)}</pre>
        </details>
      ) : null}
    </Card>
  );
}

/** MTA-STS, TLS-RPT, DNSSEC and DANE cards; renders nothing for checks without a policy look-up (host mode). */
export function PolicySection({ policy }: { policy: PolicyResult | undefined }) {
  if (!policy || (!policy.mtaSts && !policy.tlsRpt && !policy.dnssec && !policy.dane)) return null;
  return (
    <div className="space-y-4">
      <div className="grid gap-4 lg:grid-cols-2">
        {policy.mtaSts ? <MtaStsCard m={policy.mtaSts} /> : null}
        {policy.tlsRpt ? (
          <Card className="p-4">
            <Head line={tlsRptLine(policy.tlsRpt)} />
            {policy.tlsRpt.records.length > 0 ? (
              <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                <Row k="Record">{policy.tlsRpt.records.map((r) => <code key={r} className="block font-mono text-xs break-all">{r}</code>)}</Row>
              </dl>
            ) : null}
          </Card>
        ) : null}
      </div>
      <DaneSection dnssec={policy.dnssec} dane={policy.dane} />
    </div>
  );
}

import { useTranslations } from 'next-intl';
import type { Certificate, PortProbe, TlsMatrix } from '@/lib/probe/schema';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { StatusBadge } from '@/components/ui/badge';
import { buttonGhost } from '@/components/ui/button-styles';
import { CopyButton } from '@/components/ui/copy-button';
import { Icon } from '@/components/ui/icon';
import { ProgressBar } from '@/components/ui/progress-bar';
import { groupCertificates, validityElapsed, type CertGroup } from '@/lib/verdict/cert-groups';
import { daysSinceExpiry } from '@/lib/probe/findings/evaluate';
import { formatKey } from '@/lib/report/format';
import type { StatusMeta } from '@/lib/report/status';
import { TlsVersionChips } from './tls-matrix';

type CertT = ReturnType<typeof useTranslations<'cert'>>;

function trustMeta(g: CertGroup, t: CertT): { meta: StatusMeta; text: string } {
  const mismatched = Object.entries(g.hostnameMatch).filter(([, ok]) => ok === false).map(([host]) => host);
  if (g.trusted && mismatched.length) {
    return { meta: { label: t('wrongName'), icon: 'cross', tone: 'bad' }, text: t('wrongNameText', { hosts: mismatched.join(', ') }) };
  }
  if (g.trusted) return { meta: { label: t('trusted'), icon: 'check', tone: 'good' }, text: t('trustedText') };
  const why = t(`trustReason.${g.trustReason ?? 'other'}`);
  return {
    meta: { label: t('notTrusted'), icon: 'cross', tone: 'bad' },
    text: t('notTrustedText', { why, error: g.verifyError ? ` (${g.verifyError})` : '' }) + (g.mixedTrust ? t('mixed') : ''),
  };
}

function daysLeftText(days: number, t: CertT): string {
  if (days < 0) {
    const ago = daysSinceExpiry(days);
    return ago === 0 ? t('expiredToday') : t('expiredAgo', { days: ago });
  }
  return days === 0 ? t('expiresToday') : t('daysLeft', { days });
}

function ValidityBar({ cert, at }: { cert: Certificate; at: string }) {
  const t = useTranslations('cert');
  const f = useFormatters();
  const expired = cert.daysLeft < 0;
  // The bar shows what is left; an expired certificate gets a full red bar, the loudest reading.
  const left = expired ? 1 : Math.max(0.02, 1 - validityElapsed(cert, at));
  const soon = !expired && cert.daysLeft < 14;
  const color = expired ? 'red' : soon ? 'amber' : 'green';
  return (
    <div>
      <div className="flex flex-wrap justify-between gap-x-3 text-xs text-zinc-600 dark:text-zinc-400">
        <span>{t('from', { date: f.date(cert.notBefore) })}</span>
        <span>{t('until', { date: f.date(cert.notAfter) })}</span>
      </div>
      {/* The bar repeats the dates above and the words below; it is decoration for the eye. */}
      <ProgressBar value={left} color={color} className="mt-1 h-2" />
      <p className={`mt-1 text-sm font-medium ${expired ? 'text-red-700 dark:text-red-400' : soon ? 'text-amber-800 dark:text-amber-300' : 'text-zinc-800 dark:text-zinc-200'}`}>
        {expired || soon ? <Icon name="warning" className="mr-1 inline size-4 align-[-3px]" /> : null}
        {daysLeftText(cert.daysLeft, t)}
      </p>
    </div>
  );
}

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{term}</dt>
      <dd className="mt-0.5 text-sm break-words">{children}</dd>
    </div>
  );
}

function ChainItem({ cert, index }: { cert: Certificate; index: number }) {
  const t = useTranslations('cert');
  const f = useFormatters();
  const role = t(index === 0 ? 'leaf' : cert.inTrustStore ? 'rootTrusted' : cert.selfIssued ? 'rootUntrusted' : 'intermediate');
  return (
    <li className="relative pl-5">
      <span aria-hidden="true" className="absolute top-1 -left-[7px] size-3 rounded-full border-2 border-indigo-500 bg-white dark:bg-zinc-900" />
      <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{role}</p>
      <p className="text-sm font-medium break-words">{cert.commonName ?? cert.subject}</p>
      {index > 0 ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {t('chainUntil', { key: formatKey(cert.keyType, cert.keyBits, cert.curve), date: f.date(cert.notAfter) })}
          {cert.daysLeft < 0 ? t('expiredMark') : ''}
        </p>
      ) : null}
    </li>
  );
}

/** Which TLS versions each endpoint of this certificate accepted (the TLS matrix). */
function EndpointProtocols({ g, matrices }: { g: CertGroup; matrices: Map<string, TlsMatrix> }) {
  const t = useTranslations('tlsMatrix');
  const seen = new Set<string>();
  const rows = g.endpoints.flatMap((e) => {
    const k = `${e.address}|${e.port}`;
    const m = matrices.get(k);
    if (!m || seen.has(k)) return [];
    seen.add(k);
    return [{ k, e, m }];
  });
  if (rows.length === 0) return null;
  return (
    <div>
      <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{t('protocols')}</h4>
      <ul className="mt-2 space-y-2">
        {rows.map(({ k, e, m }) => (
          <li key={k} className="space-y-1">
            <p className="font-mono text-xs break-all text-zinc-600 dark:text-zinc-400">{t('endpoint', { address: e.address, port: e.port })}</p>
            <TlsVersionChips matrix={m} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function CertCard({ g, at, matrices }: { g: CertGroup; at: string; matrices: Map<string, TlsMatrix> }) {
  const t = useTranslations('cert');
  const copy = useTranslations('actions');
  const leaf = g.leaf;
  const trust = trustMeta(g, t);
  const sans = leaf.subjectAltNames.map((s) => s.replace(/^(DNS|IP Address|IP):/, ''));
  return (
    <article aria-labelledby={`cert-${g.sha256.slice(0, 11)}`} className="rounded-xl border border-zinc-200 bg-white p-4 sm:p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 id={`cert-${g.sha256.slice(0, 11)}`} className="font-semibold break-words">
            {leaf.commonName ?? leaf.subject}
          </h3>
          <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
            {t('seenOn', { hosts: g.hosts.join(', '), count: g.ports.length, ports: g.ports.join(', '), endpoints: g.endpoints.length })}
          </p>
        </div>
        <StatusBadge meta={trust.meta} />
      </header>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{trust.text}</p>

      <div className="mt-4 grid gap-5 lg:grid-cols-[1fr_16rem]">
        <div className="space-y-4">
          <ValidityBar cert={leaf} at={at} />
          <dl className="grid gap-3 sm:grid-cols-2">
            <Fact term={t('names')}>{sans.length ? sans.join(', ') : t('none')}</Fact>
            <Fact term={t('issuer')}>{leaf.issuer}</Fact>
            <Fact term={t('key')}>{formatKey(leaf.keyType, leaf.keyBits, leaf.curve)}</Fact>
            <Fact term={t('signature')}>{leaf.signatureAlgorithm}</Fact>
            <Fact term={t('hostMatch')}>
              <ul>
                {Object.entries(g.hostnameMatch).map(([host, ok]) => (
                  <li key={host} className="flex items-center gap-1">
                    <Icon name={ok === true ? 'check' : ok === false ? 'cross' : 'question'} className={`size-3.5 ${ok === false ? 'text-red-700 dark:text-red-400' : ''}`} />
                    <span>
                      {t('hostMatchLine', { host, result: ok === true ? t('matches') : ok === false ? t('noMatch') : t('unknown') })}
                    </span>
                  </li>
                ))}
              </ul>
            </Fact>
            <Fact term={t('serial')}>
              <span className="font-mono text-xs">{leaf.serialNumber}</span>
            </Fact>
          </dl>
          <div>
            <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{t('fingerprint')}</p>
            <div className="mt-0.5 flex flex-wrap items-start gap-2">
              <code className="min-w-0 flex-1 font-mono text-xs break-all">{leaf.sha256}</code>
              <CopyButton value={leaf.sha256} label={copy('copy')} className={buttonGhost} />
            </div>
          </div>
          <EndpointProtocols g={g} matrices={matrices} />
        </div>
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{t('chain')}</h4>
          <ol className="mt-3 ml-1.5 space-y-3 border-l-2 border-zinc-200 dark:border-zinc-700">
            {g.chain.map((c, i) => (
              <ChainItem key={`${c.sha256}-${i}`} cert={c} index={i} />
            ))}
          </ol>
        </div>
      </div>
    </article>
  );
}

export function Certificates({ probes, at }: { probes: PortProbe[]; at: string }) {
  const t = useTranslations('cert');
  const groups = groupCertificates(probes);
  const matrices = new Map(probes.flatMap((p) => (p.tlsMatrix ? [[`${p.address}|${p.port}`, p.tlsMatrix] as const] : [])));
  if (groups.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">{t('noneSeen')}</p>;
  }
  return (
    <div className="space-y-4">
      {groups.map((g) => (
        <CertCard key={g.sha256} g={g} at={at} matrices={matrices} />
      ))}
    </div>
  );
}

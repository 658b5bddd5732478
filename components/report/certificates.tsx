import type { Certificate, PortProbe, TrustReason } from '@/lib/probe/schema';
import { StatusBadge } from '@/components/ui/badge';
import { buttonGhost } from '@/components/ui/button-styles';
import { CopyButton } from '@/components/ui/copy-button';
import { Icon } from '@/components/ui/icon';
import { ProgressBar } from '@/components/ui/progress-bar';
import { groupCertificates, validityElapsed, type CertGroup } from '@/lib/verdict/cert-groups';
import { formatDate, formatDaysLeft, formatKey } from '@/lib/report/format';
import type { StatusMeta } from '@/lib/report/status';

const TRUST_REASON: Record<TrustReason, string> = {
  expired: 'the certificate has expired',
  'not-yet-valid': 'the certificate is not valid yet',
  'self-signed': 'it is self-signed',
  'unknown-issuer': 'it was issued by an authority clients do not know',
  'incomplete-chain': 'the server does not send the intermediate certificate',
  'bad-signature': 'a signature in the chain is invalid',
  other: 'the chain failed verification',
};

function trustMeta(g: CertGroup): { meta: StatusMeta; text: string } {
  const mismatched = Object.entries(g.hostnameMatch).filter(([, ok]) => ok === false).map(([host]) => host);
  if (g.trusted && mismatched.length) {
    return {
      meta: { label: 'Wrong name', icon: 'cross', tone: 'bad' },
      text: `The chain is trusted, but the certificate is not valid for ${mismatched.join(', ')}: clients that check names will refuse it.`,
    };
  }
  if (g.trusted) return { meta: { label: 'Trusted', icon: 'check', tone: 'good' }, text: 'The chain leads to a trusted root.' };
  const why = g.trustReason ? TRUST_REASON[g.trustReason] : 'the chain failed verification';
  return {
    meta: { label: 'Not trusted', icon: 'cross', tone: 'bad' },
    text: `Not trusted: ${why}${g.verifyError ? ` (${g.verifyError})` : ''}${g.mixedTrust ? '. Some endpoints present a chain that verifies, others do not.' : '.'}`,
  };
}

function ValidityBar({ cert, at }: { cert: Certificate; at: string }) {
  const expired = cert.daysLeft < 0;
  // The bar shows what is left; an expired certificate gets a full red bar, the loudest reading.
  const left = expired ? 1 : Math.max(0.02, 1 - validityElapsed(cert, at));
  const soon = !expired && cert.daysLeft < 14;
  const color = expired ? 'red' : soon ? 'amber' : 'green';
  return (
    <div>
      <div className="flex flex-wrap justify-between gap-x-3 text-xs text-zinc-600 dark:text-zinc-400">
        <span>From {formatDate(cert.notBefore)}</span>
        <span>Until {formatDate(cert.notAfter)}</span>
      </div>
      {/* The bar repeats the dates above and the words below; it is decoration for the eye. */}
      <ProgressBar value={left} color={color} className="mt-1 h-2" />
      <p className={`mt-1 text-sm font-medium ${expired ? 'text-red-700 dark:text-red-400' : soon ? 'text-amber-800 dark:text-amber-300' : 'text-zinc-800 dark:text-zinc-200'}`}>
        {expired || soon ? <Icon name="warning" className="mr-1 inline size-4 align-[-3px]" /> : null}
        {formatDaysLeft(cert.daysLeft)}
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
  const role =
    index === 0 ? 'Leaf' : cert.inTrustStore ? 'Root, trusted' : cert.selfIssued ? 'Root, not trusted' : 'Intermediate';
  return (
    <li className="relative pl-5">
      <span aria-hidden="true" className="absolute top-1 -left-[7px] size-3 rounded-full border-2 border-indigo-500 bg-white dark:bg-zinc-900" />
      <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{role}</p>
      <p className="text-sm font-medium break-words">{cert.commonName ?? cert.subject}</p>
      {index > 0 ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {formatKey(cert.keyType, cert.keyBits, cert.curve)} · until {formatDate(cert.notAfter)}
          {cert.daysLeft < 0 ? ' (expired)' : ''}
        </p>
      ) : null}
    </li>
  );
}

function CertCard({ g, at }: { g: CertGroup; at: string }) {
  const leaf = g.leaf;
  const trust = trustMeta(g);
  const sans = leaf.subjectAltNames.map((s) => s.replace(/^(DNS|IP Address|IP):/, ''));
  return (
    <article aria-labelledby={`cert-${g.sha256.slice(0, 11)}`} className="rounded-xl border border-zinc-200 bg-white p-4 sm:p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 id={`cert-${g.sha256.slice(0, 11)}`} className="font-semibold break-words">
            {leaf.commonName ?? leaf.subject}
          </h3>
          <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
            Seen on {g.hosts.join(', ')} · port{g.ports.length > 1 ? 's' : ''} {g.ports.join(', ')} · {g.endpoints.length} endpoint
            {g.endpoints.length === 1 ? '' : 's'}
          </p>
        </div>
        <StatusBadge meta={trust.meta} />
      </header>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{trust.text}</p>

      <div className="mt-4 grid gap-5 lg:grid-cols-[1fr_16rem]">
        <div className="space-y-4">
          <ValidityBar cert={leaf} at={at} />
          <dl className="grid gap-3 sm:grid-cols-2">
            <Fact term="Names (subjectAltName)">{sans.length ? sans.join(', ') : 'none'}</Fact>
            <Fact term="Issuer">{leaf.issuer}</Fact>
            <Fact term="Key">{formatKey(leaf.keyType, leaf.keyBits, leaf.curve)}</Fact>
            <Fact term="Signature">{leaf.signatureAlgorithm}</Fact>
            <Fact term="Host name match">
              <ul>
                {Object.entries(g.hostnameMatch).map(([host, ok]) => (
                  <li key={host} className="flex items-center gap-1">
                    <Icon name={ok === true ? 'check' : ok === false ? 'cross' : 'question'} className={`size-3.5 ${ok === false ? 'text-red-700 dark:text-red-400' : ''}`} />
                    <span>
                      {host}: {ok === true ? 'matches' : ok === false ? 'does not match' : 'unknown'}
                    </span>
                  </li>
                ))}
              </ul>
            </Fact>
            <Fact term="Serial">
              <span className="font-mono text-xs">{leaf.serialNumber}</span>
            </Fact>
          </dl>
          <div>
            <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">SHA-256 fingerprint</p>
            <div className="mt-0.5 flex flex-wrap items-start gap-2">
              <code className="min-w-0 flex-1 font-mono text-xs break-all">{leaf.sha256}</code>
              <CopyButton value={leaf.sha256} label="Copy" className={buttonGhost} />
            </div>
          </div>
        </div>
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Chain, leaf to root</h4>
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
  const groups = groupCertificates(probes);
  if (groups.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No TLS session was established, so no certificate was seen.</p>;
  }
  return (
    <div className="space-y-4">
      {groups.map((g) => (
        <CertCard key={g.sha256} g={g} at={at} />
      ))}
    </div>
  );
}

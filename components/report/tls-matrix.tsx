import { useTranslations } from 'next-intl';
import type { TlsMatrix, TlsSuiteTest, TlsVersionTest } from '@/lib/probe/schema';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { StatusBadge } from '@/components/ui/badge';
import type { StatusMeta, Tone } from '@/lib/report/status';
import { matrixCells, matrixVersionLabel } from '@/lib/verdict/tls-matrix-view';

type T = ReturnType<typeof useTranslations<'tlsMatrix'>>;

const ICON: Record<Tone, StatusMeta['icon']> = { good: 'check', note: 'info', warn: 'warning', bad: 'cross', muted: 'question' };

function meta(tone: Tone, label: string): StatusMeta {
  return { label, icon: ICON[tone], tone };
}

function statusWord(test: TlsVersionTest | TlsSuiteTest, t: T): string {
  return t(`status.${test.status}`);
}

/** The accepted suite, or why the entry could not be tested. */
function note(test: TlsVersionTest | TlsSuiteTest, t: T): string | undefined {
  if (test.status === 'untested') return t(`reason.${test.reason ?? 'aborted'}`);
  if (test.status === 'accepted' && test.cipher) return test.cipher;
  return undefined;
}

/** Which TLS versions and weak suite families a port accepted, each from its own handshake. */
export function TlsMatrixTable({ matrix, caption }: { matrix: TlsMatrix; caption?: string }) {
  const t = useTranslations('tlsMatrix');
  const f = useFormatters();
  const cells = matrixCells(matrix);
  const rows: { key: string; label: string; test: TlsVersionTest | TlsSuiteTest; tone: Tone }[] = [
    ...cells.versions.map((c) => ({ key: c.test.version, label: matrixVersionLabel(c.test.version), test: c.test, tone: c.tone })),
    ...cells.suites.map((c) => ({ key: c.test.family, label: t(`family.${c.test.family}`), test: c.test, tone: c.tone })),
  ];
  return (
    <table className="w-full text-xs">
      <caption className="mb-1 text-left text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
        {caption ?? t('caption')}
        <span className="ml-1 font-normal tracking-normal normal-case">{t('handshakes', { count: matrix.handshakes, ms: f.ms(matrix.ms) })}</span>
      </caption>
      <tbody>
        {rows.map((r, i) => (
          <tr key={r.key} className={`align-top ${i === cells.versions.length ? 'border-t-2' : 'border-t'} border-zinc-100 dark:border-zinc-800`}>
            <th scope="row" className="py-1 pr-2 text-left font-medium whitespace-nowrap">
              {r.label}
            </th>
            <td className="py-1 pr-2">
              <StatusBadge meta={meta(r.tone, statusWord(r.test, t))} />
            </td>
            <td className="py-1 text-zinc-600 [overflow-wrap:anywhere] dark:text-zinc-400">
              <span className={r.test.status === 'accepted' ? 'font-mono' : ''}>{note(r.test, t)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One line per endpoint for the certificate panel: the versions it accepts, as chips. */
export function TlsVersionChips({ matrix }: { matrix: TlsMatrix }) {
  const t = useTranslations('tlsMatrix');
  return (
    <ul className="flex flex-wrap gap-1">
      {matrixCells(matrix).versions.map((c) => (
        <li key={c.test.version}>
          <StatusBadge meta={meta(c.tone, `${matrixVersionLabel(c.test.version)} ${statusWord(c.test, t)}`)} />
        </li>
      ))}
    </ul>
  );
}

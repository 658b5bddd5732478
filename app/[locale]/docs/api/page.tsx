// GET /docs/api – the HTTP API, badges, embedding and the CLI for people, with curl examples on
// this site's own origin
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { DOMAIN_BADGE_MAX_AGE_DAYS, VERDICT_BADGE } from '@/lib/badge/badge-state';
import { getEnv } from '@/lib/env';
import { DEFAULT_IFRAME_HEIGHT, EMBED_HEIGHT_MESSAGE, EMBED_SANDBOX } from '@/lib/embed/snippets';
import { ApiErrorCodeSchema, MAX_BODY_BYTES } from '@/lib/http/api-schemas';
import { ERROR_STATUS } from '@/lib/http/problem';
import { publicOrigin } from '@/lib/http/public-origin';
import { alternatesFor } from '@/lib/i18n/alternates';
import { localizedFindingText } from '@/lib/i18n/finding-text';
import type { Locale } from '@/lib/i18n/locales';
import { verifySnippet } from '@/lib/monitors/webhook-signature';
import { CodeBlock } from './code-block';

export async function generateMetadata({ params }: { params: Promise<{ locale: Locale }> }): Promise<Metadata> {
  const t = await getTranslations({ locale: (await params).locale, namespace: 'docs' });
  return { title: t('metaTitle'), description: t('metaDescription'), alternates: alternatesFor('/docs/api') };
}

const TOC = ['quick-start', 'start', 'events', 'result', 'export', 'history', 'monitors', 'badges', 'embed', 'errors', 'cli'] as const;

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="scroll-mt-6">
      <h2 id={`${id}-title`} className="text-xl font-semibold tracking-tight">
        {title}
      </h2>
      <div className="mt-2 space-y-3 text-[15px] leading-relaxed text-zinc-700 dark:text-zinc-300">{children}</div>
    </section>
  );
}

const C = ({ children }: { children: ReactNode }) => (
  <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[13px] text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100">{children}</code>
);

function trustProxy(): boolean {
  try {
    return getEnv().TRUST_PROXY;
  } catch {
    return false;
  }
}

const link = 'font-medium text-indigo-700 underline dark:text-indigo-300';
/** What ?lang=fr adds to a finding, rendered by the function the API uses, so the example cannot drift. */
const EXAMPLE_PARAMS = { host: 'mx1.example.com', days: 9, notAfter: '2026-12-10' };
const EXAMPLE_FINDING_FR = {
  code: 'cert.expiring-soon',
  severity: 'warning',
  untested: false,
  scope: 'host',
  host: 'mx1.example.com',
  params: EXAMPLE_PARAMS,
  ...localizedFindingText('fr', 'cert.expiring-soon', EXAMPLE_PARAMS),
};

const rich = {
  c: (chunks: ReactNode) => <C>{chunks}</C>,
  strong: (chunks: ReactNode) => <strong>{chunks}</strong>,
  openapi: (chunks: ReactNode) => <a className={link} href="/api/openapi.json">{chunks}</a>,
  schema: (chunks: ReactNode) => <a className={link} href="/schema/check-result.schema.json">{chunks}</a>,
  events: (chunks: ReactNode) => <a className={link} href="/schema/check-event.schema.json">{chunks}</a>,
};

export default async function ApiDocsPage({ params }: { params: Promise<{ locale: Locale }> }) {
  setRequestLocale((await params).locale);
  const t = await getTranslations('docs');
  const origin = publicOrigin(await headers(), { trustProxy: trustProxy() });
  const id = 'Vx3kQ9mT2bYpLw7nR4sD1a';
  return (
    <div className="mx-auto w-full max-w-3xl px-4 py-8 sm:px-6 sm:py-10">
      <header>
        <p className="text-sm font-medium text-zinc-600 dark:text-zinc-400">{t('kicker')}</p>
        <h1 className="mt-0.5 text-3xl font-semibold tracking-tight">{t('title')}</h1>
        <p className="mt-3 text-zinc-700 dark:text-zinc-300">{t.rich('intro', rich)}</p>
        <nav aria-label={t('toc')} className="mt-5 rounded-xl border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
          <ol className="grid gap-x-6 gap-y-1 sm:grid-cols-3">
            {TOC.map((href) => (
              <li key={href}>
                <a href={`#${href}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                  {t(`sections.${href}`)}
                </a>
              </li>
            ))}
          </ol>
        </nav>
      </header>

      <div className="mt-10 space-y-12">
        <Section id="quick-start" title={t('sections.quick-start')}>
          <p>{t.rich('quick1', rich)}</p>
          <CodeBlock
            label="shell"
            code={[
              `MXRAY=${origin}`,
              `id=$(curl -sS -o /dev/null -w '%header{x-check-id}' -X POST "$MXRAY/api/checks" \\`,
              `  -H 'content-type: application/json' -d '{"domain":"example.com"}')`,
              `curl -sS -N "$MXRAY/api/checks/$id/events" > /dev/null   # ${t('comment.eventsDone')}`,
              `curl -sS "$MXRAY/api/checks/$id?format=result" -o result.json`,
              `curl -sS "$MXRAY/api/checks/$id?format=csv" -o ports.csv`,
              `echo "$MXRAY/check/$id"`,
            ].join('\n')}
          />
          <p>{t.rich('quick2', rich)}</p>
        </Section>

        <Section id="start" title={t('sections.start')}>
          <p>{t.rich('start1', rich)}</p>
          <CodeBlock label={t('request')} code={`curl -sS -X POST ${origin}/api/checks \\\n  -H 'content-type: application/json' \\\n  -d '{"domain":"example.com"}'`} />
          <CodeBlock
            label={t('created')}
            copy={false}
            code={JSON.stringify({ id, status: 'running', deduped: false, urls: { self: `/api/checks/${id}`, events: `/api/checks/${id}/events`, permalink: `/check/${id}` } }, null, 2)}
          />
          <p>{t.rich('start2', rich)}</p>
          <p>{t.rich('relayTest', rich)}</p>
          <p>{t.rich('visibility', rich)}</p>
        </Section>

        <Section id="events" title={t('sections.events')}>
          <p>{t.rich('events1', rich)}</p>
          <CodeBlock label={t('request')} code={`curl -N ${origin}/api/checks/${id}/events`} />
          <CodeBlock
            label={t('stream')}
            copy={false}
            code={[
              ': mxray event stream',
              'retry: 3000',
              '',
              'id: 1',
              'event: check-started',
              'data: {"type":"check-started","target":{"input":"example.com","mode":"domain",…},"startedAt":"…"}',
              '',
              'id: 5',
              'event: probe-done',
              'data: {"type":"probe-done","probe":{"host":"mx1.example.com","port":25,"outcome":"success",…}}',
              '',
              'id: 18',
              'event: check-done',
              'data: {"type":"check-done","result":{"schemaVersion":1,…}}',
            ].join('\n')}
          />
          <p>{t.rich('events2', rich)}</p>
        </Section>

        <Section id="result" title={t('sections.result')}>
          <p>{t.rich('result1', rich)}</p>
          <CodeBlock label={t('request')} code={`curl -sS ${origin}/api/checks/${id}`} />
          <p>{t.rich('lang', rich)}</p>
          <p>{t.rich('langFindings', rich)}</p>
          <CodeBlock label={t('request')} code={`curl -sS -H 'Accept-Language: fr' ${origin}/api/checks/${id}\ncurl -sS "${origin}/api/checks/${id}?lang=fr"`} />
          <CodeBlock label={t('langFinding')} code={JSON.stringify(EXAMPLE_FINDING_FR, null, 2)} />
          <p>{t.rich('result2', rich)}</p>
        </Section>

        <Section id="export" title={t('sections.export')}>
          <p>{t.rich('export1', rich)}</p>
          <div className="overflow-x-auto">
            <table className="w-full border-collapse text-left text-sm">
              <thead>
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th scope="col" className="py-2 pr-4 font-semibold">{t('query')}</th>
                  <th scope="col" className="py-2 font-semibold">{t('whatYouGet')}</th>
                </tr>
              </thead>
              <tbody className="align-top">
                <tr className="border-b border-zinc-100 dark:border-zinc-800/60">
                  <td className="py-2 pr-4"><C>?format=result</C></td>
                  <td className="py-2">{t.rich('exportResult', rich)}</td>
                </tr>
                <tr className="border-b border-zinc-100 dark:border-zinc-800/60">
                  <td className="py-2 pr-4"><C>?format=csv</C></td>
                  <td className="py-2">{t('exportCsv')}</td>
                </tr>
                <tr>
                  <td className="py-2 pr-4 whitespace-nowrap"><C>?format=csv&amp;table=certificates</C></td>
                  <td className="py-2">{t('exportCerts')}</td>
                </tr>
              </tbody>
            </table>
          </div>
          <p>{t.rich('export2', rich)}</p>
          <CodeBlock label={t('request')} code={`curl -sS -OJ "${origin}/api/checks/${id}?format=csv&table=certificates"`} />
        </Section>

        <Section id="history" title={t('sections.history')}>
          <p>{t.rich('history1', rich)}</p>
          <CodeBlock label={t('request')} code={`curl -sS "${origin}/api/domains/example.com/checks?limit=10"`} />
          <p>{t.rich('history2', rich)}</p>
          <CodeBlock label={t('request')} code={`curl -sS "${origin}/api/domains/example.com/compare?from=<older id>&to=<newer id>"`} />
          <p>{t.rich('history3', rich)}</p>
        </Section>

        <Section id="monitors" title={t('sections.monitors')}>
          <p>{t.rich('monitors1', rich)}</p>
          <CodeBlock
            label={t('request')}
            code={`curl -sS -X POST ${origin}/api/monitors -H 'Content-Type: application/json' -d '{"domain":"example.com","interval":86400,"conditions":{"certExpiresWithinDays":14},"targets":[{"type":"webhook","url":"https://hooks.example.com/mxray"}]}'`}
          />
          <p>{t.rich('monitors2', rich)}</p>
          <CodeBlock label={t('request')} code={`curl -sS -X PATCH ${origin}/api/monitors/<token> -H 'Content-Type: application/json' -d '{"paused":true}'`} />
          <p>{t.rich('monitors3', rich)}</p>
          <p>{t.rich('monitors4', rich)}</p>
          <CodeBlock label={t('monitorsVerify')} code={verifySnippet(t('comment.rawBody'))} />
        </Section>

        <Section id="badges" title={t('sections.badges')}>
          <p>{t('badges1')}</p>
          <ul className="list-disc space-y-1 pl-5">
            <li>{t.rich('badgesDomain', { ...rich, days: DOMAIN_BADGE_MAX_AGE_DAYS })}</li>
            <li>{t.rich('badgesCheck', rich)}</li>
            <li>{t.rich('badgesLang', rich)}</li>
          </ul>
          <p>
            {t('values')} {Object.values(VERDICT_BADGE).map((v, i, all) => (
              <span key={v.value}>
                <C>{v.value}</C>
                {i < all.length - 1 ? ', ' : '.'}
              </span>
            ))}
          </p>
          <CodeBlock label="Markdown" code={`[![Mail servers of example.com](${origin}/badge/example.com.svg)](${origin}/check/${id})`} />
        </Section>

        <Section id="embed" title={t('sections.embed')}>
          <p>{t.rich('embed1', rich)}</p>
          <CodeBlock label={t('embedScript')} code={`<script src="${origin}/embed.js" data-check="${id}" async></script>`} />
          <CodeBlock label={t('embedDomain')} code={`<script src="${origin}/embed.js" data-domain="example.com" data-theme="dark" async></script>`} />
          <CodeBlock
            label={t('embedIframe')}
            code={`<iframe src="${origin}/embed/${id}" title="Mail servers of example.com" width="100%" height="${DEFAULT_IFRAME_HEIGHT}"\n  style="border:0;max-width:640px;color-scheme:light dark" loading="lazy"\n  sandbox="${EMBED_SANDBOX}"></iframe>`}
          />
          <p>{t.rich('embed2', { ...rich, payload: `{ type: "${EMBED_HEIGHT_MESSAGE}", height }` })}</p>
        </Section>

        <Section id="errors" title={t('sections.errors')}>
          <p>{t.rich('errors1', rich)}</p>
          <div className="overflow-x-auto">
            <table className="w-full border-collapse text-left text-sm">
              <thead>
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th scope="col" className="py-2 pr-4 font-semibold">{t('status')}</th>
                  <th scope="col" className="py-2 pr-4 font-semibold">{t('code')}</th>
                  <th scope="col" className="py-2 font-semibold">{t('meaningHeader')}</th>
                </tr>
              </thead>
              <tbody className="align-top">
                {ApiErrorCodeSchema.options.map((code) => (
                  <tr key={code} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
                    <td className="py-2 pr-4 tabular-nums">{ERROR_STATUS[code]}</td>
                    <td className="py-2 pr-4"><C>{code}</C></td>
                    <td className="py-2">{t(`meaning.${code}`, { bytes: MAX_BODY_BYTES })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>{t.rich('errors2', rich)}</p>
        </Section>

        <Section id="cli" title={t('sections.cli')}>
          <p>{t.rich('cli1', rich)}</p>
          <CodeBlock
            label="shell"
            code={[
              `npx mxray check example.com              # ${t('comment.cliDomain')}`,
              `npx mxray check --host smtp.example.com  # ${t('comment.cliHost')}`,
              `npx mxray check example.com --json       # ${t('comment.cliJson')}`,
            ].join('\n')}
          />
          <p>{t.rich('cli2', rich)}</p>
        </Section>
      </div>
    </div>
  );
}

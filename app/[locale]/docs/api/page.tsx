// GET /docs/api – the HTTP API, badges, embedding and the CLI for people, with curl examples on
// this site's own origin
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { DOMAIN_BADGE_MAX_AGE_DAYS, VERDICT_BADGE } from '@/lib/badge/badge-state';
import { getEnv } from '@/lib/env';
import { DEFAULT_IFRAME_HEIGHT, EMBED_HEIGHT_MESSAGE, EMBED_SANDBOX } from '@/lib/embed/snippets';
import { ApiErrorCodeSchema, MAX_BODY_BYTES } from '@/lib/http/api-schemas';
import { ERROR_STATUS } from '@/lib/http/problem';
import { publicOrigin } from '@/lib/http/public-origin';
import { CodeBlock } from './code-block';

export const metadata: Metadata = {
  title: 'API and CLI',
  description: 'Start a mail server check with curl, follow it live, export the result, and embed badges and widgets.',
};

const ERROR_MEANING: Record<(typeof ApiErrorCodeSchema.options)[number], string> = {
  invalid_input: 'Not a usable domain, check id or parameter; details say why.',
  invalid_json: 'The body is not JSON.',
  unsupported_media_type: 'Send Content-Type: application/json.',
  not_found: 'No check with this id.',
  not_ready: 'The check has no result yet (or was interrupted); follow its events first.',
  payload_too_large: `The body is over ${MAX_BODY_BYTES} bytes.`,
  rate_limited: 'Too many new checks from your address; wait Retry-After seconds.',
  saturated: 'Every check slot is taken; wait Retry-After seconds.',
  method_not_allowed: 'The path exists, the method does not (see Allow).',
  internal: 'Our fault; the server logged it.',
};

const TOC = [
  ['quick-start', 'Quick start'],
  ['start', 'Start a check'],
  ['events', 'Follow it live'],
  ['result', 'Read the result'],
  ['export', 'Export JSON and CSV'],
  ['badges', 'Badges'],
  ['embed', 'Embed the widget'],
  ['errors', 'Errors and limits'],
  ['cli', 'Command line'],
] as const;

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

export default async function ApiDocsPage() {
  const origin = publicOrigin(await headers(), { trustProxy: trustProxy() });
  const id = 'Vx3kQ9mT2bYpLw7nR4sD1a';
  return (
    <div className="mx-auto w-full max-w-3xl px-4 py-8 sm:px-6 sm:py-10">
      <header>
        <p className="text-sm font-medium text-zinc-600 dark:text-zinc-400">Developers</p>
        <h1 className="mt-0.5 text-3xl font-semibold tracking-tight">API, badges, embedding and CLI</h1>
        <p className="mt-3 text-zinc-700 dark:text-zinc-300">
          Everything the web page does is a plain HTTP call: start a check, follow its events, read the result. JSON in,
          JSON out; the machine-readable description is <a className="font-medium text-indigo-700 underline dark:text-indigo-300" href="/api/openapi.json">/api/openapi.json</a>{' '}
          (OpenAPI 3.1, generated from the same schemas the server validates with). A check id is an unguessable
          capability: whoever has it can read the check, nobody else can find it.
        </p>
        <nav aria-label="On this page" className="mt-5 rounded-xl border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
          <ol className="grid gap-x-6 gap-y-1 sm:grid-cols-3">
            {TOC.map(([href, text]) => (
              <li key={href}>
                <a href={`#${href}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                  {text}
                </a>
              </li>
            ))}
          </ol>
        </nav>
      </header>

      <div className="mt-10 space-y-12">
        <Section id="quick-start" title="Quick start">
          <p>
            A whole check with curl alone: start it, wait for its event stream to end (it closes when the check is done),
            then download the result.
          </p>
          <CodeBlock
            label="shell"
            code={[
              `MXRAY=${origin}`,
              `id=$(curl -sS -o /dev/null -w '%header{x-check-id}' -X POST "$MXRAY/api/checks" \\`,
              `  -H 'content-type: application/json' -d '{"domain":"example.com"}')`,
              `curl -sS -N "$MXRAY/api/checks/$id/events" > /dev/null   # returns when the check is done`,
              `curl -sS "$MXRAY/api/checks/$id?format=result" -o result.json`,
              `curl -sS "$MXRAY/api/checks/$id?format=csv" -o ports.csv`,
              `echo "$MXRAY/check/$id"`,
            ].join('\n')}
          />
          <p>
            <C>%header{'{…}'}</C> needs curl 7.84 or later; with an older curl, read <C>id</C> from the JSON answer instead.
          </p>
        </Section>

        <Section id="start" title="Start a check">
          <p>
            <C>POST /api/checks</C> with <C>{'{"domain": "example.com"}'}</C> probes every MX host and address of the
            domain on ports 25, 465, 587 and 2525. Add <C>{'"mode": "host"'}</C> to test one server by name (a
            submission server, say) instead of a domain&apos;s MX hosts. Unicode domains are fine.
          </p>
          <CodeBlock label="request" code={`curl -sS -X POST ${origin}/api/checks \\\n  -H 'content-type: application/json' \\\n  -d '{"domain":"example.com"}'`} />
          <CodeBlock
            label="201 Created (Location and X-Check-Id headers name the check)"
            copy={false}
            code={JSON.stringify({ id, status: 'running', deduped: false, urls: { self: `/api/checks/${id}`, events: `/api/checks/${id}/events`, permalink: `/check/${id}` } }, null, 2)}
          />
          <p>
            The same domain asked again while its check runs, or just after it finished, answers <C>200</C> with that
            check and <C>{'"deduped": true'}</C>: the servers are not probed twice. The check runs on the server whether
            or not anyone watches; <C>urls.permalink</C> is its page.
          </p>
        </Section>

        <Section id="events" title="Follow it live">
          <p>
            <C>GET /api/checks/:id/events</C> is a Server-Sent Events stream: every event so far, then the live ones, and
            it closes after <C>check-done</C>. Each event carries its sequence number as <C>id</C>; its <C>data</C> is one
            line of JSON (the CheckEvent schema). <C>-N</C> keeps curl from buffering.
          </p>
          <CodeBlock label="request" code={`curl -N ${origin}/api/checks/${id}/events`} />
          <CodeBlock
            label="stream (shortened)"
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
          <p>
            Event types, in order: <C>check-started</C>, <C>dns-done</C>, <C>probes-planned</C>, then per probe{' '}
            <C>probe-connected</C>, <C>probe-greeting</C>, <C>probe-ehlo</C>, <C>probe-tls</C>, <C>probe-done</C>, and
            finally <C>check-done</C> with the full result. A check cut short (server restart) ends with one{' '}
            <C>interrupted</C> event instead. To resume, send <C>Last-Event-ID: &lt;seq&gt;</C> (or{' '}
            <C>?lastEventId=</C>); a finished check with nothing left to send answers <C>204</C>.
          </p>
        </Section>

        <Section id="result" title="Read the result">
          <p>
            <C>GET /api/checks/:id</C> gives the check&apos;s <C>status</C> (<C>queued</C>, <C>running</C>, <C>done</C>,{' '}
            <C>interrupted</C>) and, once done, its <C>result</C>: DNS, every probe with banner, EHLO capabilities, TLS and
            certificate chain, the findings and the summary (<C>result.summary.verdict</C> is <C>ok</C>, <C>info</C>,{' '}
            <C>warning</C>, <C>critical</C> or <C>untested</C>). Polling works too, but the event stream tells you the
            moment it ends.
          </p>
          <CodeBlock label="request" code={`curl -sS ${origin}/api/checks/${id}`} />
          <p>
            The result&apos;s JSON Schema: <a className="text-indigo-700 underline dark:text-indigo-300" href="/schema/check-result.schema.json">/schema/check-result.schema.json</a>; events:{' '}
            <a className="text-indigo-700 underline dark:text-indigo-300" href="/schema/check-event.schema.json">/schema/check-event.schema.json</a>.
          </p>
        </Section>

        <Section id="export" title="Export JSON and CSV">
          <p>
            Exports are a query parameter on the same URL (not an Accept header), so they are plain links that a browser,
            a spreadsheet&apos;s &ldquo;import from URL&rdquo; or curl can follow. Each is a download named after the domain
            and the time of the check. A check without a result yet answers <C>409 not_ready</C>.
          </p>
          <div className="overflow-x-auto">
            <table className="w-full border-collapse text-left text-sm">
              <thead>
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th scope="col" className="py-2 pr-4 font-semibold">Query</th>
                  <th scope="col" className="py-2 font-semibold">What you get</th>
                </tr>
              </thead>
              <tbody className="align-top">
                <tr className="border-b border-zinc-100 dark:border-zinc-800/60">
                  <td className="py-2 pr-4"><C>?format=result</C></td>
                  <td className="py-2">The full result, exactly the CheckResult schema (<C>application/json</C>).</td>
                </tr>
                <tr className="border-b border-zinc-100 dark:border-zinc-800/60">
                  <td className="py-2 pr-4"><C>?format=csv</C></td>
                  <td className="py-2">The port table: one row per MX host × address × port, with status, outcome, encryption, TLS version, certificate trust and days left, AUTH, banner and finding codes.</td>
                </tr>
                <tr>
                  <td className="py-2 pr-4 whitespace-nowrap"><C>?format=csv&amp;table=certificates</C></td>
                  <td className="py-2">Every certificate of every distinct chain, leaf first, with validity, key, fingerprint, trust and where it was seen.</td>
                </tr>
              </tbody>
            </table>
          </div>
          <p>
            CSV follows RFC 4180: UTF-8, a header row, CRLF line ends, fields with commas, quotes or line breaks quoted.
            Text that a spreadsheet would run as a formula (a banner starting with <C>=</C>, say) is prefixed with an
            apostrophe.
          </p>
          <CodeBlock label="request" code={`curl -sS -OJ "${origin}/api/checks/${id}?format=csv&table=certificates"`} />
        </Section>

        <Section id="badges" title="Badges">
          <p>SVG badges for READMEs and status pages, in the familiar flat style:</p>
          <ul className="list-disc space-y-1 pl-5">
            <li>
              <C>/badge/&lt;domain&gt;.svg</C>: the verdict of the domain&apos;s last finished check, cached for 5
              minutes. When there is none, or it is older than {DOMAIN_BADGE_MAX_AGE_DAYS} days, the badge says so. A badge
              never starts a check: run one (the API above, on a schedule if you like) to refresh it.
            </li>
            <li>
              <C>/badge/check/&lt;id&gt;.svg</C>: the verdict of one check, which never changes (cached for a year once
              done; &ldquo;checking…&rdquo; while it runs).
            </li>
          </ul>
          <p>
            Values: {Object.values(VERDICT_BADGE).map((v, i, all) => (
              <span key={v.value}>
                <C>{v.value}</C>
                {i < all.length - 1 ? ', ' : '.'}
              </span>
            ))}
          </p>
          <CodeBlock label="Markdown" code={`[![Mail servers of example.com](${origin}/badge/example.com.svg)](${origin}/check/${id})`} />
        </Section>

        <Section id="embed" title="Embed the widget">
          <p>
            A compact view of one check for other sites: domain, verdict, one line per MX host with ports 25, 465, 587 and
            2525, the first certificate to expire, and a link to the full report. It follows a running check live.
            Themes: <C>?theme=light</C>, <C>dark</C> or <C>auto</C> (the visitor&apos;s setting). It fits widths from 280 px.
            The &ldquo;Embed&rdquo; button on a check&apos;s page gives these snippets ready to copy.
          </p>
          <CodeBlock label="script (keeps the frame's height in step with the widget)" code={`<script src="${origin}/embed.js" data-check="${id}" async></script>`} />
          <CodeBlock label="script, the latest check of a domain" code={`<script src="${origin}/embed.js" data-domain="example.com" data-theme="dark" async></script>`} />
          <CodeBlock
            label="iframe (no script; fixed height)"
            code={`<iframe src="${origin}/embed/${id}" title="Mail servers of example.com" width="100%" height="${DEFAULT_IFRAME_HEIGHT}"\n  style="border:0;max-width:640px;color-scheme:light dark" loading="lazy"\n  sandbox="${EMBED_SANDBOX}"></iframe>`}
          />
          <p>
            Only <C>/embed/…</C> pages may be framed by other sites; every other page refuses. The widget posts{' '}
            <C>{`{ type: "${EMBED_HEIGHT_MESSAGE}", height }`}</C> to its parent whenever its height changes;{' '}
            <C>embed.js</C> accepts it only from its own iframe and from this origin.
          </p>
        </Section>

        <Section id="errors" title="Errors and limits">
          <p>
            Every error is JSON: <C>{'{ "error": { "code", "message", "details"? } }'}</C>. Branch on <C>code</C>; the
            message is for people.
          </p>
          <div className="overflow-x-auto">
            <table className="w-full border-collapse text-left text-sm">
              <thead>
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th scope="col" className="py-2 pr-4 font-semibold">Status</th>
                  <th scope="col" className="py-2 pr-4 font-semibold">Code</th>
                  <th scope="col" className="py-2 font-semibold">Meaning</th>
                </tr>
              </thead>
              <tbody className="align-top">
                {ApiErrorCodeSchema.options.map((code) => (
                  <tr key={code} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
                    <td className="py-2 pr-4 tabular-nums">{ERROR_STATUS[code]}</td>
                    <td className="py-2 pr-4"><C>{code}</C></td>
                    <td className="py-2">{ERROR_MEANING[code]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            New checks are rate-limited per client address (a token bucket); <C>429</C> and <C>503</C> carry{' '}
            <C>Retry-After</C>. Reading checks, events, exports and badges is not limited the same way.
          </p>
        </Section>

        <Section id="cli" title="Command line">
          <p>
            The <C>mxray</C> CLI runs the very same engine locally, without the web app: after <C>npm ci</C> in the
            repository, <C>npx mxray</C>.
          </p>
          <CodeBlock
            label="shell"
            code={[
              'npx mxray check example.com              # every MX host and address, ports 25/465/587/2525',
              'npx mxray check --host smtp.example.com  # one server, e.g. your submission server',
              'npx mxray check example.com --json       # the result as JSON (the CheckResult schema)',
            ].join('\n')}
          />
          <p>
            Exit status: <C>0</C> no critical finding, <C>1</C> at least one critical finding, <C>2</C> bad input or a DNS
            failure that leaves nothing to probe, so it drops into CI as is. Options: <C>--no-color</C>, <C>-h</C>,{' '}
            <C>-v</C>. It reads the same environment as the server (<C>DNS_SERVERS</C>, timeouts, …).
          </p>
        </Section>
      </div>
    </div>
  );
}

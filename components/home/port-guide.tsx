import { Icon } from '@/components/ui/icon';
import { PORT_LEGEND, type PortLegend } from '@/lib/report/port-legend';

function Fact({ term, children, wide }: { term: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={`border-t border-zinc-100 py-2 text-sm dark:border-zinc-800 ${wide ? 'col-span-2' : ''}`}>
      <dt className="text-xs font-medium text-zinc-500 dark:text-zinc-400">{term}</dt>
      <dd className="mt-0.5 text-zinc-900 dark:text-zinc-100">{children}</dd>
    </div>
  );
}

function PortCard({ p }: { p: PortLegend }) {
  const risky = p.downgradeRisk === 'yes';
  return (
    <article aria-labelledby={`port-${p.port}-title`} className="flex flex-col rounded-xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <header>
        <p className="font-mono text-3xl font-semibold tracking-tight text-indigo-700 dark:text-indigo-300">{p.port}</p>
        <h3 id={`port-${p.port}-title`} className="mt-1 font-semibold">
          <span className="sr-only">Port {p.port}: </span>
          {p.name}
        </h3>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{p.roleText}</p>
      </header>
      <dl className="mt-3 grid grid-cols-2 gap-x-4">
        <Fact term="Standard">
          {p.rfc ? (
            <a href={p.rfc.url} className="underline decoration-zinc-400 underline-offset-2 hover:decoration-indigo-500">
              {p.rfc.id}
            </a>
          ) : (
            'None (convention)'
          )}
        </Fact>
        <Fact term="Encryption">{p.encryption}</Fact>
        <Fact term="Login">{p.authentication}</Fact>
        <Fact term="Downgrade risk">
          <span className={`inline-flex items-center gap-1 font-medium ${risky ? 'text-amber-800 dark:text-amber-300' : 'text-emerald-800 dark:text-emerald-300'}`}>
            <Icon name={risky ? 'warning' : 'lock'} className="size-3.5" />
            {risky ? 'Yes' : 'No'}
          </span>
        </Fact>
        <Fact term="Use it for" wide>
          {p.recommendedUse}
        </Fact>
      </dl>
      <p className="mt-3 text-sm leading-relaxed text-zinc-700 dark:text-zinc-300">{p.details}</p>
    </article>
  );
}

/** The four ports explained, from the same data the result table's legend uses. */
export function PortGuide() {
  return (
    <section aria-labelledby="ports-title" className="mx-auto w-full max-w-6xl px-4 py-14 sm:px-6">
      <h2 id="ports-title" className="text-2xl font-semibold tracking-tight sm:text-3xl">
        Ports 25, 465, 587 and 2525: which does what?
      </h2>
      <div className="mt-4 grid max-w-4xl gap-4 text-zinc-700 sm:grid-cols-2 dark:text-zinc-300">
        <p>
          <strong className="text-zinc-900 dark:text-zinc-100">Relay</strong> is one mail server handing a message to the
          recipient’s server, found through the domain’s MX records. <strong className="text-zinc-900 dark:text-zinc-100">Submission</strong>{' '}
          is your mail client or application handing a message to its outgoing server, after logging in.
        </p>
        <p>
          Encryption starts in one of two ways. With <strong className="text-zinc-900 dark:text-zinc-100">STARTTLS</strong> the
          session begins in clear text and switches to TLS on request; with{' '}
          <strong className="text-zinc-900 dark:text-zinc-100">implicit TLS</strong> it is encrypted from the first byte.
        </p>
      </div>

      <div className="mt-8 grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {PORT_LEGEND.map((p) => (
          <PortCard key={p.port} p={p} />
        ))}
      </div>

      <div className="mt-10 grid gap-6 lg:grid-cols-2">
        <div>
          <h3 className="text-lg font-semibold">Which port should I use?</h3>
          <ul className="mt-3 space-y-3 text-sm leading-relaxed text-zinc-700 dark:text-zinc-300">
            <li>
              <strong className="text-zinc-900 dark:text-zinc-100">Mail client</strong> (Thunderbird, Outlook, Apple Mail):
              port 465 with implicit TLS if your provider offers it, otherwise 587 with STARTTLS.
            </li>
            <li>
              <strong className="text-zinc-900 dark:text-zinc-100">Application or script</strong>: port 587 first, the most
              widely supported; 465 works too. Use 2525 only when your host blocks 587.
            </li>
            <li>
              <strong className="text-zinc-900 dark:text-zinc-100">Your own MX server</strong>: port 25 is the only port other
              servers deliver to. Enable STARTTLS with a valid certificate.
            </li>
            <li>
              <strong className="text-zinc-900 dark:text-zinc-100">Never port 25 from a client or an app</strong>: it has no
              login, and most ISPs and clouds block it outbound. Use an authenticated relay on 587 or 465 instead.
            </li>
          </ul>
        </div>
        <div>
          <h3 className="text-lg font-semibold">Why implicit TLS is safer</h3>
          <p className="mt-3 text-sm leading-relaxed text-zinc-700 dark:text-zinc-300">
            STARTTLS (RFC 3207) has a clear-text opening. An attacker on the network path can delete the server’s{' '}
            <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs dark:bg-zinc-800">250-STARTTLS</code> line, and a
            client that does not insist on TLS carries on unencrypted, password included: a downgrade attack. Implicit TLS
            has no clear-text phase to tamper with, which is why RFC 8314 (2018) prefers port 465 for submission. Port 587
            remains perfectly acceptable when the client is set to require TLS.
          </p>
        </div>
      </div>
    </section>
  );
}

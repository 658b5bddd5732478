'use client';

import { useTranslations } from 'next-intl';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Icon } from '@/components/ui/icon';
import { buttonPrimary } from '@/components/ui/button-styles';
import { useRouter } from '@/lib/i18n/navigation';
import { startCheck } from '@/lib/report/start-check';
import { domainInputProblem } from './domain-input-problem';
import { useStartErrorText, useStartFetch } from './start-error-text';

const EXAMPLES: { value: string; host: boolean }[] = [
  { value: 'gmail.com', host: false },
  { value: 'proton.me', host: false },
  { value: 'fastmail.com', host: false },
  { value: 'smtp.fastmail.com', host: true },
];

export function CheckForm() {
  const t = useTranslations('form');
  const startErrorText = useStartErrorText();
  const startFetch = useStartFetch();
  const router = useRouter();
  const ids = { input: useId(), hint: useId(), error: useId(), host: useId(), hostHint: useId() };
  const inputRef = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const [hostMode, setHostMode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const problem = domainInputProblem(value);
    if (problem) {
      setError(t(`errors.${problem}`));
      inputRef.current?.focus();
      return;
    }
    setError(null);
    setPending(true);
    const res = await startCheck(value.trim(), hostMode ? 'host' : 'domain', startFetch);
    if (res.ok) {
      router.push(res.permalink);
      return; // keep "Starting…" until the check page replaces this one
    }
    setPending(false);
    setError(startErrorText(res));
    inputRef.current?.focus();
  }

  function applyExample(ex: (typeof EXAMPLES)[number]) {
    setValue(ex.value);
    setHostMode(ex.host);
    setError(null);
    inputRef.current?.focus();
  }

  return (
    <form onSubmit={onSubmit} noValidate className="w-full" aria-busy={pending}>
      <label htmlFor={ids.input} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {hostMode ? t('labelHost') : t('labelDomain')}
      </label>
      <div className="mt-2 flex flex-col gap-2 sm:flex-row">
        <input
          ref={inputRef}
          id={ids.input}
          name="domain"
          type="text"
          inputMode="url"
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          autoFocus
          required
          placeholder={hostMode ? 'smtp.example.com' : 'example.com'}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            if (error) setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${ids.hint}${error ? ` ${ids.error}` : ''}`}
          className="min-h-12 w-full min-w-0 flex-1 rounded-lg border border-zinc-300 bg-white px-4 text-base shadow-xs placeholder:text-zinc-500 aria-invalid:border-red-600 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400 dark:aria-invalid:border-red-400"
        />
        <button type="submit" disabled={pending} className={`${buttonPrimary} min-h-12 px-6 text-base sm:min-h-12`}>
          {pending ? (
            <>
              <Icon name="refresh" className="size-4 animate-spin" />
              {t('starting')}
            </>
          ) : (
            t('submit')
          )}
        </button>
      </div>
      <p id={ids.hint} className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        {hostMode ? t('hintHost') : t('hintDomain')}
      </p>
      {error ? (
        <p id={ids.error} role="alert" className="mt-2 flex items-start gap-1.5 text-sm font-medium text-red-700 dark:text-red-400">
          <Icon name="cross" className="mt-0.5 size-4" />
          {error}
        </p>
      ) : null}

      <div className="mt-4 flex items-start gap-3">
        <input
          id={ids.host}
          type="checkbox"
          role="switch"
          checked={hostMode}
          onChange={(e) => setHostMode(e.target.checked)}
          aria-describedby={ids.hostHint}
          className="peer relative mt-0.5 h-6 w-11 shrink-0 cursor-pointer appearance-none rounded-full bg-zinc-300 transition-colors before:absolute before:top-0.5 before:left-0.5 before:size-5 before:rounded-full before:bg-white before:shadow before:transition-transform checked:bg-indigo-600 checked:before:translate-x-5 dark:bg-zinc-700 dark:checked:bg-indigo-500"
        />
        <div className="text-sm">
          <label htmlFor={ids.host} className="cursor-pointer font-medium text-zinc-800 dark:text-zinc-200">
            {t('hostMode')}
          </label>
          <p id={ids.hostHint} className="text-zinc-600 dark:text-zinc-400">
            {t('hostModeHint')}
          </p>
        </div>
      </div>

      <div className="mt-5 flex flex-wrap items-center gap-2 text-sm">
        <span className="text-zinc-600 dark:text-zinc-400">{t('try')}</span>
        {EXAMPLES.map((ex) => (
          <button
            key={ex.value}
            type="button"
            onClick={() => applyExample(ex)}
            className="inline-flex min-h-9 items-center gap-1.5 rounded-full border border-zinc-300 bg-white px-3 font-mono text-xs text-zinc-800 hover:border-indigo-400 hover:bg-indigo-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:border-indigo-500 dark:hover:bg-indigo-950"
          >
            {ex.value}
            {ex.host ? <span className="font-sans text-[11px] text-zinc-500 dark:text-zinc-400">· {t('oneServer')}</span> : null}
          </button>
        ))}
      </div>
    </form>
  );
}

import Link from 'next/link';
import { buttonPrimary } from '@/components/ui/button-styles';

export default function NotFound() {
  return (
    <div className="mx-auto w-full max-w-2xl px-4 py-20 text-center sm:px-6">
      <p className="font-mono text-sm font-semibold text-indigo-700 dark:text-indigo-300">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight sm:text-3xl">Nothing here</h1>
      <p className="mt-3 text-zinc-700 dark:text-zinc-300">
        There is no page or check at this address. The link may be mistyped or the check may have been deleted;
        start a new one instead.
      </p>
      <Link href="/" className={`${buttonPrimary} mt-6`}>
        Check a domain
      </Link>
    </div>
  );
}

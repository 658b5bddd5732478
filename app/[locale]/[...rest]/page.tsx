import { notFound } from 'next/navigation';

/** Any other path under a locale: the localized not-found page, inside the site's layout. */
export default function CatchAll() {
  notFound();
}

import { hasLocale } from 'next-intl';
import { getRequestConfig } from 'next-intl/server';
import { uiMessages } from './messages';
import { routing } from './routing';

export default getRequestConfig(async ({ requestLocale }) => {
  const requested = await requestLocale;
  const locale = hasLocale(routing.locales, requested) ? requested : routing.defaultLocale;
  return {
    locale,
    messages: uiMessages(locale),
    // Dates are shown in UTC and say so: the server and every viewer then read the same time.
    timeZone: 'UTC',
  };
});

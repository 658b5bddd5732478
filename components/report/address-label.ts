import { useTranslations } from 'next-intl';
import { refusedPlaceholderNumber } from '@/lib/checks/refused-placeholder';

/**
 * The web app stores a refused (non-public) MX address as the placeholder "non-public address N"
 * (lib/checks/refused-placeholder.ts), in English, the result's language. Shown to a person, it is
 * worded in the page's language; every real address is shown as it is.
 */
export function useAddressLabel(): (address: string) => string {
  const t = useTranslations('report');
  return (address) => {
    const n = refusedPlaceholderNumber(address);
    return n === null ? address : t('placeholderAddress', { n });
  };
}

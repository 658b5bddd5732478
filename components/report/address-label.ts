import { useTranslations } from 'next-intl';

/**
 * The web app stores a refused (non-public) MX address as the placeholder "non-public address N"
 * (lib/checks/redact-refused.ts), in English, the result's language. Shown to a person, it is
 * worded in the page's language; every real address is shown as it is.
 */
const PLACEHOLDER = /^non-public address (\d+)$/;

export function useAddressLabel(): (address: string) => string {
  const t = useTranslations('report');
  return (address) => {
    const m = PLACEHOLDER.exec(address);
    return m ? t('placeholderAddress', { n: Number(m[1]) }) : address;
  };
}

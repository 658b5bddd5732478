import { useTranslations } from 'next-intl';
import { EmbedMessage } from '@/components/embed/embed-message';

export default function EmbedNotFound() {
  const t = useTranslations('embed');
  return <EmbedMessage theme="auto" title={t('notFoundTitle')} body={t('notFoundBody')} link={{ href: '/', text: 'mxray' }} />;
}

import { EmbedMessage } from '@/components/embed/embed-message';

export default function EmbedNotFound() {
  return <EmbedMessage theme="auto" title="Check not found" body="This widget points to a check that does not exist." link={{ href: '/', text: 'mxray' }} />;
}

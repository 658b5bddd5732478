import { useTranslations } from 'next-intl';
import type { CheckResult } from '@/lib/probe/schema';
import { Section } from '@/components/ui/card';
import { Certificates } from './certificates';
import { DnsSummary } from './dns-summary';
import { FindingsList } from './findings-list';
import { PolicySection } from './policy-section';
import { PortOverview } from './port-overview';
import { PortTable } from './port-table';
import { Recommendation } from './recommendation';
import { RelaySection } from './relay-section';
import { ReportHeader } from './report-header';

/**
 * The full report of a finished check. No hooks and no browser APIs outside its small client
 * leaves, so it renders on the server (readable without JavaScript) and inside the live view.
 */
export function Report({ result, permalink, checkId }: { result: CheckResult; permalink?: string; checkId?: string }) {
  const t = useTranslations('report.sections');
  const relay = useTranslations('relay');
  const policy = useTranslations('policy');
  const probed = result.probes.length > 0;
  const dns = (
    <Section id="dns" title={result.target.mode === 'host' ? t('dnsHost') : t('dns')}>
      <DnsSummary dns={result.dns} domain={result.target.displayDomain} />
    </Section>
  );
  return (
    <div className="space-y-10">
      <ReportHeader result={result} permalink={permalink} checkId={checkId} />
      {/* With nothing probed (NXDOMAIN, null MX…) the DNS reading is the whole story: lead with it. */}
      {probed ? null : dns}
      {probed ? (
        <>
          <Section id="recommendation" title={t('recommendation')} description={t('recommendationText')}>
            <Recommendation recommendation={result.summary.recommendation} />
          </Section>
          <Section
            id="ports"
            title={t('ports')}
            description={t('portsText')}
          >
            <div className="space-y-4">
              <PortOverview ports={result.summary.ports} />
              <PortTable result={result} />
            </div>
          </Section>
          {result.probes.some((p) => p.relay) ? (
            <Section
              id="relay"
              title={relay('title')}
              description={relay('text')}
            >
              <RelaySection result={result} />
            </Section>
          ) : null}
        </>
      ) : null}
      <Section id="findings" title={t('findings')} description={t('findingsText')}>
        <FindingsList findings={result.findings} />
      </Section>
      {result.policy ? (
        <Section id="policy" title={policy('title')} description={policy('text')}>
          <PolicySection policy={result.policy} />
        </Section>
      ) : null}
      {probed ? (
        <Section id="certificates" title={t('certificates')} description={t('certificatesText')}>
          <Certificates probes={result.probes} at={result.startedAt} />
        </Section>
      ) : null}
      {probed ? dns : null}
    </div>
  );
}

/**
 * A finished check as spreadsheets: the port table (one record per MX host × address × port, the
 * columns the report's table shows) and the certificates (one record per certificate of every
 * distinct chain). Values are plain: codes and numbers rather than the report's sentences, so a
 * spreadsheet can filter and sort them.
 */
import { acceptedFamilies, acceptedVersions, matrixVersionLabel, untestedEntries } from '@/lib/verdict/tls-matrix-view';
import { mtaStsLine, tlsRptLine } from '@/lib/report/policy-view';
// The CSV is a data export with English column names and values, whatever the page's language.
import { sayIn } from '@/lib/i18n/translator';
import { PORTS, type CheckResult, type Port, type PortProbe } from '@/lib/probe/schema';
import { groupCertificates, type CertGroup } from '@/lib/verdict/cert-groups';
import { describeProbe, stopCodeLabel } from '@/lib/verdict/probe-view';
import { formatKey } from '@/lib/report/format';
import { portLegend } from '@/lib/report/port-legend';
import { tableRows, type TableRow } from '@/lib/report/table-rows';
import { tableToCsv, type CsvColumn } from './csv';

export type CsvTable = 'ports' | 'certificates';
export const CSV_TABLES: readonly CsvTable[] = ['ports', 'certificates'];

interface PortRecord {
  row: TableRow;
  /** absent for a host without any address */
  port?: Port;
  probe?: PortProbe;
}

const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? '' : v ? 'yes' : 'no');

function portColumns(result: CheckResult): CsvColumn<PortRecord>[] {
  const view = (r: PortRecord) => (r.probe ? describeProbe(r.probe, result.findings) : null);
  return [
    { name: 'domain', value: () => result.target.domain },
    // A check run from one of several vantages (scaled mode) says which; others keep their columns.
    ...(result.target.vantage !== undefined ? [{ name: 'vantage', value: () => result.target.vantage }] : []),
    { name: 'host', value: (r) => r.row.host },
    { name: 'host_display', value: (r) => r.row.displayHost },
    { name: 'mx_preference', value: (r) => r.row.preference },
    { name: 'address', value: (r) => r.row.address },
    { name: 'ip_version', value: (r) => r.row.family },
    { name: 'port', value: (r) => r.port },
    { name: 'port_role', value: (r) => (r.port ? portLegend(r.port).role : undefined) },
    {
      name: 'status',
      value: (r) => (!r.row.address ? 'no-address' : r.probe ? view(r)!.status : 'not-probed'),
    },
    { name: 'outcome', value: (r) => r.probe?.outcome },
    { name: 'stopped_in', value: (r) => (r.probe && r.probe.outcome !== 'success' ? r.probe.phase : undefined) },
    { name: 'encryption', value: (r) => r.probe?.encryption },
    { name: 'tls_version', value: (r) => r.probe?.tls?.version },
    { name: 'tls_cipher', value: (r) => r.probe?.tls?.cipherStandardName ?? r.probe?.tls?.cipher },
    { name: 'cert_trusted', value: (r) => yesNo(r.probe?.tls?.trusted) },
    { name: 'cert_trust_reason', value: (r) => r.probe?.tls?.trustReason },
    { name: 'cert_hostname_match', value: (r) => yesNo(r.probe?.tls?.hostnameMatch) },
    { name: 'cert_days_left', value: (r) => r.probe?.tls?.chain[0]?.daysLeft },
    { name: 'auth_mechanisms', value: (r) => view(r)?.auth?.mechanisms.join(' ') },
    { name: 'auth_before_tls', value: (r) => yesNo(view(r)?.auth?.beforeTls) },
    { name: 'downgrade', value: (r) => view(r)?.downgrade },
    { name: 'greeting_ms', value: (r) => roundMs(r.probe?.timings.greetingMs) },
    { name: 'total_ms', value: (r) => roundMs(r.probe?.timings.totalMs) },
    { name: 'error_code', value: (r) => (r.probe ? stopCodeLabel(r.probe) : undefined) },
    { name: 'banner', value: (r) => r.probe?.greeting?.lines[0] },
    { name: 'findings', value: (r) => view(r)?.findings.map((f) => f.code).join(' ') },
    // The open relay test rides on one port 25 probe per address: filled on that record only.
    { name: 'relay', value: (r) => r.probe?.relay?.status },
    { name: 'relay_reason', value: (r) => r.probe?.relay?.reason },
    { name: 'relay_accepted_form', value: (r) => r.probe?.relay?.acceptedForm },
    // Transport-security policy: the port's answer to MAIL before TLS, the domain's MTA-STS/TLS-RPT.
    // The TLS matrix (extra handshakes per port): versions as "1.0 1.2 1.3", weak suite families,
    // and what could not be tested with why ("3des:local-openssl"), so "not tested" never reads "refused".
    { name: 'tls_versions_accepted', value: (r) => (r.probe?.tlsMatrix ? acceptedVersions(r.probe.tlsMatrix).join(' ') : undefined) },
    { name: 'tls_versions_refused', value: (r) => r.probe?.tlsMatrix?.versions.filter((v) => v.status === 'refused').map((v) => matrixVersionLabel(v.version).replace('TLS ', '')).join(' ') },
    { name: 'tls_weak_suites_accepted', value: (r) => (r.probe?.tlsMatrix ? acceptedFamilies(r.probe.tlsMatrix).join(' ') : undefined) },
    { name: 'tls_not_tested', value: (r) => (r.probe?.tlsMatrix ? untestedEntries(r.probe.tlsMatrix).map((u) => `${u.what.replace('TLS ', '')}:${u.reason}`).join(' ') : undefined) },
    { name: 'mail_before_tls', value: (r) => (r.probe?.mailBeforeTls ? (r.probe.mailBeforeTls.accepted ? 'accepted' : 'refused') : undefined) },
    { name: 'mta_sts', value: () => (result.policy?.mtaSts ? sayIn('en', mtaStsLine(result.policy.mtaSts).text) : undefined) },
    { name: 'tls_rpt', value: () => (result.policy?.tlsRpt ? sayIn('en', tlsRptLine(result.policy.tlsRpt).text) : undefined) },
    // DNSSEC status codes (secure, insecure, bogus, unknown) of the MX answer and of the row's
    // address record; TLSA status and records of the host; DANE on the port 25 record only.
    { name: 'dnssec_mx', value: () => result.policy?.dnssec?.mx.status },
    { name: 'dnssec_address', value: (r) => dnssecHost(result, r)?.[r.row.family === 6 ? 'aaaa' : 'a'].status },
    { name: 'tlsa_status', value: (r) => daneHost(result, r)?.tlsa.status },
    { name: 'tlsa_records', value: (r) => daneHost(result, r)?.records.map((t) => `${t.usage} ${t.selector} ${t.matchingType} ${t.data}`).join(' | ') || undefined },
    { name: 'dane', value: (r) => (r.port === 25 ? daneHost(result, r)?.addresses.find((a) => a.address === r.row.address)?.outcome : undefined) },
  ];
}

const dnssecHost = (result: CheckResult, r: PortRecord) => result.policy?.dnssec?.hosts.find((h) => h.host === r.row.host);
const daneHost = (result: CheckResult, r: PortRecord) => result.policy?.dane?.hosts.find((h) => h.host === r.row.host);

function roundMs(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms);
}

export function portRecords(result: Pick<CheckResult, 'dns' | 'probes'>): PortRecord[] {
  const out: PortRecord[] = [];
  for (const row of tableRows(result)) {
    if (!row.address) {
      out.push({ row });
      continue;
    }
    for (const port of PORTS) out.push({ row, port, probe: row.probes[port] });
  }
  return out;
}

export function portsCsv(result: CheckResult): string {
  return tableToCsv(portColumns(result), portRecords(result));
}

interface CertRecord {
  group: CertGroup;
  position: number;
}

const certColumns: CsvColumn<CertRecord>[] = [
  { name: 'chain_leaf_sha256', value: (r) => r.group.sha256 },
  { name: 'position', value: (r) => r.position },
  { name: 'role', value: (r) => certRole(r) },
  { name: 'subject', value: (r) => cert(r).subject },
  { name: 'common_name', value: (r) => cert(r).commonName },
  { name: 'subject_alt_names', value: (r) => cert(r).subjectAltNames.join(' ') },
  { name: 'issuer', value: (r) => cert(r).issuer },
  { name: 'serial_number', value: (r) => cert(r).serialNumber },
  { name: 'not_before', value: (r) => cert(r).notBefore },
  { name: 'not_after', value: (r) => cert(r).notAfter },
  { name: 'days_left', value: (r) => cert(r).daysLeft },
  { name: 'key', value: (r) => formatKey(cert(r).keyType, cert(r).keyBits, cert(r).curve) },
  { name: 'signature_algorithm', value: (r) => cert(r).signatureAlgorithm },
  { name: 'sha256', value: (r) => cert(r).sha256 },
  { name: 'self_issued', value: (r) => yesNo(cert(r).selfIssued) },
  { name: 'is_ca', value: (r) => yesNo(cert(r).isCA) },
  { name: 'in_trust_store', value: (r) => yesNo(cert(r).inTrustStore) },
  // Trust and name matching belong to the chain and its endpoints: filled on the leaf's record.
  { name: 'chain_trusted', value: (r) => (r.position === 0 ? yesNo(r.group.trusted) : undefined) },
  { name: 'trust_reason', value: (r) => (r.position === 0 ? r.group.trustReason : undefined) },
  { name: 'verify_error', value: (r) => (r.position === 0 ? r.group.verifyError : undefined) },
  {
    name: 'hostname_match',
    value: (r) =>
      r.position === 0
        ? Object.entries(r.group.hostnameMatch)
            .map(([host, m]) => `${host}=${m === null ? 'unknown' : m ? 'yes' : 'no'}`)
            .join(' ')
        : undefined,
  },
  {
    name: 'seen_on',
    value: (r) =>
      r.position === 0 ? r.group.endpoints.map((e) => `${e.host} ${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`).join('; ') : undefined,
  },
];

function cert(r: CertRecord) {
  const c = r.group.chain[r.position];
  if (!c) throw new Error(`no certificate at position ${r.position}`);
  return c;
}

function certRole(r: CertRecord): string {
  if (r.position === 0) return 'leaf';
  const c = cert(r);
  return c.inTrustStore || (c.selfIssued && c.isCA) ? 'root' : 'intermediate';
}

export function certificateRecords(result: Pick<CheckResult, 'probes'>): CertRecord[] {
  return groupCertificates(result.probes).flatMap((group) => group.chain.map((_, position) => ({ group, position })));
}

export function certificatesCsv(result: CheckResult): string {
  return tableToCsv(certColumns, certificateRecords(result));
}

export function resultCsv(result: CheckResult, table: CsvTable): string {
  return table === 'ports' ? portsCsv(result) : certificatesCsv(result);
}

/** "mxray-example.com-20260302T1000Z-ports.csv": sorts by domain and time in a downloads folder. */
export function exportFileName(result: Pick<CheckResult, 'target' | 'startedAt'>, suffix: string): string {
  const stamp = result.startedAt.replace(/[-:]/g, '').replace(/(\d{8}T\d{4}).*$/, '$1Z');
  const name = result.target.domain.replace(/[^a-z0-9.-]/gi, '_');
  return `mxray-${name}-${stamp}-${suffix}`;
}

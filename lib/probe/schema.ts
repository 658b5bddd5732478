/**
 * The one definition of what a check produces: DNS facts, per-port probe results, certificates,
 * findings, the summary, and the progress events streamed while it runs. Types are inferred from
 * these schemas; the JSON Schema in public/schema/ is generated from them (scripts/gen-schema.mjs).
 */
import { z } from 'zod';
import { FINDING_CODES, RECOMMENDATION_CODES } from './findings/catalogue';
import { PORTS } from './ports';
import { TLS_SUITE_FAMILIES, TLS_VERSIONS } from './tls/tls-names';

export { PORTS, TLS_SUITE_FAMILIES, TLS_VERSIONS };
export const PortSchema = z.union([z.literal(25), z.literal(465), z.literal(587), z.literal(2525)]);
export type Port = z.infer<typeof PortSchema>;

export const SeveritySchema = z.enum(['ok', 'info', 'warning', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

export const CheckModeSchema = z.enum(['domain', 'host']);
export type CheckMode = z.infer<typeof CheckModeSchema>;

// ---------------------------------------------------------------------------------------------
// DNS

/** Outcome of one DNS question, kept apart so "no such domain" never reads as "server down". */
export const DnsStatusSchema = z.enum([
  'ok',
  'nxdomain', // the name does not exist
  'nodata', // the name exists, but has no record of this type
  'servfail', // the resolver could not get an answer (DNSSEC failure, broken delegation, …)
  'refused',
  'timeout',
  'error', // anything else (malformed answer, resolver misconfiguration)
]);
export type DnsStatus = z.infer<typeof DnsStatusSchema>;

export const DnsLookupSchema = z.object({
  status: DnsStatusSchema,
  /** resolver error code as reported (ENOTFOUND, ESERVFAIL, …) when status is not ok */
  errorCode: z.string().optional(),
  ms: z.number().nonnegative(),
});

export const MxRecordSchema = z.object({
  exchange: z.string(), // ASCII (punycode), no trailing dot; '' for a null MX
  preference: z.number().int().min(0).max(65535),
});
export type MxRecord = z.infer<typeof MxRecordSchema>;

/** Whether an address may be probed, and if not, which special-purpose range it falls in. */
export const AddressPolicySchema = z.object({
  allowed: z.boolean(),
  /** e.g. 'loopback', 'private', 'linkLocal', 'carrierGradeNat', 'uniqueLocal', 'ipv4Mapped:private' */
  range: z.string().optional(),
  /** true when the range was opened by PROBE_ALLOW_CIDRS */
  allowedByConfig: z.boolean().optional(),
});

export const PtrSchema = z.object({
  lookup: DnsLookupSchema,
  names: z.array(z.string()),
  /** one of the PTR names resolves back to this address (FCrDNS); null when not determinable */
  forwardConfirmed: z.boolean().nullable(),
});

export const AddressInfoSchema = z.object({
  address: z.string(),
  family: z.union([z.literal(4), z.literal(6)]),
  policy: AddressPolicySchema,
  ptr: PtrSchema.optional(),
});
export type AddressInfo = z.infer<typeof AddressInfoSchema>;

export const HostDnsSchema = z.object({
  /** ASCII host name as it will be probed and matched against certificates */
  name: z.string(),
  /** Unicode form for display, when it differs */
  displayName: z.string().optional(),
  /** MX preference; absent for implicit MX and host mode */
  preference: z.number().int().optional(),
  a: DnsLookupSchema,
  aaaa: DnsLookupSchema,
  addresses: z.array(AddressInfoSchema),
  /** the MX target is an alias (CNAME) for this name (RFC 2181 §10.3); probed under `name` still */
  cnameTarget: z.string().optional(),
});
export type HostDns = z.infer<typeof HostDnsSchema>;

export const MxKindSchema = z.enum([
  'explicit', // MX records published
  'implicit', // no MX: the domain's own A/AAAA act as MX (RFC 5321 §5.1)
  'null', // MX 0 "." (RFC 7505): the domain accepts no mail
  'host', // host mode: one server named by the user, MX not consulted
  'none', // nothing usable (NXDOMAIN, SERVFAIL, timeout, no MX and no address)
]);
export type MxKind = z.infer<typeof MxKindSchema>;

export const DnsResultSchema = z.object({
  mx: DnsLookupSchema.extend({ records: z.array(MxRecordSchema) }),
  mxKind: MxKindSchema,
  hosts: z.array(HostDnsSchema),
  /** resolvers used (from DNS_SERVERS, or the system's) */
  servers: z.array(z.string()),
  /**
   * what the fan-out caps left out, present only when they did: MX hosts not resolved, addresses
   * not described or probed, questions asked and questions not asked once the budget was spent
   */
  truncated: z
    .object({
      hosts: z.number().int().nonnegative(),
      addresses: z.number().int().nonnegative(),
      questions: z.number().int().nonnegative(),
      questionsRefused: z.number().int().nonnegative(),
    })
    .optional(),
});
export type DnsResult = z.infer<typeof DnsResultSchema>;

// ---------------------------------------------------------------------------------------------
// SMTP

/** One reply from the server: code and every line's text (without the code and separator). */
export const SmtpReplySchema = z.object({
  code: z.number().int(),
  /** enhanced status code (RFC 3463) of the first line, when present */
  enhanced: z.string().optional(),
  lines: z.array(z.string()),
});
export type SmtpReply = z.infer<typeof SmtpReplySchema>;

export const CapabilitySchema = z.object({
  /** upper-cased EHLO keyword (SIZE, PIPELINING, AUTH, STARTTLS, X-FOO, …) */
  keyword: z.string(),
  /** parameters as sent, split on spaces */
  params: z.array(z.string()),
});
export type Capability = z.infer<typeof CapabilitySchema>;

export const EhloSchema = z.object({
  reply: SmtpReplySchema,
  /** the server's self-announced name (first word of the first line) */
  serverName: z.string().optional(),
  /** every capability line after the first, in order, verbatim keyword + params */
  capabilities: z.array(CapabilitySchema),
  starttls: z.boolean(),
  pipelining: z.boolean(),
  eightBitMime: z.boolean(),
  smtpUtf8: z.boolean(),
  chunking: z.boolean(),
  enhancedStatusCodes: z.boolean(),
  dsn: z.boolean(),
  requireTls: z.boolean(),
  /** SIZE limit in bytes; 0 means "no fixed limit" (RFC 1870); absent when not announced */
  size: z.number().int().nonnegative().optional(),
  /** AUTH mechanisms, upper-cased, from "AUTH" and the legacy "AUTH=" form */
  auth: z.array(z.string()),
  /** EHLO was refused and HELO was used instead (no ESMTP extensions known) */
  heloFallback: z.boolean(),
});
export type Ehlo = z.infer<typeof EhloSchema>;

export const TranscriptEntrySchema = z.object({
  /** milliseconds since the connection attempt began */
  t: z.number().nonnegative(),
  /** c = client sent, s = server sent, i = mxray's note (TLS started, timeout, …) */
  dir: z.enum(['c', 's', 'i']),
  text: z.string(),
});
export type TranscriptEntry = z.infer<typeof TranscriptEntrySchema>;

// ---------------------------------------------------------------------------------------------
// TLS and certificates

export const CertificateSchema = z.object({
  subject: z.string(),
  commonName: z.string().optional(),
  /** DNS names and IP addresses from subjectAltName, e.g. "DNS:mx.example.com" */
  subjectAltNames: z.array(z.string()),
  issuer: z.string(),
  serialNumber: z.string(),
  notBefore: z.string(), // ISO 8601
  notAfter: z.string(), // ISO 8601
  /** whole days from the check's time to notAfter; negative once expired */
  daysLeft: z.number().int(),
  keyType: z.string(), // rsa, ec, ed25519, ed448, dsa, …
  keyBits: z.number().int().optional(),
  curve: z.string().optional(),
  signatureAlgorithm: z.string(),
  sha256: z.string(), // colon-separated upper-case hex
  selfIssued: z.boolean(),
  isCA: z.boolean(),
  /** this certificate is one of the trust anchors (Node's roots or NODE_EXTRA_CA_CERTS) */
  inTrustStore: z.boolean(),
  pem: z.string(),
});
export type Certificate = z.infer<typeof CertificateSchema>;

export const TrustReasonSchema = z.enum([
  'expired',
  'not-yet-valid',
  'self-signed',
  'unknown-issuer',
  'incomplete-chain',
  'bad-signature',
  'other',
]);
export type TrustReason = z.infer<typeof TrustReasonSchema>;

export const TlsInfoSchema = z.object({
  mode: z.enum(['starttls', 'implicit']),
  version: z.string().optional(), // TLSv1.3, TLSv1.2, …
  cipher: z.string().optional(), // OpenSSL name
  cipherStandardName: z.string().optional(), // IANA name
  /** key-exchange group as Node reports it (X25519, P-256, …) */
  group: z.string().optional(),
  groupBits: z.number().int().optional(),
  handshakeMs: z.number().nonnegative().optional(),
  /** presented chain, leaf first (as Node reports it, completed with a trust anchor if found) */
  chain: z.array(CertificateSchema),
  trusted: z.boolean(),
  trustReason: TrustReasonSchema.optional(),
  /** OpenSSL's verification error code (CERT_HAS_EXPIRED, …) */
  verifyError: z.string().optional(),
  /** the leaf certificate is valid for the host name probed (RFC 6125, wildcards) */
  hostnameMatch: z.boolean().nullable(),
  /** the name that was matched and sent as SNI */
  servername: z.string(),
});
export type TlsInfo = z.infer<typeof TlsInfoSchema>;

// ---------------------------------------------------------------------------------------------
// One port probe

/** Where a probe stopped (or was when it succeeded: 'done'). */
export const ProbePhaseSchema = z.enum([
  'policy',
  'connect',
  'greeting',
  'ehlo',
  'starttls',
  'tls',
  'ehlo-tls',
  'relay', // the open relay test on port 25 (MAIL FROM / RCPT TO / RSET, never DATA)
  'quit',
  'done',
  'mail-before-tls', // MAIL FROM:<> sent in plaintext on a submission port, to see if TLS is required
]);
export type ProbePhase = z.infer<typeof ProbePhaseSchema>;

/**
 * How a probe ended. Closed vocabulary, modelled on zgrab2's statuses. 'success' means the whole
 * planned exchange took place; what it revealed (no STARTTLS, AUTH in clear, …) is in findings.
 */
export const ProbeOutcomeSchema = z.enum([
  'success',
  'blocked-target', // the address policy refused the address; nothing was sent
  'connection-refused',
  'connection-timeout',
  'unreachable', // EHOSTUNREACH / ENETUNREACH / EADDRNOTAVAIL
  'connection-reset', // the peer reset or closed the connection mid-conversation
  'io-timeout', // connected, but a reply did not come in time (phase says which)
  'server-busy', // 421 or other 4xx greeting: could not test, try later
  'greeting-rejected', // 5xx greeting (554 "no SMTP service here")
  'command-rejected', // EHLO and HELO both refused
  'not-smtp', // the peer speaks another protocol (HTTP, SSH, …) or garbage
  'tls-on-plain-port', // the peer expects TLS from the first byte on 25/587/2525
  'plaintext-on-implicit-port', // port 465 answers with a plaintext SMTP greeting
  'starttls-rejected', // STARTTLS offered but answered with 4xx/5xx (454, …)
  'tls-handshake-failed',
  'reply-too-large', // a line or reply exceeded our caps (flooding)
  'protocol-error', // malformed replies
  'aborted', // the check was cancelled or ran out of its total budget
]);
export type ProbeOutcome = z.infer<typeof ProbeOutcomeSchema>;

// ---------------------------------------------------------------------------------------------
// Open relay test (port 25, once per MX address; lib/probe/smtp/relay-test.ts)

/**
 * The recipient forms tried, in this order: the plain foreign address, then the classic bypasses
 * relay checkers use (nmap smtp-open-relay): percent hack, bang path (UUCP), quoted local part.
 */
export const RelayFormSchema = z.enum(['plain', 'percent-hack', 'bang-path', 'quoted-local-part']);
export type RelayForm = z.infer<typeof RelayFormSchema>;

/** How one MAIL FROM + RCPT TO attempt ended. */
export const RelayAttemptVerdictSchema = z.enum([
  'accepted', // 250/251 to RCPT: the server took a recipient it is not responsible for
  'rejected', // 5xx to RCPT
  'temporary', // 4xx to RCPT (greylisting, overload)
  'mail-from-refused', // MAIL FROM was not accepted: RCPT could not be tried
  'no-answer', // timeout or connection closed
  'unexpected', // a reply code that is none of the above
]);

export const RelayAttemptSchema = z.object({
  form: RelayFormSchema,
  /** the address sent in RCPT TO */
  recipient: z.string(),
  mailFrom: SmtpReplySchema.optional(),
  rcpt: SmtpReplySchema.optional(),
  verdict: RelayAttemptVerdictSchema,
});
export type RelayAttempt = z.infer<typeof RelayAttemptSchema>;

/** open: relays for anyone (critical); closed: every form refused; untested: could not test. */
export const RelayStatusSchema = z.enum(['open', 'closed', 'untested', 'not-tested']);
export type RelayStatus = z.infer<typeof RelayStatusSchema>;

export const RelayReasonSchema = z.enum([
  'accepted', // open: a form was accepted (acceptedForm)
  'refused', // closed: every form got a 5xx
  'temporary', // untested: a 4xx (greylisting) where a verdict was needed
  'mail-from-refused', // untested: the sender was refused, so RCPT could not be tried
  'no-answer', // untested: timeout or connection lost during the test
  'unexpected-reply', // untested: a reply code outside 2xx/4xx/5xx
  'aborted', // untested: the check was cancelled or ran out of budget
  'not-reached', // untested: the port 25 probe ended before the test could start
  'host-mode', // not-tested: the server is not an MX of a domain and the test was not asked for
]);
export type RelayReason = z.infer<typeof RelayReasonSchema>;

export const RelayTestSchema = z.object({
  status: RelayStatusSchema,
  reason: RelayReasonSchema,
  /** the first form the server accepted (status open) */
  acceptedForm: RelayFormSchema.optional(),
  /** the test ran inside TLS (STARTTLS negotiated) */
  tls: z.boolean(),
  /** the MAIL FROM address (an RFC 2606 reserved domain by default); absent when nothing was sent */
  sender: z.string().optional(),
  attempts: z.array(RelayAttemptSchema),
});
export type RelayTest = z.infer<typeof RelayTestSchema>;

// ---------------------------------------------------------------------------------------------
// TLS protocol matrix (lib/probe/tls/tls-matrix.ts): every (address, port) that negotiated TLS is
// asked again, one fresh connection per question, which protocol versions and which weak cipher
// suite families it accepts.

export const TlsVersionNameSchema = z.enum(TLS_VERSIONS);
export type TlsVersionName = z.infer<typeof TlsVersionNameSchema>;

export const TlsSuiteFamilySchema = z.enum(TLS_SUITE_FAMILIES);
export type TlsSuiteFamily = z.infer<typeof TlsSuiteFamilySchema>;

/** accepted: a handshake completed; refused: the server failed it; untested: see `reason`. */
export const TlsTestStatusSchema = z.enum(['accepted', 'refused', 'untested']);
export type TlsTestStatus = z.infer<typeof TlsTestStatusSchema>;

export const TlsUntestedReasonSchema = z.enum([
  'local-openssl', // this machine's OpenSSL cannot offer it: says nothing about the server
  'no-session', // the replayed connection did not reach the handshake (refused, busy, STARTTLS refused)
  'timeout', // the handshake or the session before it did not answer in time
  'aborted', // the check was cancelled or ran out of its budget
  'inconclusive', // the server's answer did not settle the question
]);
export type TlsUntestedReason = z.infer<typeof TlsUntestedReasonSchema>;

export const TlsVersionTestSchema = z.object({
  version: TlsVersionNameSchema,
  status: TlsTestStatusSchema,
  reason: TlsUntestedReasonSchema.optional(),
  /**
   * probe: the port probe's own handshake negotiated it; pinned: a handshake offering only this
   * version; range: a handshake offering only TLS 1.0 and 1.1, refused (so both are refused)
   */
  evidence: z.enum(['probe', 'pinned', 'range']).optional(),
  /** the suite negotiated with this version (OpenSSL name) */
  cipher: z.string().optional(),
  /** why the handshake failed or was not tried, in OpenSSL's or our words */
  detail: z.string().optional(),
});
export type TlsVersionTest = z.infer<typeof TlsVersionTestSchema>;

export const TlsSuiteTestSchema = z.object({
  family: TlsSuiteFamilySchema,
  status: TlsTestStatusSchema,
  reason: TlsUntestedReasonSchema.optional(),
  /** the accepted suite (OpenSSL name, IANA name) and the version it came with */
  cipher: z.string().optional(),
  cipherStandardName: z.string().optional(),
  version: z.string().optional(),
  detail: z.string().optional(),
});
export type TlsSuiteTest = z.infer<typeof TlsSuiteTestSchema>;

export const TlsMatrixSchema = z.object({
  /** TLS 1.0, 1.1, 1.2, 1.3, in that order */
  versions: z.array(TlsVersionTestSchema),
  /** the weak suite families, in TLS_SUITE_FAMILIES order */
  suites: z.array(TlsSuiteTestSchema),
  /** connections opened for the matrix (each one handshake) */
  handshakes: z.number().int().nonnegative(),
  ms: z.number().nonnegative(),
});
export type TlsMatrix = z.infer<typeof TlsMatrixSchema>;

export const EncryptionSchema = z.enum(['starttls', 'implicit-tls', 'none', 'unknown']);

/** An SMTP reply code: three digits (RFC 5321 §4.2; 2xx–5xx from a sane server, any three from others). */
export const SmtpReplyCodeSchema = z.number().int().min(0).max(999);

/** A protocol recognised where an SMTP greeting was expected (lib/probe/smtp/reply-reader.ts). */
export const ForeignProtocolSchema = z.enum(['HTTP', 'SSH', 'TLS', 'POP3', 'IMAP']);
export type ForeignProtocol = z.infer<typeof ForeignProtocolSchema>;

/** Why the SSRF guard refused to connect (lib/probe/net/guarded-connect.ts). */
export const ConnectRefusalReasonSchema = z.enum(['not-ip-literal', 'family-mismatch', 'policy']);
export type ConnectRefusalReason = z.infer<typeof ConnectRefusalReasonSchema>;

export const ConnectRefusalSchema = z.object({
  reason: ConnectRefusalReasonSchema,
  /** the special-purpose range the address falls in (as AddressPolicy.range: 'loopback', 'private', …) */
  range: z.string().optional(),
});
export type ProbeRefusal = z.infer<typeof ConnectRefusalSchema>;
export type Encryption = z.infer<typeof EncryptionSchema>;

export const PortProbeSchema = z.object({
  host: z.string(),
  address: z.string(),
  family: z.union([z.literal(4), z.literal(6)]),
  port: PortSchema,
  outcome: ProbeOutcomeSchema,
  phase: ProbePhaseSchema,
  /**
   * Why a non-success outcome happened, each kind in its own field (the old single `errorCode`
   * string is upgraded on read: lib/probe/legacy-probe.ts):
   * - smtpCode: the SMTP reply code that ended the probe (a 4xx/5xx greeting, EHLO/HELO or STARTTLS);
   * - foreignProtocol: not-smtp, the protocol the server spoke instead, when recognised;
   * - refusal: blocked-target, why the address policy refused the address and its special range;
   * - systemError: an errno-like code from the system or TLS stack (ECONNREFUSED, ERR_SSL_…) or
   *   the engine's own stop in the same style (ETIMEDOUT, PROBE_BUDGET, ABORTED, EOF, …).
   */
  smtpCode: SmtpReplyCodeSchema.optional(),
  foreignProtocol: ForeignProtocolSchema.optional(),
  refusal: ConnectRefusalSchema.optional(),
  systemError: z.string().optional(),
  errorMessage: z.string().optional(),
  timings: z.object({
    connectMs: z.number().nonnegative().optional(),
    greetingMs: z.number().nonnegative().optional(),
    ehloMs: z.number().nonnegative().optional(),
    tlsMs: z.number().nonnegative().optional(),
    ehloTlsMs: z.number().nonnegative().optional(),
    totalMs: z.number().nonnegative(),
  }),
  greeting: SmtpReplySchema.optional(),
  ehlo: EhloSchema.optional(),
  /** STARTTLS command's reply (for 25/587/2525) */
  starttlsReply: SmtpReplySchema.optional(),
  tls: TlsInfoSchema.optional(),
  ehloTls: EhloSchema.optional(),
  /**
   * Submission ports (and 25 in host mode): `MAIL FROM:<>` sent after the plaintext EHLO, then RSET.
   * accepted: the server opened a mail transaction before TLS (a 2xx reply).
   */
  mailBeforeTls: z.object({ reply: SmtpReplySchema, accepted: z.boolean() }).optional(),
  /** what protection this port actually gave us */
  encryption: EncryptionSchema,
  transcript: z.array(TranscriptEntrySchema),
  transcriptTruncated: z.boolean(),
  /** the open relay test, on the one port 25 probe per MX address that carries it */
  relay: RelayTestSchema.optional(),
  /** which TLS versions and weak suite families the port accepts (ports that negotiated TLS) */
  tlsMatrix: TlsMatrixSchema.optional(),
  /**
   * several MX names resolve to this address: the (address, port) was probed once, under this
   * host name, and its data is shown here too (transcript kept there only; the certificate's name
   * match recomputed for this host)
   */
  sameProbeAs: z.string().optional(),
});
export type PortProbe = z.infer<typeof PortProbeSchema>;

// ---------------------------------------------------------------------------------------------
// Findings and summary

export const FindingScopeSchema = z.enum(['domain', 'host', 'address', 'port']);

export const FindingSchema = z.object({
  /** stable id from the catalogue (lib/probe/findings/catalogue.ts); text lives there */
  code: z.enum(FINDING_CODES),
  severity: SeveritySchema,
  /** true when this finding means "we could not test", not "the server fails" */
  untested: z.boolean(),
  scope: FindingScopeSchema,
  host: z.string().optional(),
  address: z.string().optional(),
  port: PortSchema.optional(),
  /** values for the catalogue's message template (days left, key bits, …) */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** The table status of one port on one address. */
export const PortStatusSchema = z.enum(['ok', 'info', 'warning', 'critical', 'untested', 'closed', 'blocked']);
export type PortStatus = z.infer<typeof PortStatusSchema>;

export const DowngradeRiskSchema = z.enum(['none', 'possible', 'plaintext', 'unknown']);

/** The seed article's table, measured: what each port really did across every MX address. */
export const PortSummarySchema = z.object({
  port: PortSchema,
  /** the role the port is meant for */
  role: z.enum(['relay', 'submission', 'submission-alt']),
  /** how many addresses answered SMTP on this port / were probed */
  answered: z.number().int(),
  probed: z.number().int(),
  /** the encryption measured (worst seen where addresses disagree) */
  encryption: EncryptionSchema,
  /** AUTH offered at all / offered before TLS on some address */
  auth: z.enum(['offered', 'not-offered', 'unknown']),
  authBeforeTls: z.boolean(),
  downgradeRisk: DowngradeRiskSchema,
  status: PortStatusSchema,
});
export type PortSummary = z.infer<typeof PortSummarySchema>;

export const RecommendationSchema = z.object({
  /** the port to configure, or null when none of the submission ports works */
  port: PortSchema.nullable(),
  encryption: EncryptionSchema.optional(),
  /** finding-like code explaining the choice (text in the catalogue) */
  reason: z.enum(RECOMMENDATION_CODES),
});

export const SummarySchema = z.object({
  /** worst severity over all findings */
  severity: SeveritySchema,
  /** overall verdict: 'untested' when nothing decisive could be measured */
  verdict: z.enum(['ok', 'info', 'warning', 'critical', 'untested']),
  ports: z.array(PortSummarySchema),
  recommendation: z.object({
    mailClient: RecommendationSchema,
    application: RecommendationSchema,
  }),
  counts: z.object({
    hosts: z.number().int(),
    addresses: z.number().int(),
    probes: z.number().int(),
    answered: z.number().int(),
  }),
});
export type Summary = z.infer<typeof SummarySchema>;

// ---------------------------------------------------------------------------------------------
// Transport-security policy: MTA-STS (RFC 8461), TLS-RPT (RFC 8460), DNSSEC and DANE (below)

/** Why a policy TXT record set cannot be used (the RFCs make senders ignore it then). */
export const PolicyRecordProblemSchema = z.enum([
  'none', // no record of this version at all
  'multiple', // more than one: RFC 8461 §3.1 / RFC 8460 §3 say "assume no policy"
  'invalid', // exactly one, but malformed (fields, id, URIs)
]);

/** A policy TXT record set (_mta-sts.<domain>, _smtp._tls.<domain>) and what it says. */
const PolicyTxtSchema = z.object({
  lookup: DnsLookupSchema,
  /** every TXT record at the name, each record's strings joined */
  records: z.array(z.string()),
  problem: PolicyRecordProblemSchema.optional(),
  /** what is wrong with the one record, in words (problem 'invalid') */
  detail: z.string().optional(),
});

/** How fetching https://mta-sts.<domain>/.well-known/mta-sts.txt ended (RFC 8461 §3.3). */
export const StsFetchOutcomeSchema = z.enum([
  'fetched', // a 200 whose body was read in full (its certificate and type are judged apart)
  'no-address', // mta-sts.<domain> has no usable A/AAAA
  'blocked-target', // every address of it is refused by the address policy
  'connect-failed',
  'timeout',
  'tls-failed',
  'redirect', // a 3xx: RFC 8461 §3.3 forbids following it
  'http-status', // another status than 200
  'oversize', // the body went past the 64 KiB cap
  'aborted',
]);

export const StsFetchSchema = z.object({
  url: z.string(),
  /** the address connected to (the one the address policy allowed) */
  address: z.string().optional(),
  outcome: StsFetchOutcomeSchema,
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  status: z.number().int().optional(),
  location: z.string().optional(),
  contentType: z.string().optional(),
  bytes: z.number().int().nonnegative().optional(),
  tls: z
    .object({
      version: z.string().optional(),
      trusted: z.boolean(),
      verifyError: z.string().optional(),
      /** the certificate is valid for mta-sts.<domain> */
      hostnameMatch: z.boolean(),
      /** leaf subjectAltNames, for the report */
      names: z.array(z.string()),
    })
    .optional(),
  ms: z.number().nonnegative(),
});
export type StsFetch = z.infer<typeof StsFetchSchema>;

export const StsModeSchema = z.enum(['enforce', 'testing', 'none']);

/** The policy body, parsed per RFC 8461 §3.2. */
export const StsPolicySchema = z.object({
  /** the body as served (UTF-8, at most 64 KiB) */
  text: z.string(),
  version: z.string().optional(),
  mode: StsModeSchema.optional(),
  mx: z.array(z.string()),
  maxAge: z.number().int().optional(),
  /** what makes the policy invalid; empty when it is valid */
  errors: z.array(z.string()),
});
export type StsPolicy = z.infer<typeof StsPolicySchema>;

export const MtaStsSchema = PolicyTxtSchema.extend({
  /** the id of the one valid record */
  id: z.string().optional(),
  fetch: StsFetchSchema.optional(),
  policy: StsPolicySchema.optional(),
});
export type MtaSts = z.infer<typeof MtaStsSchema>;

export const TlsRptSchema = PolicyTxtSchema.extend({
  /** reporting URIs of the one valid record (mailto: or https:) */
  rua: z.array(z.string()),
});
export type TlsRpt = z.infer<typeof TlsRptSchema>;

// DNSSEC (RFC 4033-4035) as the configured resolver validated it, and DANE for SMTP (RFC 7672)

/**
 * What the resolver said of one answer: 'secure' (AD bit set), 'insecure' (answered without AD:
 * not signed, or the resolver does not validate), 'bogus' (SERVFAIL that a CD=1 retry answers:
 * validation failed), 'unknown' (no usable answer: timeout, SERVFAIL either way, question limit).
 */
export const DnssecStatusSchema = z.enum(['secure', 'insecure', 'bogus', 'unknown']);
export type DnssecStatus = z.infer<typeof DnssecStatusSchema>;

export const DnssecLookupSchema = z.object({
  name: z.string(),
  type: z.enum(['MX', 'A', 'AAAA', 'TLSA']),
  status: DnssecStatusSchema,
  /** the resolver's rcode (NOERROR, NXDOMAIN, SERVFAIL, …); absent when nothing came back */
  rcode: z.string().optional(),
  /** the c-ares-like code when nothing usable came back (ETIMEOUT, EQUESTIONLIMIT, …) */
  errorCode: z.string().optional(),
  ms: z.number().nonnegative(),
});
export type DnssecLookup = z.infer<typeof DnssecLookupSchema>;

export const DnssecHostSchema = z.object({
  host: z.string(),
  a: DnssecLookupSchema,
  aaaa: DnssecLookupSchema,
});

export const DnssecResultSchema = z.object({
  /** some answer carried the AD bit, so the resolver validates (none: it may not) */
  validating: z.boolean(),
  mx: DnssecLookupSchema,
  hosts: z.array(DnssecHostSchema),
});
export type DnssecResult = z.infer<typeof DnssecResultSchema>;

/** One TLSA record (RFC 6698 §2.1): usage, selector, matching type, association data in hex. */
export const TlsaRecordSchema = z.object({
  usage: z.number().int().min(0).max(255),
  selector: z.number().int().min(0).max(255),
  matchingType: z.number().int().min(0).max(255),
  data: z.string(),
});
export type TlsaRecord = z.infer<typeof TlsaRecordSchema>;

/**
 * DANE against one address's port 25: 'match' (a usable record matched the presented chain),
 * 'mismatch' (TLS, but none matched: DANE senders will not deliver), 'no-tls' (answered without
 * STARTTLS or the handshake failed), 'untested' (port 25 could not be tested).
 */
export const DaneOutcomeSchema = z.enum(['match', 'mismatch', 'no-tls', 'untested']);

export const DaneAddressSchema = z.object({
  address: z.string(),
  outcome: DaneOutcomeSchema,
  /** indexes (into the host's records) of the records that matched, with the chain depth matched */
  matches: z.array(z.object({ record: z.number().int().nonnegative(), depth: z.number().int().nonnegative() })),
  /**
   * why the chain did not satisfy a DANE-TA record that matched a certificate in it: a link below
   * the anchor is not signed by the next, the leaf is outside its dates, or it does not name the host
   */
  taProblem: z.enum(['chain-signature', 'dates', 'name']).optional(),
});
export type DaneAddress = z.infer<typeof DaneAddressSchema>;

export const DaneHostSchema = z.object({
  host: z.string(),
  /** the TLSA question _25._tcp.<host> and its DNSSEC status */
  tlsa: DnssecLookupSchema,
  records: z.array(TlsaRecordSchema),
  /** per address of the host; empty when no validated usable record makes DANE apply */
  addresses: z.array(DaneAddressSchema),
});
export type DaneHost = z.infer<typeof DaneHostSchema>;

export const DaneResultSchema = z.object({ hosts: z.array(DaneHostSchema) });
export type DaneResult = z.infer<typeof DaneResultSchema>;

export const PolicyResultSchema = z.object({
  mtaSts: MtaStsSchema.optional(),
  tlsRpt: TlsRptSchema.optional(),
  /** DNSSEC status of the MX answer and of each MX host's addresses (domain mode, DNSSEC-capable resolver) */
  dnssec: DnssecResultSchema.optional(),
  /** TLSA records per MX host, and how each address's port 25 chain matched them */
  dane: DaneResultSchema.optional(),
});
export type PolicyResult = z.infer<typeof PolicyResultSchema>;

// ---------------------------------------------------------------------------------------------
// The check result

export const CheckInputSchema = z.object({
  /** what the user typed */
  input: z.string(),
  mode: CheckModeSchema,
  /** ASCII (punycode) form, lower-case, no trailing dot */
  domain: z.string(),
  /** Unicode form for display */
  displayDomain: z.string(),
  /** host mode only: run the open relay test although the server is not known as an MX */
  relayTest: z.boolean().optional(),
  /** scaled mode: the vantage (worker label) the check ran from; absent: the only one there is */
  vantage: z.string().optional(),
  /**
   * A check asked of several vantages is one check per vantage; each lists them all (itself too),
   * so the report can show them side by side.
   */
  vantageGroup: z.array(z.object({ vantage: z.string(), id: z.string() })).optional(),
});
export type CheckInput = z.infer<typeof CheckInputSchema>;

export const CheckResultSchema = z.object({
  schemaVersion: z.literal(1),
  target: CheckInputSchema,
  startedAt: z.string(), // ISO 8601
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  /** the EHLO name we announced */
  ehloName: z.string(),
  dns: DnsResultSchema,
  probes: z.array(PortProbeSchema),
  findings: z.array(FindingSchema),
  summary: SummarySchema,
  /** true when the check's total budget ran out or it was cancelled before every probe ended */
  incomplete: z.boolean(),
  /** MTA-STS, TLS-RPT: the domain's transport-security policy (domain mode) */
  policy: PolicyResultSchema.optional(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

// ---------------------------------------------------------------------------------------------
// Progress events, in the order a check emits them

const ProbeKey = {
  host: z.string(),
  address: z.string(),
  port: PortSchema,
};

/**
 * Version of the stored/streamed event log. 1: check-done carries the whole result. 2 (the web
 * app since hosting limits): check-started says eventVersion 2, progress events carry only what the
 * live table needs, and check-done omits what dns-done and probe-done already carried (`omitted`);
 * readers rebuild the result from the log (lib/checks/event-log.ts). Readers accept both.
 */
export const EVENT_SCHEMA_VERSION = 2;

export const CheckEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('check-started'),
    target: CheckInputSchema,
    startedAt: z.string(),
    /** absent in version-1 logs */
    eventVersion: z.literal(2).optional(),
  }),
  z.object({ type: z.literal('dns-done'), dns: DnsResultSchema }),
  /** every (host, address, port) the check will probe, so a viewer can lay out the table */
  z.object({
    type: z.literal('probes-planned'),
    probes: z.array(z.object({ ...ProbeKey, family: z.union([z.literal(4), z.literal(6)]) })),
  }),
  z.object({ type: z.literal('probe-connected'), ...ProbeKey, ms: z.number() }),
  z.object({ type: z.literal('probe-greeting'), ...ProbeKey, ms: z.number(), greeting: SmtpReplySchema }),
  z.object({ type: z.literal('probe-ehlo'), ...ProbeKey, ms: z.number(), tls: z.boolean(), ehlo: EhloSchema }),
  z.object({
    type: z.literal('probe-tls'),
    ...ProbeKey,
    ms: z.number(),
    version: z.string().optional(),
    trusted: z.boolean(),
  }),
  /** the TLS matrix of a probe, as soon as its handshakes are done (probe-done carries it too) */
  z.object({ type: z.literal('probe-tls-matrix'), ...ProbeKey, matrix: TlsMatrixSchema }),
  z.object({ type: z.literal('probe-done'), probe: PortProbeSchema }),
  /** the domain's MTA-STS record and policy, as soon as they are fetched */
  z.object({ type: z.literal('policy-mta-sts'), mtaSts: MtaStsSchema }),
  z.object({ type: z.literal('policy-tls-rpt'), tlsRpt: TlsRptSchema }),
  /** the DNSSEC status of the MX set and of every MX host's address and TLSA answers */
  z.object({ type: z.literal('policy-dnssec'), dnssec: DnssecResultSchema, tlsa: z.array(DaneHostSchema) }),
  /** DANE for one MX host, once its TLSA records and every one of its port 25 probes are known */
  z.object({ type: z.literal('policy-dane'), daneHost: DaneHostSchema }),
  z.object({
    type: z.literal('check-done'),
    result: CheckResultSchema,
    /**
     * version 2: parts of `result` left empty because earlier events carried them: 'dns' (from
     * dns-done) and 'probes' (from every probe-done, in planned order)
     */
    omitted: z.array(z.enum(['dns', 'probes'])).optional(),
  }),
]);
export type CheckEvent = z.infer<typeof CheckEventSchema>;
export type CheckEventType = CheckEvent['type'];

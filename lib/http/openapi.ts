/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas the handlers validate
 * and answer with (lib/http/api-schemas.ts, lib/probe/schema.ts, lib/export): the document cannot
 * drift from the code it describes. OpenAPI 3.1's schema dialect is JSON Schema 2020-12, which is
 * what z.toJSONSchema emits; the registry turns the named schemas into components and $refs.
 */
import { z } from 'zod';
import pkg from '@/package.json';
import {
  ApiErrorSchema,
  CheckIdSchema,
  CheckResponseSchema,
  CreateCheckRequestSchema,
  LocalizedFindingSchema,
  CreateCheckResponseSchema,
  HealthResponseSchema,
  LivenessResponseSchema,
  ReadinessResponseSchema,
  MAX_BODY_BYTES,
  SSE_INTERRUPTED_EVENT,
  SseInterruptedSchema,
} from '@/lib/http/api-schemas';
import { CsvTableSchema, ExportFormatSchema } from '@/lib/export/export-response';
import {
  CertificateSchema,
  CheckEventSchema,
  CheckInputSchema,
  CheckResultSchema,
  DnsResultSchema,
  FindingSchema,
  PortProbeSchema,
  SummarySchema,
} from '@/lib/probe/schema';
import { ChangeSchema, CompareResponseSchema, HistoryEntrySchema, HistoryPageSchema } from '@/lib/history/schemas';
import {
  CreateMonitorRequestSchema,
  CreateMonitorResponseSchema,
  DeliveryViewSchema,
  MonitorConditionsSchema,
  MonitorViewSchema,
  UpdateMonitorRequestSchema,
  WebhookPayloadSchema,
} from '@/lib/monitors/schemas';

type Json = Record<string, unknown>;

/** Named schemas: each becomes components.schemas.<name>, and every use of it a $ref. */
const COMPONENTS: [string, z.ZodType][] = [
  ['CreateCheckRequest', CreateCheckRequestSchema],
  ['CreateCheckResponse', CreateCheckResponseSchema],
  ['CheckResponse', CheckResponseSchema],
  ['CheckResult', CheckResultSchema],
  ['CheckInput', CheckInputSchema],
  ['DnsResult', DnsResultSchema],
  ['PortProbe', PortProbeSchema],
  ['Certificate', CertificateSchema],
  ['Finding', FindingSchema],
  ['LocalizedFinding', LocalizedFindingSchema],
  ['Summary', SummarySchema],
  ['CheckEvent', CheckEventSchema],
  ['SseInterrupted', SseInterruptedSchema],
  ['HealthResponse', HealthResponseSchema],
  ['LivenessResponse', LivenessResponseSchema],
  ['ReadinessResponse', ReadinessResponseSchema],
  ['ApiError', ApiErrorSchema],
  ['HistoryPage', HistoryPageSchema],
  ['HistoryEntry', HistoryEntrySchema],
  ['CompareResponse', CompareResponseSchema],
  ['Change', ChangeSchema],
  ['CreateMonitorRequest', CreateMonitorRequestSchema],
  ['CreateMonitorResponse', CreateMonitorResponseSchema],
  ['UpdateMonitorRequest', UpdateMonitorRequestSchema],
  ['MonitorConditions', MonitorConditionsSchema],
  ['MonitorView', MonitorViewSchema],
  ['Delivery', DeliveryViewSchema],
  ['WebhookPayload', WebhookPayloadSchema],
];

function componentSchemas(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of COMPONENTS) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  // $schema is implied by the document (3.1's default dialect); an $id ending in a fragment is
  // not a valid 2020-12 $id, and components are addressed by their path anyway.
  return Object.fromEntries(Object.entries(schemas).map(([k, { $schema: _s, $id: _i, ...rest }]) => [k, rest]));
}

/** A schema that is not a component (a parameter's), inlined. */
function inline(schema: z.ZodType): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json) => ({ 'application/json': { schema } });

function error(description: string, headers?: Json): Json {
  return { description, content: json(ref('ApiError')), ...(headers ? { headers } : {}) };
}

const RETRY_AFTER = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
const ID_PARAM = { name: 'id', in: 'path', required: true, description: 'The check id (22 URL-safe characters)', schema: inline(CheckIdSchema) };
const TOKEN_PARAM = {
  name: 'token',
  in: 'path',
  required: true,
  description: 'The monitor’s capability token (from manageUrl)',
  schema: { type: 'string' },
};

const DOMAIN_PARAM = {
  name: 'domain',
  in: 'path',
  required: true,
  description: 'Domain name, Unicode or punycode (case does not matter)',
  schema: { type: 'string', examples: ['example.com'] },
};
const THEME_PARAM = {
  name: 'theme',
  in: 'query',
  description: 'Colour scheme of the widget; auto follows the viewer’s system setting',
  schema: { type: 'string', enum: ['auto', 'light', 'dark'], default: 'auto' },
};
const LANG_PARAM = {
  name: 'lang',
  in: 'query',
  description:
    'The language of the findings’ words (and of error messages): each finding of result.findings then also carries title, explanation and fix ' +
    '(LocalizedFinding). A tag of a supported language ("fr", "fr-CA"); any other value is a 400. Wins over Accept-Language.',
  schema: { type: 'string', examples: ['fr'] },
};
const ACCEPT_LANGUAGE_PARAM = {
  name: 'Accept-Language',
  in: 'header',
  description: 'Without ?lang=: when it names a supported language (en, fr), findings carry their words in the best one, as with ?lang=.',
  schema: { type: 'string', examples: ['fr-FR,fr;q=0.9,en;q=0.5'] },
};
const LANGUAGE_HEADERS = {
  'Content-Language': { description: 'Only when a language was asked for: the language of the findings’ words', schema: { type: 'string', enum: ['en', 'fr'] } },
  Vary: { description: 'Only when a language was asked for: Accept-Language', schema: { type: 'string' } },
};
const SVG = { 'image/svg+xml': { schema: { type: 'string', description: 'An SVG document with a <title>' } } };
const HTML = { 'text/html': { schema: { type: 'string' } } };

const EVENT_NAMES = CheckEventSchema.options.map((o) => o.shape.type.value);

function paths(): Json {
  return {
    '/api/checks': {
      post: {
        operationId: 'createCheck',
        tags: ['checks'],
        summary: 'Start a check',
        description:
          'Starts probing the domain’s MX hosts (or, with mode "host", one server) on ports 25, 465, 587 and 2525. ' +
          'On port 25 of each MX address it also tests for an open relay (MAIL FROM, RCPT TO to a foreign reserved domain, RSET; never DATA); ' +
          'with mode "host" only when relayTest is true. ' +
          'A check of the same target that is running, or finished within the dedupe window, is returned instead (200, deduped: true). ' +
          `The body is at most ${MAX_BODY_BYTES} bytes of JSON. ` +
          'A domain-mode check is public: anyone can find its latest result by domain (badges, /embed/domain/<domain>) and a ' +
          'request for the same domain is answered with it. Send "visibility": "unlisted" for a check reachable only through its id, ' +
          'never returned by domain look-ups, badges or dedupe (the id is then the only key: share it with care).',
        requestBody: { required: true, content: json(ref('CreateCheckRequest')) },
        responses: {
          '201': {
            description: 'A new check was started',
            headers: { Location: { description: 'The check’s API URL', schema: { type: 'string' } } },
            content: json(ref('CreateCheckResponse')),
          },
          '200': { description: 'The check already running or just finished for this target', content: json(ref('CreateCheckResponse')) },
          '400': error('Not a usable domain (details.reason says why), or invalid JSON'),
          '413': error('Body too large'),
          '415': error('Content-Type is not application/json'),
          '429': error('Too many checks from this client', RETRY_AFTER),
          '503': error('Every check slot and the queue are taken', RETRY_AFTER),
        },
      },
    },
    '/api/checks/{id}': {
      get: {
        operationId: 'getCheck',
        tags: ['checks'],
        summary: 'A check’s state and result, or an export of its result',
        description:
          'Without format (or format=json): the check’s state, with the result once done. ' +
          'format=result: the bare result (exactly the CheckResult schema) as a download. ' +
          'format=csv: the port table (table=ports, one record per host × address × port) or the certificates (table=certificates), RFC 4180 with CRLF line ends. ' +
          'Findings are stable codes with params. With format=json and ?lang= (or an Accept-Language naming en or fr) each finding of result.findings also carries its ' +
          'title, explanation and fix in that language, params placed (LocalizedFinding), and the answer has Content-Language and Vary: Accept-Language. ' +
          'Without a language request the body is exactly CheckResponse, as before; the stored result never changes.',
        parameters: [
          ID_PARAM,
          { name: 'format', in: 'query', schema: { ...inline(ExportFormatSchema), default: 'json' } },
          { name: 'table', in: 'query', description: 'Only with format=csv', schema: { ...inline(CsvTableSchema), default: 'ports' } },
          LANG_PARAM,
          ACCEPT_LANGUAGE_PARAM,
        ],
        responses: {
          '200': {
            description:
              'The check (format=json), its result (format=result) or a CSV table (format=csv). ' +
              'With a language request, each element of result.findings is a LocalizedFinding.',
            headers: LANGUAGE_HEADERS,
            content: {
              'application/json': { schema: { oneOf: [ref('CheckResponse'), ref('CheckResult')] } },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          '400': error('Not a check id, an unknown format or table, or a lang mxray does not speak (details.supported lists them)'),
          '404': error('No check with this id'),
          '409': error('An export was asked for, but the check has no result yet (or was interrupted)', RETRY_AFTER),
        },
      },
    },
    '/api/checks/{id}/events': {
      get: {
        operationId: 'getCheckEvents',
        tags: ['checks'],
        summary: 'Follow a check as Server-Sent Events',
        description:
          'Every stored event after Last-Event-ID, then the live ones; the stream closes after check-done. ' +
          'Each frame is `id: <seq>`, `event: <type>`, `data: <CheckEvent JSON>`. ' +
          `A check cut short ends with one \`event: ${SSE_INTERRUPTED_EVENT}\` (no id; data: SseInterrupted). ` +
          'Resume with the Last-Event-ID header or ?lastEventId=.',
        parameters: [
          ID_PARAM,
          { name: 'Last-Event-ID', in: 'header', description: 'Resume after this event seq', schema: { type: 'string', pattern: '^\\d{1,9}$' } },
          { name: 'lastEventId', in: 'query', description: 'Same as the header, for clients that cannot set it', schema: { type: 'string', pattern: '^\\d{1,9}$' } },
        ],
        responses: {
          '200': {
            description: 'The event stream',
            content: {
              'text/event-stream': {
                schema: { type: 'string' },
                'x-sse-events': {
                  ...Object.fromEntries(EVENT_NAMES.map((name) => [name, ref('CheckEvent')])),
                  [SSE_INTERRUPTED_EVENT]: ref('SseInterrupted'),
                },
              },
            },
          },
          '204': { description: 'The check is finished and the client has seen every event: stop reconnecting' },
          '400': error('Not a check id, or a malformed Last-Event-ID'),
          '404': error('No check with this id'),
        },
      },
    },
    '/api/domains/{domain}/checks': {
      get: {
        operationId: 'listDomainChecks',
        tags: ['history'],
        summary: 'A domain’s checks, newest first',
        description:
          'Every public domain-mode check of the domain (running, done or interrupted), newest first, with its verdict, duration, ports answering and the certificate expiry per MX. ' +
          'Paginated with a cursor: pass nextCursor back as ?cursor= until it is null. Unlisted checks never appear.',
        parameters: [
          DOMAIN_PARAM,
          { name: 'cursor', in: 'query', description: 'nextCursor of the previous page, verbatim', schema: { type: 'string' } },
          { name: 'limit', in: 'query', description: 'Checks per page', schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 } },
        ],
        responses: {
          '200': { description: 'One page of the history', content: json(ref('HistoryPage')) },
          '400': error('Not a domain name, a malformed cursor or a bad limit'),
        },
      },
    },
    '/api/domains/{domain}/compare': {
      get: {
        operationId: 'compareChecks',
        tags: ['history'],
        summary: 'What changed between two checks of a domain',
        description:
          'The change list from check `from` to check `to`: verdict, MX set, addresses, each host × address × port status, TLS version, certificate (fingerprint, expiry, issuer), findings appeared and resolved. ' +
          'Each change comes as data (changes) and in words (text). Both checks must be finished; the answer is immutable.',
        parameters: [
          DOMAIN_PARAM,
          { name: 'from', in: 'query', required: true, description: 'The older check id', schema: inline(CheckIdSchema) },
          { name: 'to', in: 'query', required: true, description: 'The newer check id', schema: inline(CheckIdSchema) },
        ],
        responses: {
          '200': { description: 'The changes (empty when nothing a reader would notice changed)', content: json(ref('CompareResponse')) },
          '400': error('Not a domain name or check ids, or checks of different targets'),
          '404': error('A check does not exist or is not of this domain'),
          '409': error('A check is not finished'),
        },
      },
    },
    '/api/monitors': {
      post: {
        operationId: 'createMonitor',
        tags: ['monitors'],
        summary: 'Create a monitor (no account: the answer holds its capability token, once)',
        description:
          'Runs a check of the domain every `interval` seconds (3600 to 604800, with jitter) and, when a condition fires, POSTs a WebhookPayload to each target, ' +
          'signed with `Mxray-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with signingSecret>`. ' +
          'Webhook URLs must be https (plain http only inside the server’s WEBHOOK_ALLOW_CIDRS); each host is resolved and every address must pass the same address policy as SMTP probes, at creation and on every delivery. ' +
          'The token in the answer is shown once and stored only as a hash: keep manageUrl. Rate-limited like checks; capped per client and overall.',
        requestBody: { required: true, content: json(ref('CreateMonitorRequest')) },
        responses: {
          '201': { description: 'Created', content: json(ref('CreateMonitorResponse')) },
          '400': error('Invalid body, domain or interval, or a webhook URL that is not https, does not resolve, or points at a refused address (details.reason webhook-…)'),
          '403': error('The cap on monitors per client or overall is reached (quota_exceeded)'),
          '413': error('Body too large'),
          '415': error('Not application/json'),
          '429': error('Rate limited', RETRY_AFTER),
        },
      },
    },
    '/api/monitors/{token}': {
      get: {
        operationId: 'getMonitor',
        tags: ['monitors'],
        summary: 'A monitor, its signing secret and its delivery log (every attempt)',
        parameters: [TOKEN_PARAM],
        responses: { '200': { description: 'The monitor', content: json(ref('MonitorView')) }, '404': error('No monitor with this token') },
      },
      patch: {
        operationId: 'updateMonitor',
        tags: ['monitors'],
        summary: 'Pause, resume (runs at once) or ask for a run now',
        parameters: [TOKEN_PARAM],
        requestBody: { required: true, content: json(ref('UpdateMonitorRequest')) },
        responses: {
          '200': { description: 'The monitor after the change', content: json(ref('MonitorView')) },
          '400': error('Invalid body'),
          '404': error('No monitor with this token'),
          '429': error(
            'Rate limited: "run now" starts a check, so it is paced like starting one; and it is refused while the monitor is running or until MONITOR_RUN_NOW_COOLDOWN_SECONDS (default 300) after its latest run started (details.reason run-now-cooldown, details.retryAfterSec)',
            RETRY_AFTER,
          ),
        },
      },
      delete: {
        operationId: 'deleteMonitor',
        tags: ['monitors'],
        summary: 'Delete a monitor and its delivery log (the checks it ran stay in the domain’s history)',
        parameters: [TOKEN_PARAM],
        responses: { '204': { description: 'Deleted' }, '404': error('No monitor with this token') },
      },
    },
    '/domain/{domain}/feed.xml': {
      get: {
        operationId: 'getDomainFeed',
        tags: ['history'],
        summary: 'Atom feed of the changes between a domain’s consecutive checks (RFC 4287)',
        parameters: [DOMAIN_PARAM],
        responses: {
          '200': { description: 'The feed', content: { 'application/atom+xml': { schema: { type: 'string' } } } },
          '400': error('Not a domain name'),
        },
      },
    },
    '/api/health': {
      get: {
        operationId: 'getHealth',
        tags: ['meta'],
        summary: 'Liveness, load and database state',
        responses: {
          '200': { description: 'Working', content: json(ref('HealthResponse')) },
          '503': { description: 'The database or the check service is not available', content: json(ref('HealthResponse')) },
        },
      },
    },
    '/api/health/live': {
      get: {
        operationId: 'getLiveness',
        tags: ['meta'],
        summary: 'Liveness: the process answers',
        description: 'Consults nothing else, so a slow database never gets a working process restarted. For liveness probes.',
        responses: { '200': { description: 'The process answers', content: json(ref('LivenessResponse')) } },
      },
    },
    '/api/health/ready': {
      get: {
        operationId: 'getReadiness',
        tags: ['meta'],
        summary: 'Readiness: store writable, runner accepting, not shutting down',
        description:
          'For readiness probes and load balancers. Turns 503 on the first SIGTERM, before running checks drain, and whenever the store cannot take a write.',
        responses: {
          '200': { description: 'Ready for traffic', content: json(ref('ReadinessResponse')) },
          '503': { description: 'Not ready; checks says which part', content: json(ref('ReadinessResponse')) },
        },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        tags: ['meta'],
        summary: 'This document',
        responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
      },
    },
    '/badge/{domain}.svg': {
      get: {
        operationId: 'getDomainBadge',
        tags: ['share'],
        summary: 'Badge of a domain’s last finished check',
        description:
          'Shows the verdict of the domain’s last finished check while it is recent; otherwise says there is none or how old it is. Never starts a check. Cached for 5 minutes.',
        parameters: [DOMAIN_PARAM],
        responses: { '200': { description: 'The badge', content: SVG }, '400': { description: 'Not a domain name', content: SVG } },
      },
    },
    '/badge/check/{id}.svg': {
      get: {
        operationId: 'getCheckBadge',
        tags: ['share'],
        summary: 'Badge of one check',
        description: 'The verdict of a finished check (immutable, cached for a year), or “checking…” while it runs.',
        parameters: [ID_PARAM],
        responses: { '200': { description: 'The badge', content: SVG }, '404': { description: 'No such check', content: SVG } },
      },
    },
    '/og/check/{id}': {
      get: {
        operationId: 'getCheckPreview',
        tags: ['share'],
        summary: 'Link-preview image of one check (Open Graph / Twitter card)',
        description: 'A 1200×630 PNG: the domain, the verdict and the four ports per MX address. Immutable (cached for a year) once the check is done; never cached while it runs.',
        parameters: [ID_PARAM],
        responses: { '200': { description: 'The image', content: { 'image/png': { schema: { type: 'string', contentEncoding: 'binary' } } } }, '404': error('No such check') },
      },
    },
    '/og/domain/{domain}': {
      get: {
        operationId: 'getDomainPreview',
        tags: ['share'],
        summary: 'Link-preview image of a domain’s last finished check',
        parameters: [DOMAIN_PARAM],
        responses: { '200': { description: 'The image (cached for 5 minutes)', content: { 'image/png': { schema: { type: 'string', contentEncoding: 'binary' } } } }, '400': error('Not a domain name') },
      },
    },
    '/embed/{id}': {
      get: {
        operationId: 'getEmbed',
        tags: ['share'],
        summary: 'Embeddable widget of one check (HTML, may be framed by any site)',
        description: 'Live while the check runs. /embed.js inserts it and keeps the frame’s height in step with its content.',
        parameters: [ID_PARAM, THEME_PARAM],
        responses: { '200': { description: 'The widget', content: HTML }, '404': { description: 'No such check', content: HTML } },
      },
    },
    '/embed/domain/{domain}': {
      get: {
        operationId: 'getDomainEmbed',
        tags: ['share'],
        summary: 'Embeddable widget of a domain’s latest check',
        parameters: [DOMAIN_PARAM, THEME_PARAM],
        responses: { '200': { description: 'The widget, or a note that there is no recent check', content: HTML } },
      },
    },
  };
}

let cached: Json | undefined;

export function openApiDocument(): Json {
  cached ??= {
    openapi: '3.1.1',
    info: {
      title: 'mxray API',
      version: pkg.version,
      summary: 'Probe a domain’s mail servers on SMTP ports 25, 465, 587 and 2525.',
      description:
        'Start a check, follow it live over Server-Sent Events, read or export its result, and share it as a badge or an embedded widget. ' +
        'A check id is an unguessable capability: whoever has it can read the check. Human documentation: /docs/api.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'checks', description: 'Start, follow and read checks' },
      { name: 'share', description: 'Badges and the embeddable widget' },
      { name: 'history', description: 'A domain over time: its checks, what changed between two, a feed of changes' },
      { name: 'monitors', description: 'Scheduled checks of a domain with signed webhooks when something changes' },
      { name: 'meta', description: 'Health and this document' },
    ],
    paths: paths(),
    // OpenAPI 3.1 webhooks: what a monitor POSTs to its targets.
    webhooks: {
      monitorAlert: {
        post: {
          operationId: 'monitorAlert',
          tags: ['monitors'],
          summary: 'A monitor’s alert, sent to each of its webhook URLs',
          description:
            'Verify Mxray-Signature over the raw body before parsing it (see the API docs for a Node snippet). Retried with exponential backoff until a 2xx answer; ' +
            'redirects are not followed. The payload id is the same on every retry.',
          parameters: [
            { name: 'Mxray-Signature', in: 'header', required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">', schema: { type: 'string' } },
            { name: 'Mxray-Delivery', in: 'header', required: true, description: 'The delivery id (also the payload id)', schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: json(ref('WebhookPayload')) },
          responses: { '2XX': { description: 'Received; any other answer is retried' } },
        },
      },
    },
    components: {
      schemas: componentSchemas(),
      headers: {
        RetryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
      },
    },
  };
  return cached;
}

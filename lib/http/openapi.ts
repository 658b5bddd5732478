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
  CreateCheckResponseSchema,
  HealthResponseSchema,
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
  ['Summary', SummarySchema],
  ['CheckEvent', CheckEventSchema],
  ['SseInterrupted', SseInterruptedSchema],
  ['HealthResponse', HealthResponseSchema],
  ['ApiError', ApiErrorSchema],
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
          'format=csv: the port table (table=ports, one record per host × address × port) or the certificates (table=certificates), RFC 4180 with CRLF line ends.',
        parameters: [
          ID_PARAM,
          { name: 'format', in: 'query', schema: { ...inline(ExportFormatSchema), default: 'json' } },
          { name: 'table', in: 'query', description: 'Only with format=csv', schema: { ...inline(CsvTableSchema), default: 'ports' } },
        ],
        responses: {
          '200': {
            description: 'The check (format=json), its result (format=result) or a CSV table (format=csv)',
            content: {
              'application/json': { schema: { oneOf: [ref('CheckResponse'), ref('CheckResult')] } },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          '400': error('Not a check id, or an unknown format or table'),
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
      { name: 'meta', description: 'Health and this document' },
    ],
    paths: paths(),
    components: {
      schemas: componentSchemas(),
      headers: {
        RetryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
      },
    },
  };
  return cached;
}

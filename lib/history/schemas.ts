/**
 * The history and compare bodies, defined once in zod: the change list lib/history computes, the
 * JSON APIs answer with, the OpenAPI document describes and webhook payloads carry.
 */
import { z } from 'zod';
import { FindingSchema, MxKindSchema, PortSchema, PortStatusSchema, SummarySchema } from '@/lib/probe/schema';
import { CheckIdSchema } from '@/lib/http/api-schemas';

const VerdictSchema = SummarySchema.shape.verdict;

export const CertFactsSchema = z.object({
  sha256: z.string(),
  notAfter: z.string(),
  issuer: z.string(),
  subject: z.string(),
});
export type CertFacts = z.infer<typeof CertFactsSchema>;

const ProbeRef = { host: z.string(), address: z.string(), port: PortSchema };

export const ChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('verdict'), from: VerdictSchema, to: VerdictSchema, direction: z.enum(['better', 'worse', 'other']) }),
  z.object({ kind: z.literal('mx-kind'), from: MxKindSchema, to: MxKindSchema }),
  z.object({ kind: z.literal('mx-added'), host: z.string(), preference: z.number().int().optional() }),
  z.object({ kind: z.literal('mx-removed'), host: z.string(), preference: z.number().int().optional() }),
  z.object({ kind: z.literal('mx-preference'), host: z.string(), from: z.number().int().optional(), to: z.number().int().optional() }),
  z.object({ kind: z.literal('address-added'), host: z.string(), address: z.string() }),
  z.object({ kind: z.literal('address-removed'), host: z.string(), address: z.string() }),
  /** from/to null: that (host, address, port) was not probed in that check */
  z.object({ kind: z.literal('port-status'), ...ProbeRef, from: PortStatusSchema.nullable(), to: PortStatusSchema.nullable() }),
  z.object({ kind: z.literal('tls-version'), ...ProbeRef, from: z.string().nullable(), to: z.string().nullable() }),
  z.object({
    kind: z.literal('certificate'),
    ...ProbeRef,
    from: CertFactsSchema.nullable(),
    to: CertFactsSchema.nullable(),
    /** what differs; a new fingerprint with the same expiry and issuer is still a change */
    fields: z.array(z.enum(['fingerprint', 'expiry', 'issuer'])),
  }),
  z.object({ kind: z.literal('finding-appeared'), finding: FindingSchema }),
  z.object({ kind: z.literal('finding-resolved'), finding: FindingSchema }),
]);
export type Change = z.infer<typeof ChangeSchema>;

export const HistoryEntrySchema = z.object({
  id: CheckIdSchema,
  status: z.enum(['running', 'done', 'interrupted']),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().nonnegative().nullable(),
  verdict: VerdictSchema.nullable(),
  /** per port: addresses that answered SMTP / addresses probed, and the port's rolled-up status */
  ports: z.array(z.object({ port: PortSchema, answered: z.number().int(), probed: z.number().int(), status: PortStatusSchema })),
  /** per MX host, the leaf certificate that expires first */
  certificates: z.array(z.object({ host: z.string(), notAfter: z.string(), daysLeft: z.number().int() })),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const HistoryPageSchema = z.object({
  domain: z.string(),
  checks: z.array(HistoryEntrySchema),
  /** pass back as ?cursor= for the next (older) page; null on the last page */
  nextCursor: z.string().nullable(),
});
export type HistoryPage = z.infer<typeof HistoryPageSchema>;

export const CompareResponseSchema = z.object({
  domain: z.string(),
  from: HistoryEntrySchema,
  to: HistoryEntrySchema,
  changes: z.array(ChangeSchema),
  /** each change in words, same order as changes */
  text: z.array(z.object({ subject: z.string(), text: z.string() })),
});
export type CompareResponse = z.infer<typeof CompareResponseSchema>;

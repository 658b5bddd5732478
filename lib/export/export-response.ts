/**
 * GET /api/checks/:id?format=… – the convention: a query parameter, not the Accept header, so an
 * export is a plain link that a browser, a spreadsheet's "import from URL" or curl can all follow.
 *
 *   format=json (default)   the check's state and result (CheckResponse)
 *   format=result           the bare result, exactly the CheckResult schema, as a download
 *   format=csv[&table=ports|certificates]   the port table or the certificates, RFC 4180
 */
import 'server-only';
import { z } from 'zod';
import type { CheckResult } from '@/lib/probe/schema';
import { problem } from '@/lib/http/problem';
import { CSV_CONTENT_TYPE } from './csv';
import { exportFileName, resultCsv, type CsvTable } from './result-csv';

export const ExportFormatSchema = z.enum(['json', 'result', 'csv']);
export const CsvTableSchema = z.enum(['ports', 'certificates']);

export type ExportQuery = { format: 'json' } | { format: 'result' } | { format: 'csv'; table: CsvTable };

export function parseExportQuery(params: URLSearchParams): { ok: true; query: ExportQuery } | { ok: false; response: Response } {
  const invalid = (message: string) => ({ ok: false as const, response: problem('invalid_input', message) });
  const formats = params.getAll('format');
  const tables = params.getAll('table');
  if (formats.length > 1 || tables.length > 1) return invalid('give format and table at most once');
  const format = ExportFormatSchema.safeParse(formats[0] ?? 'json');
  if (!format.success) return invalid(`format must be one of ${ExportFormatSchema.options.join(', ')}`);
  if (format.data !== 'csv') {
    return tables.length ? invalid('table only goes with format=csv') : { ok: true, query: { format: format.data } };
  }
  const table = CsvTableSchema.safeParse(tables[0] ?? 'ports');
  if (!table.success) return invalid(`table must be one of ${CsvTableSchema.options.join(', ')}`);
  return { ok: true, query: { format: 'csv', table: table.data } };
}

/** The download for a finished check; 409 not_ready while there is no result. */
export function exportResponse(
  check: { id: string; status: string; result: CheckResult | null },
  query: Exclude<ExportQuery, { format: 'json' }>,
): Response {
  const result = check.result;
  if (check.status !== 'done' || !result) {
    return check.status === 'interrupted'
      ? problem('not_ready', 'the check was interrupted and has no result; start a new one')
      : problem('not_ready', `the check is ${check.status}; its result is not there yet`, { retryAfterSec: 2 });
  }
  const [body, contentType, name] =
    query.format === 'result'
      ? [JSON.stringify(result, null, 2), 'application/json; charset=utf-8', exportFileName(result, 'result.json')]
      : [resultCsv(result, query.table), CSV_CONTENT_TYPE, exportFileName(result, `${query.table}.csv`)];
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': contentType,
      // The name is ASCII: the domain is in its punycode form and the rest is ours.
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
      'X-Check-Id': check.id,
    },
  });
}

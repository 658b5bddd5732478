/**
 * A CSV writer that follows RFC 4180: records end with CRLF, a field is quoted when it holds a
 * comma, a double quote, CR or LF, and a quote inside a quoted field is doubled. The first record
 * is the header (the media type says `header=present`, RFC 4180 §3).
 */

export type CsvValue = string | number | boolean | null | undefined;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/** Characters that force a field into quotes (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Spreadsheets run a cell that starts with one of these as a formula (CSV injection, OWASP). Text
 * such as SMTP banners comes from the servers we probe, so a hostile server could otherwise plant
 * `=HYPERLINK(…)` in someone's spreadsheet. Such text gets a leading apostrophe, which spreadsheets
 * hide and treat as "this is text". Numbers are written as numbers and never touched.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function fieldText(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return neutralizeFormula(value);
}

/** One field, quoted only when RFC 4180 requires it. */
export function csvField(value: CsvValue): string {
  const text = fieldText(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A whole document: the header, then one record per row, each ending with CRLF. Every row must
 * have as many fields as the header (RFC 4180 §2.4); a mismatch is our bug, so it throws.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  let out = `${header.map(csvField).join(',')}\r\n`;
  rows.forEach((row, i) => {
    if (row.length !== header.length) throw new Error(`CSV row ${i + 1} has ${row.length} fields, the header ${header.length}`);
    out += `${row.map(csvField).join(',')}\r\n`;
  });
  return out;
}

/** Columns described once: the header name and how to read the value from a row object. */
export interface CsvColumn<T> {
  name: string;
  value: (row: T) => CsvValue;
}

export function tableToCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  return toCsv(
    columns.map((c) => c.name),
    rows.map((r) => columns.map((c) => c.value(r))),
  );
}

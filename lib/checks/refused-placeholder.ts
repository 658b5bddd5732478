/**
 * The placeholder a public result carries instead of a refused (non-public) MX address
 * (redact-refused.ts writes it; the report words it in the page's language). One definition of
 * its form for both sides. Stored results keep this English form: it is data, not a UI string.
 */
const PREFIX = 'non-public address ';
const PATTERN = /^non-public address (\d+)$/;

export function refusedPlaceholder(n: number): string {
  return `${PREFIX}${n}`;
}

/** N of a placeholder, or null for a real address. */
export function refusedPlaceholderNumber(address: string): number | null {
  const m = PATTERN.exec(address);
  return m ? Number(m[1]) : null;
}

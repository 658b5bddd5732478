/**
 * The same quick shape check as validateDomainInput (lib/report/start-check.ts), answered as a
 * message key so the form can say it in the page's language. The server validates for real.
 */
export type DomainInputProblem = 'empty' | 'url' | 'email' | 'spaces' | 'noDot' | 'tooLong';

export function domainInputProblem(raw: string): DomainInputProblem | null {
  const v = raw.trim();
  if (!v) return 'empty';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || v.includes('/')) return 'url';
  if (v.includes('@')) return 'email';
  if (/\s/.test(v)) return 'spaces';
  if (!v.replace(/\.$/, '').includes('.')) return 'noDot';
  if (v.length > 253) return 'tooLong';
  return null;
}

/**
 * The TLS protocol matrix's vocabularies as plain constants: the engine needs the lists at run
 * time without building the zod schemas of lib/probe/schema.ts (which declares its enums from
 * them), so a `mxray check` never constructs the result schema it does not validate.
 */
export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** Cipher suite families a server should no longer accept (none of them exists in TLS 1.3). */
export const TLS_SUITE_FAMILIES = ['no-forward-secrecy', '3des', 'rc4', 'null', 'anonymous'] as const;

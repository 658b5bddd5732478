/**
 * The four ports mxray tests, as a plain constant: the engine and the CLI report need the list at
 * run time without building the zod schemas of lib/probe/schema.ts (which re-exports it), so a
 * `mxray check` never constructs the result schema it does not validate.
 */
export const PORTS = [25, 465, 587, 2525] as const;

/** Exit status: 0 no critical finding, 1 a critical finding, 2 bad input or DNS failure. */
export const EXIT = { OK: 0, CRITICAL: 1, INPUT: 2 } as const;

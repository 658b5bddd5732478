/**
 * The engine's summary of a result. The rules live in the interpretation layer (lib/verdict), so
 * the stored summary and every reader of a result say the same thing.
 */
export { summarize } from '@/lib/verdict/summary';

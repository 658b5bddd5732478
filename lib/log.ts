/**
 * The process logger: pino JSON lines in production (one per request and per check), pretty in
 * development. The engine never imports this; callers pass it (or a child) in.
 */
import 'server-only';
import pino, { type Logger } from 'pino';
import { logSettings } from '@/lib/env';

function build(): Logger {
  const { level, pretty } = logSettings();
  return pino({
    level,
    base: { service: 'mxray' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}

const globalForLog = globalThis as unknown as { __mxrayLogger?: Logger };

export const logger: Logger = (globalForLog.__mxrayLogger ??= build());

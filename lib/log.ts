/**
 * The process logger: pino JSON lines in production (one per request and per check), pretty in
 * development. The engine never imports this; callers pass it (or a child) in.
 */
import pino, { type Logger } from 'pino';

function build(): Logger {
  const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
  const pretty = process.env.NODE_ENV === 'development' && process.env.LOG_PRETTY !== 'false';
  return pino({
    level,
    base: { service: 'mxray' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}

const globalForLog = globalThis as unknown as { __mxrayLogger?: Logger };

export const logger: Logger = (globalForLog.__mxrayLogger ??= build());

import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /** @default 'info' (env TSI_LOG_LEVEL) */
  level?: string;
  /** @default 'pretty' when stderr is a TTY, else 'json' */
  format?: LogFormat;
}

/** Keys whose values never reach a log line, wherever they are nested. */
const REDACT = ['password', '*.password', 'connectionString', '*.connectionString', 'db', '*.db', 'url', '*.url'];

/**
 * The root logger: JSON lines on stderr (stdout carries command output), or
 * pino-pretty on a TTY. Child loggers per schedule and stage bind their
 * fields once.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.TSI_LOG_LEVEL ?? 'info';
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  const base = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  if (format === 'pretty') {
    return pino(base, pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, ignore: 'pid,hostname' }));
  }
  return pino(base, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });

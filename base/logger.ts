import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';
export type LogFormat = 'json' | 'pretty';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  /** One of LOG_LEVELS. @default 'info' (env TSI_LOG_LEVEL) */
  level?: string;
  /** @default 'pretty' when stderr is a TTY, else 'json' */
  format?: LogFormat;
}

/** Keys whose values never reach a log line, wherever they are nested. */
const REDACT = ['password', '*.password', 'connectionString', '*.connectionString', 'db', '*.db', 'url', '*.url'];

/** What a redacted secret is replaced with, in log fields and in error messages alike. */
export const REDACTED = '***';

/**
 * Whether pretty logs are coloured, as CLIs agree: FORCE_COLOR (anything but
 * 0/false) forces colour, NO_COLOR (any non-empty value) turns it off,
 * otherwise colour exactly when stderr is a terminal. FORCE_COLOR wins when
 * both are set, as in Node itself.
 */
export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.NO_COLOR) return false;
  return isTTY;
}

/**
 * A status line (the backfill progress bar) drawn on stderr without a newline
 * registers here how to clear itself; every log line clears it first, so log
 * lines never land in the middle of the bar. The bar redraws on its next update.
 */
let clearStatusLine: (() => void) | undefined;
export function setStatusLine(clear: (() => void) | undefined): void {
  clearStatusLine = clear;
}

/**
 * The root logger: JSON lines on stderr (stdout carries command output), or
 * pino-pretty on a TTY, one line per event. Child loggers per schedule and
 * stage bind their fields once.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.TSI_LOG_LEVEL ?? 'info';
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  const base = {
    level,
    redact: { paths: REDACT, censor: REDACTED },
    base: undefined,
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: Parameters<Logger['info']>) => void) {
        clearStatusLine?.();
        method.apply(this, args);
      },
    },
  };
  if (format === 'pretty') {
    const colorize = colorWanted(process.env, process.stderr.isTTY === true);
    return pino(base, pretty({ destination: 2, sync: true, colorize, singleLine: true, errorLikeObjectKeys: ['err'], ignore: 'pid,hostname' }));
  }
  return pino(base, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });

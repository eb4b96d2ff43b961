import pino, { type Level, type Logger } from 'pino';

/*
 * Logging across threads: a worker thread's logger hands each line, as JSON
 * text, to `send` (a postMessage), and the thread that owns the real logger
 * writes it there with relayLogLine, at the line's level and with its
 * fields, so the real logger's format, level and redaction apply as to its
 * own lines.
 */

/** A logger whose lines go to `send`; at `level` 'silent' nothing is formatted or sent. */
export function relayingLogger(level: string, send: (line: string) => void): Logger {
  return pino({ level, base: undefined, timestamp: false }, { write: send });
}

interface SerializedError {
  type: string;
  message: string;
  stack: string;
}

/** Writes a line of a relaying logger to `log`; the line's error comes back as an Error, so `log` prints it as its own. */
export function relayLogLine(log: Logger, line: string): void {
  const { level, msg, err, ...fields } = JSON.parse(line) as { level: number; msg?: string; err?: SerializedError } & Record<string, unknown>;
  if (err !== undefined) {
    const error = new Error(err.message);
    error.name = err.type;
    error.stack = err.stack;
    fields.err = error;
  }
  log[log.levels.labels[level] as Level](fields, msg);
}

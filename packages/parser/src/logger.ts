/**
 * The logger `@bolt/client` and `@bolt/server` accept. Every method is optional; a missing
 * method costs nothing, and `console` works as is. At `debug` both log each message in and out
 * (`C: RUN "RETURN 1" {} {}`, `S: SUCCESS {...}`) through {@link formatMessage}, credentials
 * redacted. `warn` and `error` may get the error that caused them as a second argument.
 */
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string, error?: unknown): void;
  error?(message: string, error?: unknown): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A Logger writing to `console` at `level` and above (default `'info'`), each line prefixed
 *  with `[bolt]`. */
export function consoleLogger(level: LogLevel = 'info'): Logger {
  const at = ORDER[level];
  const logger: Logger = {};
  if (at <= 0) logger.debug = (m) => console.debug(`[bolt] ${m}`);
  if (at <= 1) logger.info = (m) => console.info(`[bolt] ${m}`);
  if (at <= 2) logger.warn = (m, e) => console.warn(`[bolt] ${m}`, ...(e === undefined ? [] : [e]));
  logger.error = (m, e) => console.error(`[bolt] ${m}`, ...(e === undefined ? [] : [e]));
  return logger;
}

/**
 * A pluggable logger. Every method is optional; `console` works as is. When `debug` is present
 * each connection logs every message it sends (`C: RUN "RETURN 1" {} {}`) and receives
 * (`S: SUCCESS {...}`), with credentials redacted.
 */
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

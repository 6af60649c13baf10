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

const REDACTED_KEYS: ReadonlySet<string> = new Set(['credentials', 'password']);
/** In an auth token (INIT, HELLO up to 5.0, LOGON) a custom scheme's `parameters` may hold
 *  secrets too: hidden whole. */
export const AUTH_REDACTED_KEYS: ReadonlySet<string> = new Set([...REDACTED_KEYS, 'parameters']);

/** Renders a message field for the wire log: JSON-like, bigint/bytes/structs readable, the
 *  values of `redacted` keys (default `credentials`, `password`) replaced by `"******"`, long
 *  strings and lists shortened. */
export function formatForLog(
  value: unknown,
  depth = 0,
  redacted: ReadonlySet<string> = REDACTED_KEYS,
): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (depth > 6) return '…';
  if (value instanceof Uint8Array) return `#bytes(${value.length})`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, 20).map((v) => formatForLog(v, depth + 1, redacted));
    if (value.length > 20) shown.push(`… ${value.length - 20} more`);
    return `[${shown.join(', ')}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (
    proto !== Object.prototype &&
    proto !== null &&
    typeof (value as any).toString === 'function'
  ) {
    const s = (value as any).toString();
    if (s !== '[object Object]') return s;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    parts.push(
      `${JSON.stringify(k)}: ${redacted.has(k) ? '"******"' : formatForLog(v, depth + 1, redacted)}`,
    );
  }
  return `{${parts.join(', ')}}`;
}

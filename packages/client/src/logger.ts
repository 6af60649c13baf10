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

const REDACTED_KEYS = new Set(['credentials', 'password']);

/** Renders a message field for the wire log: JSON-like, bigint/bytes/structs readable,
 *  `credentials` replaced by `"******"`, long strings and lists shortened. */
export function formatForLog(value: unknown, depth = 0): string {
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
    const shown = value.slice(0, 20).map((v) => formatForLog(v, depth + 1));
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
      `${JSON.stringify(k)}: ${REDACTED_KEYS.has(k) ? '"******"' : formatForLog(v, depth + 1)}`,
    );
  }
  return `{${parts.join(', ')}}`;
}

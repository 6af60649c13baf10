/** Keys whose values are never printed. */
const SECRET_KEYS = new Set(['credentials', 'password', 'token', 'ticket']);
const REDACTED = '******';
const MAX_STRING = 200;
const MAX_ITEMS = 20;
const MAX_DEPTH = 6;

/**
 * One Bolt message as a log line in the spec's notation, e.g.
 * `RUN "RETURN $x" {x: 1} {db: "neo4j"}` or `LOGON {scheme: "basic", principal: "neo4j", credentials: "******"}`.
 * Credentials (and any map key named like one) are redacted at every depth; long strings,
 * lists and maps are cut short.
 */
export function describeMessage(message: { type: string } & Record<string, unknown>): string {
  let out = message.type;
  for (const key of Object.keys(message)) {
    if (key === 'type') continue;
    out += ` ${formatLogValue(message[key], 0)}`;
  }
  return out;
}

/** A bounded, redacting rendering of a value for logs. */
export function formatLogValue(v: unknown, depth: number): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v);
    case 'bigint':
      return v.toString();
    case 'number':
    case 'boolean':
      return String(v);
    case 'object': {
      if (depth >= MAX_DEPTH) return '…';
      if (Array.isArray(v)) {
        const items = v.slice(0, MAX_ITEMS).map((x) => formatLogValue(x, depth + 1));
        if (v.length > MAX_ITEMS) items.push(`…${v.length - MAX_ITEMS} more`);
        return `[${items.join(', ')}]`;
      }
      if (v instanceof Uint8Array) return `bytes(${v.length})`;
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return String(v);
      const keys = Object.keys(v);
      const parts = keys.slice(0, MAX_ITEMS).map((k) => {
        const value = SECRET_KEYS.has(k.toLowerCase())
          ? JSON.stringify(REDACTED)
          : formatLogValue((v as Record<string, unknown>)[k], depth + 1);
        return `${/^[A-Za-z_][A-Za-z0-9_.]*$/.test(k) ? k : JSON.stringify(k)}: ${value}`;
      });
      if (keys.length > MAX_ITEMS) parts.push(`…${keys.length - MAX_ITEMS} more`);
      return `{${parts.join(', ')}}`;
    }
    default:
      return String(v);
  }
}

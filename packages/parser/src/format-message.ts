import { hex } from './hex.js';
import type { Request } from './request.js';
import type { Response } from './response.js';

/** Options of {@link formatMessage}. */
export interface FormatMessageOptions {
  /** Hide secrets: the value of every `credentials`, `password`, `token` or `ticket` key (any
   *  case, any depth) becomes `"******"`, and so does an auth token's whole `parameters` map
   *  (INIT, HELLO, LOGON), where custom schemes carry their secrets. Default true. */
  redact?: boolean;
  /** Strings longer than this many characters are cut, with `…`. Default: no limit. */
  maxString?: number;
  /** Lists, maps and byte arrays show at most this many items, then `… N more`. Default: no limit. */
  maxItems?: number;
  /** Values nested deeper than this print as `…`. Default 32. */
  maxDepth?: number;
}

/** Bounds for log lines: long strings, lists and maps cut short, credentials hidden. */
export const LOG_FORMAT: Readonly<FormatMessageOptions> = Object.freeze({
  redact: true,
  maxString: 200,
  maxItems: 20,
  maxDepth: 6,
});

const SECRET_KEYS = new Set(['credentials', 'password', 'token', 'ticket']);
const AUTH_SECRET_KEYS = new Set([...SECRET_KEYS, 'parameters']);

interface Style {
  redact: boolean;
  maxString: number;
  maxItems: number;
  maxDepth: number;
}

/**
 * A message in the spec's notation, one line: `RUN "RETURN 1 AS n" {} {}`, `PULL {"n":-1}`,
 * `RECORD [1]`. Maps print as JSON (integers plain, bigints too); secrets are redacted unless
 * `redact: false`. Pass {@link LOG_FORMAT} for bounded log lines.
 */
export function formatMessage(msg: Request | Response, options: FormatMessageOptions = {}): string {
  const style: Style = {
    redact: options.redact ?? true,
    maxString: options.maxString ?? Number.POSITIVE_INFINITY,
    maxItems: options.maxItems ?? Number.POSITIVE_INFINITY,
    maxDepth: options.maxDepth ?? 32,
  };
  const f = (v: unknown) => formatValue(v, style, SECRET_KEYS, 0);
  const auth = (v: unknown) => formatValue(v, style, AUTH_SECRET_KEYS, 0);
  switch (msg.type) {
    case 'INIT':
      return `INIT ${f(msg.userAgent)} ${auth(msg.authToken)}`;
    case 'HELLO':
      return `HELLO ${auth(msg.extra)}`;
    case 'LOGON':
      return `LOGON ${auth(msg.auth)}`;
    case 'RUN':
      return `RUN ${f(msg.query)} ${f(msg.parameters)} ${f(msg.extra)}`;
    case 'PULL':
    case 'DISCARD':
    case 'BEGIN':
      return `${msg.type} ${f(msg.extra)}`;
    case 'ROUTE': {
      const third: Record<string, unknown> = {};
      if (msg.db !== undefined) third.db = msg.db;
      if (msg.impUser !== undefined) third.imp_user = msg.impUser;
      return `ROUTE ${f(msg.routing)} ${f(msg.bookmarks)} ${f(third)}`;
    }
    case 'TELEMETRY':
      return `TELEMETRY ${f(msg.api)}`;
    case 'SUCCESS':
    case 'FAILURE':
      return `${msg.type} ${f(msg.metadata)}`;
    case 'RECORD':
      return `RECORD ${f(msg.fields)}`;
    default:
      return msg.type;
  }
}

function formatValue(
  v: unknown,
  style: Style,
  secrets: ReadonlySet<string>,
  depth: number,
): string {
  if (depth > style.maxDepth) return '…';
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > style.maxString ? `${v.slice(0, style.maxString)}…` : v);
    case 'number':
      return Number.isFinite(v) ? (Object.is(v, -0) ? '-0.0' : String(v)) : String(v);
    case 'bigint':
    case 'boolean':
      return String(v);
    case 'object':
      break;
    default:
      return String(v);
  }
  const more = (n: number) => (n > style.maxItems ? [`… ${n - style.maxItems} more`] : []);
  if (Array.isArray(v)) {
    const items = v.slice(0, style.maxItems).map((x) => formatValue(x, style, secrets, depth + 1));
    return `[${[...items, ...more(v.length)].join(',')}]`;
  }
  if (v instanceof Uint8Array) {
    const shown = v.subarray(0, Math.min(v.length, style.maxItems));
    const pairs = hex(shown, { separator: '', upperCase: false });
    return v.length > shown.length ? `#${pairs}…(${v.length} bytes)` : `#${pairs}`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return String(v);
  const keys = Object.keys(v);
  const entries = keys.slice(0, style.maxItems).map((k) => {
    const value = (v as Record<string, unknown>)[k];
    const shown =
      style.redact && secrets.has(k.toLowerCase()) && value !== null && value !== undefined
        ? '"******"'
        : formatValue(
            value,
            style,
            secrets === AUTH_SECRET_KEYS ? SECRET_KEYS : secrets,
            depth + 1,
          );
    return `${JSON.stringify(k)}:${shown}`;
  });
  return `{${[...entries, ...more(keys.length)].join(',')}}`;
}

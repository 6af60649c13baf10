import type { Request } from './request.js';
import type { Response } from './response.js';

/** Options of {@link formatMessage}. */
export interface FormatMessageOptions {
  /** Replace the value of every `credentials` key with `"******"`. Default true. */
  redact?: boolean;
}

/**
 * A message in the spec's notation, one line: `RUN "RETURN 1 AS n" {} {}`, `PULL {"n":-1}`,
 * `RECORD [1]`. Maps print as JSON (integers plain, bigints too); credentials are redacted
 * unless `redact: false`.
 */
export function formatMessage(msg: Request | Response, options: FormatMessageOptions = {}): string {
  const redact = options.redact ?? true;
  const f = (v: unknown) => formatValue(v, redact, 0);
  switch (msg.type) {
    case 'INIT':
      return `INIT ${f(msg.userAgent)} ${f(msg.authToken)}`;
    case 'HELLO':
      return `HELLO ${f(msg.extra)}`;
    case 'LOGON':
      return `LOGON ${f(msg.auth)}`;
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

const MAX_DEPTH = 32;

function formatValue(v: unknown, redact: boolean, depth: number): string {
  if (depth > MAX_DEPTH) return '…';
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
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
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, redact, depth + 1)).join(',')}]`;
  if (v instanceof Uint8Array)
    return `#${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return String(v);
  const entries = Object.keys(v).map((k) => {
    const value = (v as Record<string, unknown>)[k];
    const shown =
      redact && k === 'credentials' && value !== null && value !== undefined
        ? '"******"'
        : formatValue(value, redact, depth + 1);
    return `${JSON.stringify(k)}:${shown}`;
  });
  return `{${entries.join(',')}}`;
}

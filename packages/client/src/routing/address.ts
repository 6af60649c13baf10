import { usageError } from '../bolt-error.js';
import { describeValue } from '../connection-checks.js';

/** A server address: `host` (an IPv6 address without brackets) and `port`. */
export interface ServerAddress {
  host: string;
  port: number;
}

/** Bolt's usual port, used when an address names none. */
export const DEFAULT_BOLT_PORT = 7687;

/**
 * Parse `host:port`, `host` (port 7687), `[ipv6]:port` or `[ipv6]` as routing tables and
 * resolvers write them. Throws a usage BoltError for anything else.
 */
export function parseAddress(text: string): ServerAddress {
  const s = typeof text === 'string' ? text.trim() : '';
  const m = /^(?:\[([^\]]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(s);
  if (!m) throw usageError(`invalid server address ${describeValue(text)}: expected host:port`);
  const port = m[3] === undefined ? DEFAULT_BOLT_PORT : Number(m[3]);
  if (!(port > 0 && port < 65536))
    throw usageError(`invalid server address ${describeValue(text)}: port out of range`);
  return { host: m[1] ?? m[2], port };
}

/** `host:port`, with brackets around an IPv6 host. The key under which pools and routing
 *  tables know a server. */
export function formatAddress(address: ServerAddress): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

/** The canonical `host:port` form of an address string. */
export function normalizeAddress(text: string): string {
  return formatAddress(parseAddress(text));
}

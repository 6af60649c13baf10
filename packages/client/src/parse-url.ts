import { usageError } from './bolt-error.js';

/** A parsed driver URL. */
export interface ParsedUrl {
  scheme: 'bolt' | 'bolt+s' | 'bolt+ssc' | 'neo4j' | 'neo4j+s' | 'neo4j+ssc';
  host: string;
  port: number;
  /** TLS implied by the scheme (`+s`, `+ssc`). */
  encrypted: boolean;
  /** `+ssc`: accept any certificate. */
  trustAll: boolean;
  /** `neo4j*`: a routing scheme (today served as a direct connection). */
  routing: boolean;
  /** Query parameters (the routing context for `neo4j*`). */
  context: Record<string, string>;
}

const SCHEMES = new Set(['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc']);

/** Parse `scheme://host[:port][?context]`; the port defaults to 7687. IPv6 hosts go in brackets. */
export function parseUrl(url: string): ParsedUrl {
  const m = /^([a-z0-9+]+):\/\/(\[[^\]]+\]|[^:/?#]*)(?::(\d+))?\/?(?:\?([^#]*))?$/i.exec(
    url.trim(),
  );
  if (!m) throw usageError(`invalid URL ${JSON.stringify(url)}: expected scheme://host[:port]`);
  const scheme = m[1].toLowerCase();
  if (!SCHEMES.has(scheme))
    throw usageError(
      `unsupported URL scheme "${scheme}" in ${JSON.stringify(url)}: use bolt, bolt+s, bolt+ssc, neo4j, neo4j+s or neo4j+ssc`,
    );
  const host = m[2].startsWith('[') ? m[2].slice(1, -1) : m[2];
  if (!host) throw usageError(`URL ${JSON.stringify(url)} has no host`);
  const port = m[3] === undefined ? 7687 : Number(m[3]);
  if (!(port > 0 && port < 65536))
    throw usageError(`URL ${JSON.stringify(url)} has an invalid port`);
  const routing = scheme.startsWith('neo4j');
  const context: Record<string, string> = {};
  if (m[4]) {
    if (!routing)
      throw usageError(
        `URL ${JSON.stringify(url)}: query parameters (a routing context) are only allowed with neo4j:// schemes`,
      );
    for (const pair of m[4].split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq < 0)
        throw usageError(
          `URL ${JSON.stringify(url)}: routing context parameter ${JSON.stringify(pair)} is not key=value`,
        );
      const [[k, v]] = new URLSearchParams(pair);
      if (k.trim() === '' || v.trim() === '')
        throw usageError(
          `URL ${JSON.stringify(url)}: routing context parameter ${JSON.stringify(pair)} has an empty key or value`,
        );
      if (k === 'address')
        throw usageError(
          `URL ${JSON.stringify(url)}: "address" is reserved in the routing context (the driver sets it)`,
        );
      if (Object.hasOwn(context, k))
        throw usageError(
          `URL ${JSON.stringify(url)}: duplicated routing context parameter ${JSON.stringify(k)}`,
        );
      // (defineProperty: a "__proto__" key is an ordinary key)
      Object.defineProperty(context, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return {
    scheme: scheme as ParsedUrl['scheme'],
    host,
    port,
    encrypted: scheme.endsWith('+s') || scheme.endsWith('+ssc'),
    trustAll: scheme.endsWith('+ssc'),
    routing,
    context,
  };
}

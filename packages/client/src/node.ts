import { resolveNetModule, writeFileNode } from '@bolt/net-adapters/node';
import { Driver, type DriverConfig } from './driver.js';
import { parseUrl } from './parse-url.js';

export * from './index.js';

/**
 * `driver()` for Node: without a `netModule`, `bolt://` / `neo4j://` use TCP and `+s` / `+ssc`
 * (or `tls.enabled`) use TLS from `@bolt/net-adapters/node`; `netModule` may also name `'tcp'`
 * or `'tls'`; `failedMessageDir` writes with `node:fs`. Everything else is as in the portable
 * entry.
 */
export function driver(url: string, config: DriverConfig = {}): Driver {
  const parsed = parseUrl(url);
  const encrypted = parsed.encrypted || config.tls?.enabled === true;
  return new Driver(
    parsed,
    { ...config, netModule: resolveNetModule(config.netModule ?? (encrypted ? 'tls' : 'tcp')) },
    { writeFile: writeFileNode },
  );
}

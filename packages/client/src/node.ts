import { tcp, tls } from '@bolt/net-adapters/node';
import { Driver, type DriverConfig } from './driver.js';
import { parseUrl } from './parse-url.js';

export * from './index.js';

/**
 * `driver()` for Node: without a `netModule`, `bolt://` / `neo4j://` use TCP and `+s` / `+ssc`
 * (or `tls.enabled`) use TLS from `@bolt/net-adapters/node`. Everything else is as in the
 * portable entry.
 */
export function driver(url: string, config: DriverConfig = {}): Driver {
  const parsed = parseUrl(url);
  const encrypted = parsed.encrypted || config.tls?.enabled === true;
  return new Driver(parsed, {
    ...config,
    netModule: config.netModule ?? (encrypted ? tls() : tcp()),
  });
}

import {
  type BoltFeatures,
  type BoltVersion,
  ClientHandshake,
  features,
  formatVersion,
  openingRequests,
  type Request,
  SUPPORTED_VERSIONS,
} from '@bolt/parser';
import type { AuthToken } from './auth.js';
import { usageError } from './bolt-error.js';
import {
  CLIENT_PRODUCT,
  CLIENT_PROPOSALS,
  type ConnectionOptions,
  LEGACY_PROPOSALS,
} from './connection-options.js';
import type { Logger } from './logger.js';
import { hasFilter, notificationExtra } from './notification-filter.js';

/** The handshake a connection opens with: the four slots it offers (the options' own, the
 *  legacy ones, or the default) and the versions it accepts. Offering a version is enough to
 *  accept it: `legacyVersions` only changes the default slots. */
export function clientHandshake(options: ConnectionOptions): ClientHandshake {
  const supported =
    options.legacyVersions || options.protocolVersions
      ? SUPPORTED_VERSIONS
      : SUPPORTED_VERSIONS.filter((v) => features(v).hasHello);
  const proposals =
    options.protocolVersions ?? (options.legacyVersions ? LEGACY_PROPOSALS : CLIENT_PROPOSALS);
  return new ClientHandshake({ proposals, supported });
}

/** HELLO (and LOGON on 5.1+) for the negotiated version; a notification filter the version
 *  cannot carry (before 5.2) is a usage error. */
export function openingFor(
  f: BoltFeatures,
  version: BoltVersion,
  options: ConnectionOptions,
  auth: AuthToken,
): { hello: Request; logon?: Request } {
  const filter = options.notificationFilter;
  if (filter && !f.notifFilter && hasFilter(filter))
    throw usageError(
      `notification filters need Bolt 5.2+; the server speaks ${formatVersion(version)}`,
    );
  return openingRequests(f, {
    userAgent: options.userAgent ?? CLIENT_PRODUCT,
    auth,
    routing: options.routing,
    utcPatch: options.utcPatch,
    notifications: filter && f.notifFilter ? notificationExtra(filter, f) : undefined,
    boltAgent: options.boltAgent ?? { product: CLIENT_PRODUCT, language: 'JavaScript' },
  });
}

/** A message from `address` that failed to decode goes to `options.failedMessages` (the
 *  writer copies it at once); where it went, or why it could not be saved, is logged. */
export function saveFailedMessage(
  options: ConnectionOptions,
  log: Logger | undefined,
  address: string,
  body: Uint8Array,
  error: unknown,
): void {
  const writer = options.failedMessages;
  if (!writer) return;
  writer.save(body, error, address).then(
    (path) => log?.warn?.(`a message from ${address} failed to decode; saved to ${path}`),
    (e) => log?.warn?.(`could not save the message that failed to decode: ${(e as Error).message}`),
  );
}

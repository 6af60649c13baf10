import type { FailedMessageWriter, NetModule, TlsClientOptions } from '@bolt/net-adapters';
import type { IntegerMode, ScalarListReader, StructSpec } from '@bolt/packstream';
import type { StructsFor, SuccessMetadata, VersionProposal } from '@bolt/parser';
import type { AuthToken } from './auth.js';
import type { BoltError } from './bolt-error.js';
import type { Clock } from './clock.js';
import type { Connection } from './connection.js';
import type { Logger } from './logger.js';
import type { NotificationFilter } from './notification-filter.js';
import { VERSION } from './version.js';

// What opening a connection takes: the options of Connection.open, the observer of one
// request's responses, and the handshake proposals.

/** The product name sent in `bolt_agent` and the default `user_agent`: `bolt-client/<version>`. */
export const CLIENT_PRODUCT = `bolt-client/${VERSION}`;

/** Receives the responses to one request, in order: RECORDs, then exactly one summary. */
export interface ResponseObserver {
  /** A RECORD (only PULL / PULL_ALL produce them). `fields` is owned by the receiver. */
  onRecord?(fields: unknown[]): void;
  /**
   * A RECORD whose values are all scalars (null, booleans, numbers, strings), kept as bytes:
   * its `count` values start at `bytes[first]`, each read with `reader.read`. The bytes are a
   * copy that never changes (shared with other records). An observer with this method gets
   * such RECORDs here instead of in `onRecord`, unless `lazyRecords` is false or the wire is
   * logged.
   */
  onScalarRecord?(bytes: Uint8Array, first: number, count: number, reader: ScalarListReader): void;
  /** The SUCCESS summary. */
  onSuccess?(metadata: SuccessMetadata): void;
  /** FAILURE; IGNORED (with the failure that caused it, or an `aborted` error after a RESET);
   *  or the connection dying before the summary came. */
  onFailure?(error: BoltError): void;
}

/** A host name to the addresses to dial (IP addresses, or other host names). */
export type DomainNameResolver = (host: string) => readonly string[] | Promise<readonly string[]>;

/** Options of {@link Connection.open}. */
export interface ConnectionOptions {
  /** How to reach the server (tcp, tls, websocket, memory, ...). Required. */
  netModule: NetModule;
  /** Server host name or IP address. Required. */
  host: string;
  /** Server port (Bolt's usual port is 7687). Required. */
  port: number;
  /** TLS settings handed to the net module. Default: none. */
  tls?: TlsClientOptions;
  /** Credentials, sent in LOGON (5.1+), HELLO (3–5.0) or INIT (1–2). Default `{scheme: 'none'}`. */
  auth?: AuthToken;
  /** `user_agent` (application identity, "Name/Version"). Default `CLIENT_PRODUCT`. */
  userAgent?: string;
  /** `bolt_agent` (driver identity, 5.3+). Default `{product: CLIENT_PRODUCT, language: 'JavaScript'}`. */
  boltAgent?: { product: string; platform?: string; language?: string; language_details?: string };
  /** Told of every FAILURE the server sends, before the request's observer (the driver's
   *  credentials read security errors there). A promise returned holds the connection's
   *  answers back until it settles: the observer, and everything received after the FAILURE
   *  (answers, the server closing), are told then, in order. */
  onServerFailure?(connection: Connection, error: BoltError): Promise<void> | undefined;
  /** `routing` in HELLO (4.1+): the routing context for `neo4j://`. Default: not sent (direct). */
  routing?: Record<string, unknown> | null;
  /** Driver-wide notification filter (HELLO, 5.2+). Default: server default. */
  notificationFilter?: NotificationFilter;
  /** The four handshake slots. Default: manifest v1, [5.8–5.0], [4.4–4.0], 3.0 (or, with
   *  `legacyVersions`, [4.4–4.0], 3.0, 2.0, 1.0). */
  protocolVersions?: readonly VersionProposal[];
  /** Offer Bolt 1 and 2 (old servers such as asyncbolt's). Default false. */
  legacyVersions?: boolean;
  /** Ask 4.3/4.4 servers for the `utc` DateTime patch. Default true. */
  utcPatch?: boolean;
  /** Turns `host` into the addresses (IP addresses or other names) to dial, tried in order until
   *  one connects, each within `connectTimeoutMs`; TLS still verifies the certificate for `host`.
   *  May be async. Default: `host` itself, left to the network module (and the system's DNS). */
  domainNameResolver?: DomainNameResolver;
  /** Give up when the transport (TCP, TLS) is not connected within this many ms; without a
   *  `signal`, this also bounds the handshake and authentication. Default 30000. */
  connectTimeoutMs?: number;
  /** Abort opening: connecting, the handshake and authentication (a pool passes its
   *  acquisition deadline here). */
  signal?: AbortSignal;
  /** Integers come back as `number` when safe and `bigint` beyond (`'auto'`, default), or always `bigint`. */
  integers?: IntegerMode;
  /** Rows of scalars are kept as bytes and their values built when read (see `Record`), for the
   *  observers that take them (`onScalarRecord`). Default true. */
  lazyRecords?: boolean;
  /** Honour the server's `connection.recv_timeout_seconds` hint. Default true. */
  honourRecvTimeout?: boolean;
  /** Largest message accepted from the server, in bytes. Default 64 MiB. */
  maxMessageSize?: number;
  /** Custom structure types: specs (tag, field count, `hydrate`, and `type` + `dehydrate` to
   *  send your class) added over the Bolt types of the negotiated version, or a `StructsFor`
   *  from `customStructs(specs)` (`@bolt/parser`). Default: the Bolt types only (unknown tags
   *  come back as `Structure`). */
  structs?: readonly StructSpec<any>[] | StructsFor;
  /** Where messages from the server that fail to decode are written (raw bytes and a report):
   *  a `failedMessageWriter()` of `@bolt/net-adapters`. Default: none. */
  failedMessages?: FailedMessageWriter;
  /** Logger; with `debug`, every message sent and received is logged (credentials redacted). */
  logger?: Logger;
  /** Where the connection reads the time and sets its timers (the connect timeout, the
   *  receive timeout, request timeouts, the grace period of closing; `createdAt`, `idleSince`).
   *  Default `systemClock`. Tests pass a manual clock. */
  clock?: Clock;
}

/** Default slots: manifest (reaches 5.7+/6.x), [5.8–5.0], [4.4–4.0] (servers that ignore the
 *  range byte see exactly 4.4), 3.0. */
export const CLIENT_PROPOSALS: readonly VersionProposal[] = Object.freeze([
  { manifest: 1 },
  { major: 5, minor: 8, range: 8 },
  { major: 4, minor: 4, range: 4 },
  { major: 3, minor: 0 },
]);
/** With `legacyVersions`: [4.4–4.0], 3.0, 2.0, 1.0. */
export const LEGACY_PROPOSALS: readonly VersionProposal[] = Object.freeze([
  { major: 4, minor: 4, range: 4 },
  { major: 3, minor: 0 },
  { major: 2, minor: 0 },
  { major: 1, minor: 0 },
]);

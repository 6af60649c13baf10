import {
  failedMessageWriter,
  type NetModuleInput,
  resolveNetModule,
  type TlsClientOptions,
  type WriteFile,
  websocket,
} from '@bolt/net-adapters';
import type { IntegerMode, StructSpec } from '@bolt/packstream';
import { customStructs, features, parseVersion, type VersionProposal } from '@bolt/parser';
import {
  type AuthToken,
  type AuthTokenManager,
  type AuthTokenProvider,
  isAuthTokenProvider,
} from './auth.js';
import { BoltError, usageError } from './bolt-error.js';
import { type BookmarkManager, bookmarkManager } from './bookmark-manager.js';
import type { TransactionConfig } from './build-tx-extra.js';
import { type Clock, isClock, systemClock } from './clock.js';
import { CLIENT_PRODUCT, Connection } from './connection.js';
import type { DomainNameResolver } from './connection-options.js';
import type { DriverConnectionProvider } from './connection-provider.js';
import { DirectConnectionProvider } from './direct-connection-provider.js';
import type { Logger } from './logger.js';
import type { NotificationFilter } from './notification-filter.js';
import { type ParsedUrl, parseUrl } from './parse-url.js';
import type { RecordShape } from './record.js';
import type { ServerInfo } from './result-summary.js';
import type { QueryResult } from './result-types.js';
import type { RetryOptions } from './retry.js';
import { formatAddress, parseAddress } from './routing/address.js';
import type { AddressResolver } from './routing/rediscovery.js';
import { RoutingConnectionProvider } from './routing/routing-connection-provider.js';
import type { RoutingTableSnapshot } from './routing/routing-table.js';
import type { PoolMetrics } from './routing/server-pools.js';
import {
  type AccessMode,
  Session,
  type SessionConfig,
  TELEMETRY_EXECUTE_QUERY,
} from './session.js';

/** Driver options (the second argument of `driver()`). */
export interface DriverConfig {
  /** Credentials: a token (`auth.basic(...)`), a provider asked again when the server says the
   *  token expired, or an `AuthTokenManager` (`authTokenManagers.basic/bearer(...)`, or your
   *  own) asked at every acquisition. Default `auth.none()`. */
  auth?: AuthToken | AuthTokenProvider | AuthTokenManager;
  /** How bytes travel: `tcp()`, `tls()`, `websocket()`, a memory network, ..., or a name:
   *  `'tcp'`, `'tls'` (node entry), `'websocket'`, or one given to `registerNetModule()` of
   *  `@bolt/net-adapters`. Default: the `node` entry picks tcp (bolt://) or tls (+s, +ssc); the
   *  portable (browser) entry picks `websocket()` (the runtime's global WebSocket; `wss://` for
   *  +s). */
  netModule?: NetModuleInput;
  /** Extra TLS settings, merged over what the URL scheme implies (`bolt+s`: system CAs,
   *  `bolt+ssc`: any certificate). With `bolt://` / `neo4j://` they apply only with
   *  `enabled: true`, e.g. `{ enabled: true, trust: 'custom', ca: pem }`; a `ca` without
   *  `trust` means `trust: 'custom'`; `enabled: false` with a `+s`/`+ssc` URL is a usage error.
   *  Default: none. */
  tls?: Partial<TlsClientOptions>;
  /** `user_agent` sent in HELLO. Default `bolt-client/<version>`. */
  userAgent?: string;
  /** `neo4j://` only: turns the URL's `host:port` into the addresses to ask for a routing table
   *  (e.g. every member of a cluster behind one name). Called for the first routing table, and
   *  again whenever every known router has failed. May be async. Default: the URL's address. */
  resolver?: AddressResolver;
  /** Turns a server's host name into the addresses to dial (IP addresses, or other names), tried
   *  in order until one connects; TLS still verifies the certificate for the host name. Asked
   *  at every new connection; may be async. Default: the host name, left to the network module
   *  (and the system's DNS). */
  domainNameResolver?: DomainNameResolver;
  /** `neo4j://` only: a routing table that expired this long ago (ms) is dropped with the
   *  pools of servers no other table names. Default 30000. */
  routingTablePurgeDelayMs?: number;
  /** Most connections per server. Default 100. */
  maxConnectionPoolSize?: number;
  /** How long acquiring a connection may take: waiting for a free pooled one, or opening a new
   *  one (connect, handshake, authentication). Default 60000 ms. */
  connectionAcquisitionTimeoutMs?: number;
  /** Connections older than this are not reused. Default 3600000 ms (1 h). */
  maxConnectionLifetimeMs?: number;
  /** Pooled connections idle longer than this are checked with a RESET before reuse.
   *  Default: never (as in the official drivers); 0 = always; negative = never. */
  connectionLivenessCheckTimeoutMs?: number;
  /** How long connecting the transport (TCP, TLS) may take; the handshake and authentication
   *  that follow are bounded by `connectionAcquisitionTimeoutMs`. Default 30000 ms. */
  connectionTimeoutMs?: number;
  /** Managed transactions stop retrying after this long. Default 30000 ms. */
  maxTransactionRetryTimeMs?: number;
  /** Back-off of managed-transaction retries (initial delay 1000 ms, ×2, ±20 % jitter). */
  retry?: Omit<RetryOptions, 'maxRetryTimeMs' | 'clock'>;
  /** Records per PULL when iterating results; -1 = everything at once. Default 1000. While it
   *  is left at its default, an awaited result (`await result`, `records()`) is fetched with a
   *  single `PULL {n: -1}`, the fastest way; once set (here or per session), every PULL asks for
   *  this many records, as the official drivers do. */
  fetchSize?: number;
  /** Wait for BEGIN's answer before `session.beginTransaction()` resolves and before a managed
   *  transaction's work runs, so a failed BEGIN is reported there (one round trip more per
   *  transaction). Default false: BEGIN is pipelined with the first query and its failure is
   *  reported by that query (`executeQuery` always pipelines). Sessions may override it. */
  eagerBegin?: boolean;
  /** `'auto'` (default): integers are `number` when safe, `bigint` beyond. `'bigint'`: always bigint. */
  integers?: IntegerMode;
  /**
   * In a result that holds its records (read whole, or not read yet; not an iteration taking
   * them batch by batch), records whose values are all scalars (null, booleans, numbers,
   * strings) keep the bytes they arrived in and build a value each time one is read: a held result takes about its wire
   * size, and receiving it is faster. The bytes of records received together share blocks of
   * up to 64 KiB, so one such record kept long keeps its block. `false`: every record is
   * decoded when it arrives. Default true.
   */
  lazyRecords?: boolean;
  /** Driver-wide notification filter (5.2+). Default: the server's setting. */
  notificationFilter?: NotificationFilter;
  /** Offer Bolt 1 and 2 in the handshake (very old servers). Default false. */
  legacyVersions?: boolean;
  /** Override the four handshake slots. Default: manifest, [5.8–5.0], [4.4–4.0], 3.0. */
  protocolVersions?: readonly VersionProposal[];
  /** Honour the server's `connection.recv_timeout_seconds` hint. Default true. */
  honourRecvTimeout?: boolean;
  /** Never send TELEMETRY (which API started each transaction; Bolt 5.4+, and only when the
   *  server's `telemetry.enabled` hint asks for it). Default false. */
  telemetryDisabled?: boolean;
  /** Logger; with `debug`, each connection logs the messages it sends and receives. */
  logger?: Logger;
  /** Custom structure types (the Perl driver's custom result handlers): each spec maps a tag to
   *  your class (`hydrate`) and, with `type` + `dehydrate`, your class back to the structure, over
   *  the Bolt types of the negotiated version. Default: none (unknown tags come back as
   *  `Structure`). */
  structs?: readonly StructSpec<any>[];
  /** Write every message from a server that fails to decode to this folder: the raw bytes
   *  (`bolt-failed-<time>-<n>.bin`) and a report with the reason and a hex dump (`….bin.txt`).
   *  Needs a file system: the node entry (`@bolt/client/node`, or the `node` condition).
   *  Default: none. */
  failedMessageDir?: string;
  /** Where the driver reads the time and sets its timers: connection, acquisition and receive
   *  timeouts, liveness checks, connection lifetimes, retry back-off and
   *  `maxTransactionRetryTimeMs`, routing table expiry. For tests and simulations: pass a manual
   *  clock (`{ now, setTimeout, clearTimeout }`) and advance it instead of waiting. Default
   *  `systemClock` (`Date.now()` and the global timers). */
  clock?: Clock;
}

/** @internal What an entry point provides the driver beyond its config. */
export interface DriverPlatform {
  /** Writes files (for `failedMessageDir`). */
  writeFile?: WriteFile;
}

/** Options of `executeQuery`. */
export interface ExecuteQueryOptions extends TransactionConfig {
  /** Target database. Default: the user's home database. */
  database?: string;
  /** `'WRITE'` (default) or `'READ'`: the access mode of the transaction. */
  routing?: AccessMode;
  /** Run as this user (4.4+). Default none. */
  impersonatedUser?: string;
  /** Default: the driver's own bookmark manager (so consecutive calls are chained). Pass
   *  `null` to not chain. */
  bookmarkManager?: BookmarkManager | null;
  /** Credentials for this query only (5.1+). Default: the driver's. */
  auth?: AuthToken;
}

/**
 * A driver: the entry point. Holds the connection pool; create sessions from it. `close()` it
 * when done. Create one with {@link driver}.
 */
export class Driver {
  /** The driver-level bookmark manager `executeQuery` uses by default. */
  readonly executeQueryBookmarkManager: BookmarkManager = bookmarkManager();
  private readonly provider: DriverConnectionProvider;
  private readonly encrypted: boolean;
  private readonly clock: Clock;
  private closed = false;

  /** @internal */
  constructor(
    readonly url: ParsedUrl,
    private readonly config: DriverConfig,
    platform: DriverPlatform = {},
  ) {
    if (!config.netModule)
      throw usageError(
        'no netModule given: pass one (tcp(), tls(), websocket(), ...) or import from @bolt/client/node',
      );
    const netModule = resolveNetModule(config.netModule);
    const clock = config.clock ?? systemClock;
    if (!isClock(clock)) throw usageError('clock must have now(), setTimeout() and clearTimeout()');
    this.clock = clock;
    const structs = config.structs?.length ? customStructs(config.structs) : undefined;
    if (config.failedMessageDir !== undefined && !platform.writeFile)
      throw usageError(
        'failedMessageDir needs a file system: use the node entry (@bolt/client/node, or the node export condition)',
      );
    const failedMessages =
      config.failedMessageDir !== undefined
        ? failedMessageWriter({ dir: config.failedMessageDir, writeFile: platform.writeFile! })
        : undefined;
    if (config.domainNameResolver !== undefined && typeof config.domainNameResolver !== 'function')
      throw usageError('domainNameResolver must be a function (host) => addresses');
    const tls = tlsSettings(url, config.tls);
    this.encrypted = tls !== undefined;
    const auth = config.auth ?? { scheme: 'none' };
    if (
      !isAuthTokenProvider(auth) &&
      (typeof auth !== 'object' || typeof (auth as AuthToken).scheme !== 'string')
    )
      throw usageError(
        'auth must be an auth token ({scheme, ...}), a provider ({getToken}) or a manager ({getToken, handleSecurityException})',
      );
    const seed = formatAddress({ host: url.host, port: url.port });
    // neo4j://: every connection tells the server the routing context in HELLO (4.1+), as the
    // official drivers do: the URL's query parameters and the seed address.
    const routing = url.routing ? { ...url.context, address: seed } : undefined;
    const open = (address: string, token: AuthToken, signal: AbortSignal | undefined) => {
      const { host, port } = parseAddress(address);
      return Connection.open({
        netModule,
        host,
        port,
        tls,
        auth: token,
        routing,
        userAgent: config.userAgent ?? CLIENT_PRODUCT,
        notificationFilter: config.notificationFilter,
        legacyVersions: config.legacyVersions,
        protocolVersions: config.protocolVersions,
        connectTimeoutMs: config.connectionTimeoutMs,
        domainNameResolver: config.domainNameResolver,
        honourRecvTimeout: config.honourRecvTimeout,
        integers: config.integers,
        lazyRecords: config.lazyRecords,
        logger: config.logger,
        clock,
        structs,
        failedMessages,
        signal,
        onServerFailure: (c, e) => this.provider.onServerFailure?.(c, e),
      });
    };
    const poolOptions = {
      maxSize: config.maxConnectionPoolSize,
      acquisitionTimeoutMs: config.connectionAcquisitionTimeoutMs,
      maxLifetimeMs: config.maxConnectionLifetimeMs,
      livenessCheckAfterMs: config.connectionLivenessCheckTimeoutMs,
      logger: config.logger,
      clock,
    };
    if (url.routing) {
      if (config.resolver !== undefined && typeof config.resolver !== 'function')
        throw usageError('resolver must be a function (address) => addresses');
      this.provider = new RoutingConnectionProvider({
        ...poolOptions,
        seed,
        routingContext: url.context,
        auth,
        connect: open,
        resolver: config.resolver,
        routingTablePurgeDelayMs: config.routingTablePurgeDelayMs,
      });
    } else {
      this.provider = new DirectConnectionProvider({
        ...poolOptions,
        address: seed,
        auth,
        connect: (token, signal) => open(seed, token, signal),
      });
    }
  }

  /** Open a session (cheap; no connection until work starts). */
  session(config: SessionConfig = {}): Session {
    if (this.closed) throw usageError('the driver is closed');
    return new Session(
      {
        provider: this.provider,
        fetchSize: this.config.fetchSize ?? 1000,
        defaultFetchSize: this.config.fetchSize === undefined,
        telemetryDisabled: this.config.telemetryDisabled === true,
        retry: {
          ...this.config.retry,
          maxRetryTimeMs: this.config.maxTransactionRetryTimeMs,
          clock: this.clock,
        },
        logger: this.config.logger,
        refreshableAuth: this.provider.refreshableAuth,
        eagerBegin: this.config.eagerBegin === true,
      },
      config,
    );
  }

  /**
   * Run one query in a managed transaction (retried like `executeWrite`/`executeRead`) and
   * return all records with the summary. Consecutive calls are causally chained through the
   * driver's bookmark manager.
   */
  async executeQuery<T extends RecordShape = RecordShape>(
    query: string,
    parameters: Record<string, unknown> = {},
    options: ExecuteQueryOptions = {},
  ): Promise<QueryResult<T>> {
    const session = this.session({
      database: options.database,
      impersonatedUser: options.impersonatedUser,
      auth: options.auth,
      defaultAccessMode: options.routing ?? 'WRITE',
      bookmarkManager:
        options.bookmarkManager === null
          ? undefined
          : (options.bookmarkManager ?? this.executeQueryBookmarkManager),
    });
    try {
      const cfg = { timeout: options.timeout, metadata: options.metadata, signal: options.signal };
      // the work is an argument, not a named constant: see the end of session.ts
      return await session.execute(
        options.routing ?? 'WRITE',
        (tx) => tx.run<T>(query, parameters),
        cfg,
        TELEMETRY_EXECUTE_QUERY,
      );
    } finally {
      await session.close();
    }
  }

  /** Open (or reuse) a connection and report the server; rejects if it cannot. */
  async verifyConnectivity(
    options: { signal?: AbortSignal; database?: string } = {},
  ): Promise<ServerInfo> {
    return this.getServerInfo(options);
  }

  /** The server this driver talks to: address, agent, negotiated protocol version. */
  async getServerInfo(
    options: { signal?: AbortSignal; database?: string } = {},
  ): Promise<ServerInfo> {
    if (this.closed) throw usageError('the driver is closed');
    return this.provider.serverInfo(options);
  }

  /**
   * Whether the server accepts `auth` (default: the driver's credentials): a reader of
   * `database` (default `system`) is reached and authenticated with it, waiting for the answer.
   * Resolves false when the server refuses the credentials (`CredentialsExpired`, `Forbidden`,
   * `TokenExpired`, `Unauthorized`); rejects on any other failure. The server is asked even when
   * a pooled connection already holds these credentials. Other credentials than the
   * driver's need Bolt 5.1+ (LOGON): a usage error before.
   */
  async verifyAuthentication(
    options: { auth?: AuthToken; database?: string; signal?: AbortSignal } = {},
  ): Promise<boolean> {
    if (this.closed) throw usageError('the driver is closed');
    try {
      await this.provider.serverInfo({
        database: options.database ?? 'system',
        auth: options.auth,
        signal: options.signal,
        forceAuth: true,
      });
      return true;
    } catch (e) {
      if (BoltError.isInstance(e) && REFUSED_CREDENTIALS.has(e.code)) return false;
      throw e;
    }
  }

  /** Whether the server supports per-session credentials (`session({auth})`, Bolt 5.1+). */
  async supportsSessionAuth(): Promise<boolean> {
    const info = await this.getServerInfo();
    const version = parseVersion(info.protocolVersion);
    return version !== undefined && features(version).hasLogon;
  }

  /** Whether connections are encrypted (TLS), as the URL scheme and `tls` option say. */
  isEncrypted(): boolean {
    return this.encrypted;
  }

  /** Whether the server supports multiple databases (Bolt 4.0+). */
  async supportsMultiDb(): Promise<boolean> {
    const info = await this.getServerInfo();
    return Number(info.protocolVersion.split('.')[0]) >= 4;
  }

  /** Pool sizes summed over every server, for monitoring. */
  get poolMetrics(): PoolMetrics {
    return this.provider.poolMetrics();
  }

  /** Pool sizes of one server (`host:port`; zeros when the driver has no pool for it). */
  serverPoolMetrics(address: string): PoolMetrics {
    return this.provider.poolMetrics(formatAddress(parseAddress(address)));
  }

  /**
   * `neo4j://` only: the routing table the driver holds for `database` (default: the home
   * database as pre-4.4 servers report it; on 4.4+ the home database's table is filed under its
   * name), or undefined when it has none. A snapshot: later changes do not show in it.
   */
  routingTable(database?: string): RoutingTableSnapshot | undefined {
    return this.routingProvider('routingTable').routingTable(database ?? null);
  }

  /**
   * `neo4j://` only: fetch the routing table of `database` now (default: the home database),
   * replacing the one held, and return it. Rejects like the first query would (no router
   * reachable, database not found, ...).
   */
  async refreshRoutingTable(
    options: {
      database?: string;
      bookmarks?: string[];
      impersonatedUser?: string;
      auth?: AuthToken;
      signal?: AbortSignal;
    } = {},
  ): Promise<RoutingTableSnapshot> {
    if (this.closed) throw usageError('the driver is closed');
    return this.routingProvider('refreshRoutingTable').refreshRoutingTable(
      options.database ?? null,
      { ...options, bookmarks: options.bookmarks ?? [] },
    );
  }

  /** Close every connection (GOODBYE). Sessions and results still open fail. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.provider.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private routingProvider(what: string): RoutingConnectionProvider {
    if (!(this.provider instanceof RoutingConnectionProvider))
      throw usageError(
        `${what}() needs a routing driver (neo4j://); this one is ${this.url.scheme}://`,
      );
    return this.provider;
  }
}

/**
 * Create a driver for `bolt://host:port` (one server), `bolt+s://` (TLS, system CAs),
 * `bolt+ssc://` (TLS, any certificate), or `neo4j://` / `neo4j+s://` / `neo4j+ssc://` (a
 * cluster: routing tables, reads to readers, writes to the leader, fail-over; the URL names
 * the first router and may carry a routing context, `?region=eu`).
 */
export function driver(url: string, config: DriverConfig = {}): Driver {
  return new Driver(parseUrl(url), { ...config, netModule: config.netModule ?? websocket() });
}

/** The codes with which a server refuses credentials (`verifyAuthentication` answers false). */
const REFUSED_CREDENTIALS = new Set([
  'Neo.ClientError.Security.CredentialsExpired',
  'Neo.ClientError.Security.Forbidden',
  'Neo.ClientError.Security.TokenExpired',
  'Neo.ClientError.Security.Unauthorized',
]);

/** The scheme's TLS settings with `config.tls` merged over them. A `+s`/`+ssc` URL always
 *  encrypts; a `ca` given without `trust` means `trust: 'custom'` (on `+s` or with
 *  `enabled: true`). */
function tlsSettings(
  url: ParsedUrl,
  extra: Partial<TlsClientOptions> | undefined,
): TlsClientOptions | undefined {
  if (url.encrypted && extra?.enabled === false)
    throw usageError(
      `${url.scheme}:// always encrypts; tls.enabled: false contradicts it (use bolt:// or neo4j:// for plain text)`,
    );
  if (!url.encrypted && extra?.enabled !== true) return undefined;
  const trust =
    extra?.trust ??
    (url.trustAll ? 'all' : extra?.ca !== undefined && extra.ca.length > 0 ? 'custom' : 'system');
  return { ...extra, enabled: true, trust };
}

import { formatVersion } from '@bolt/parser';
import type { AuthToken, AuthTokenManager, AuthTokenProvider } from '../auth.js';
import {
  AUTHORIZATION_EXPIRED,
  BoltError,
  SERVICE_UNAVAILABLE,
  SESSION_EXPIRED,
} from '../bolt-error.js';
import { type Clock, systemClock } from '../clock.js';
import type { Connection } from '../connection.js';
import type {
  AcquireRequest,
  DriverConnectionProvider,
  ServerInfoRequest,
} from '../connection-provider.js';
import { Credentials } from '../credentials.js';
import type { Logger } from '../logger.js';
import type { PoolOptions } from '../pool.js';
import type { ServerInfo } from '../result-summary.js';
import { HomeDatabaseCache } from './home-database-cache.js';
import { LeastConnected } from './least-connected.js';
import { type AddressResolver, type DiscoveryRequest, Rediscovery } from './rediscovery.js';
import { RoutingTable, type RoutingTableSnapshot } from './routing-table.js';
import { RoutingTableRegistry } from './routing-table-registry.js';
import { type PoolMetrics, ServerPools } from './server-pools.js';

/** Options of {@link RoutingConnectionProvider}. */
export interface RoutingConnectionProviderOptions extends Omit<PoolOptions, 'open'> {
  /** The URL's `host:port`: the first router, and the fallback when known routers fail. */
  seed: string;
  /** The URL's query parameters; `address` (the seed) is added. */
  routingContext: Record<string, string>;
  /** The driver's credentials: a token, or a provider asked again after expiry. */
  auth: AuthToken | AuthTokenProvider | AuthTokenManager;
  /** Open an authenticated connection to `host:port`. */
  connect(address: string, auth: AuthToken, signal: AbortSignal | undefined): Promise<Connection>;
  /** Turns the seed address into the addresses to try. Default: the seed alone. */
  resolver?: AddressResolver;
  /** A routing table expired for longer than this is dropped. Default 30000 ms. */
  routingTablePurgeDelayMs?: number;
  logger?: Logger;
}

/** The errors after which a server is not used again until the next routing table. */
const UNAVAILABLE_KINDS = new Set(['could-not-connect', 'connection-lost', 'protocol-refused']);
const DATABASE_UNAVAILABLE = 'Neo.TransientError.General.DatabaseUnavailable';
/** The errors after which a server is not used for writes until the next routing table. */
const NOT_WRITABLE = new Set([
  'Neo.ClientError.Cluster.NotALeader',
  'Neo.ClientError.General.ForbiddenOnReadOnlyDatabase',
]);

/**
 * Connections for `neo4j://`: a routing table per database (fetched with ROUTE, or the routing
 * procedures before Bolt 4.3), reads sent to readers and writes to writers, the least busy
 * server of the role first, a pool per server. Servers that fail are forgotten until the next
 * table: a lost connection or an unavailable database removes the server from the table's
 * readers and writers, `NotALeader` / `ForbiddenOnReadOnlyDatabase` from its writers. A table
 * is fetched again when it expires or has no server left for the work at hand.
 */
export class RoutingConnectionProvider implements DriverConnectionProvider {
  private readonly credentials: Credentials;
  private readonly pools: ServerPools;
  private readonly tables: RoutingTableRegistry;
  private readonly balancer: LeastConnected;
  private readonly rediscovery: Rediscovery;
  private readonly homeDatabases = new HomeDatabaseCache();
  /** Which server and database each connection handed out serves (for `onError`). */
  private readonly leases = new WeakMap<Connection, { address: string; database: string | null }>();
  /** Fetches under way, shared by concurrent requests for the same table. */
  private readonly refreshing = new Map<string, Promise<RoutingTable>>();
  private readonly logger: Logger | undefined;
  private readonly clock: Clock;
  private closed = false;

  constructor(options: RoutingConnectionProviderOptions) {
    const purgeDelay = options.routingTablePurgeDelayMs ?? 30_000;
    if (!(Number.isFinite(purgeDelay) && purgeDelay >= 0))
      throw new TypeError(`routingTablePurgeDelayMs must be >= 0; got ${purgeDelay}`);
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.credentials = new Credentials(options.auth);
    this.pools = new ServerPools(
      this.credentials,
      async (address, auth, signal) => {
        const conn = await options.connect(address, auth, signal);
        this.homeDatabases.track(conn);
        return conn;
      },
      options,
    );
    this.tables = new RoutingTableRegistry(purgeDelay);
    this.balancer = new LeastConnected(this.pools);
    this.rediscovery = new Rediscovery(
      options.seed,
      { ...options.routingContext, address: options.seed },
      this.pools,
      this.credentials,
      options.resolver,
      options.logger,
      this.clock,
    );
  }

  onServerFailure(connection: Connection, error: BoltError): Promise<void> | undefined {
    return this.credentials.onServerFailure(connection, error);
  }

  get refreshableAuth(): boolean {
    return this.credentials.refreshable;
  }

  /**
   * A connection to a reader or a writer of the database. A server that cannot be reached is
   * forgotten and the next one of the role tried; when none is left, the failure is reported (a
   * retryable `SessionExpired`: a managed transaction retries with a new routing table).
   */
  async acquire(request: AcquireRequest): Promise<Connection> {
    const mode = request.accessMode;
    // Without a database: the home database, from the cache (5.8+ server-side routing: the
    // session then names no database, the server resolves it), else from a routing table.
    const named = request.database || null;
    const homeKey = named === null ? HomeDatabaseCache.key(request) : '';
    const guess = named === null ? this.homeDatabases.get(homeKey, this.clock.now()) : undefined;
    const table = await this.freshTable(mode, named ?? guess ?? null, request);
    if (named === null && guess === undefined && table.database !== null) {
      this.homeDatabases.set(homeKey, table.database, table.expiresAt);
      request.onDatabaseResolved?.(table.database);
    }
    let failure: BoltError | undefined;
    for (;;) {
      const address = this.balancer.select(servers(table, mode), mode);
      if (address === undefined) {
        if (failure) throw failure;
        throw new BoltError(
          `no ${mode === 'READ' ? 'reader' : 'writer'} is available for ${describe(table.database)}: ${table}`,
          { kind: 'could-not-connect', code: SESSION_EXPIRED, retryable: true },
        );
      }
      let conn: Connection;
      try {
        conn = await this.pools.acquire(address, request);
      } catch (e) {
        const error = this.connectFailed(e, address, table.database);
        if (!isUnavailable(error)) throw error;
        failure = error as BoltError; // forgotten: the next server of the role
        continue;
      }
      this.leases.set(conn, { address, database: table.database });
      return conn;
    }
  }

  release(connection: Connection): void {
    this.pools.release(connection);
  }

  onError(connection: Connection | undefined, error: unknown): void {
    this.credentials.onError(connection, error);
    const lease = connection && this.leases.get(connection);
    if (!lease || !BoltError.isInstance(error)) return;
    // an expired authorization is that server's verdict on the credentials every connection
    // to it holds, not just this one
    if (error.code === AUTHORIZATION_EXPIRED) this.pools.expireAuth(lease.address);
    else if (
      (UNAVAILABLE_KINDS.has(error.kind) && error.retryable) ||
      error.code === DATABASE_UNAVAILABLE
    )
      this.forget(lease.address, lease.database, error);
    else if (NOT_WRITABLE.has(error.code)) {
      this.logger?.warn?.(
        `not writing to ${lease.address} for ${describe(lease.database)} any more: ${error.code}`,
      );
      this.tables.forgetWriter(lease.address, lease.database);
    }
  }

  async serverInfo(options: ServerInfoRequest): Promise<ServerInfo> {
    const table = await this.freshTable('READ', options.database || null, {
      bookmarks: [],
      signal: options.signal,
      auth: options.auth,
    });
    let error: unknown = new BoltError(
      `no reader is available for ${describe(table.database)}: ${table}`,
      { kind: 'could-not-connect', code: SERVICE_UNAVAILABLE, retryable: true },
    );
    for (const address of [...table.readers]) {
      let conn: Connection;
      try {
        // a pooled connection is checked with RESET: the answer must be about a live server
        conn = await this.pools.acquire(address, {
          signal: options.signal,
          verify: true,
          auth: options.auth,
          awaitAuth: true,
          forceAuth: options.forceAuth,
        });
      } catch (e) {
        error = this.connectFailed(e, address, table.database);
        if (!isUnavailable(error)) throw error;
        continue;
      }
      const info = {
        address: conn.address,
        agent: conn.server,
        protocolVersion: formatVersion(conn.version),
      };
      this.pools.release(conn);
      return info;
    }
    throw error;
  }

  poolMetrics(address?: string): PoolMetrics {
    return this.pools.metrics(address);
  }

  /** The routing table of `database` (`null`: the home database of a pre-4.4 server), if any. */
  routingTable(database: string | null): RoutingTableSnapshot | undefined {
    return this.tables.get(database)?.snapshot();
  }

  /** Fetch `database`'s routing table now, whatever the state of the current one. */
  async refreshRoutingTable(
    database: string | null,
    request: DiscoveryRequest,
  ): Promise<RoutingTableSnapshot> {
    this.tables.remove(database);
    return (await this.freshTable('READ', database, request)).snapshot();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pools.close();
  }

  // ---- internals ---------------------------------------------------------------------------

  /** `database`'s table, fetched again first when it is stale for `mode`. */
  private freshTable(
    mode: 'READ' | 'WRITE',
    database: string | null,
    request: DiscoveryRequest,
  ): Promise<RoutingTable> | RoutingTable {
    const current = this.tables.get(database);
    if (current && !current.isStaleFor(mode, this.clock.now())) return current;
    // Concurrent requests for the same table share one fetch (not with per-session
    // credentials: the home database, and the right to see a database, depend on the user).
    const key =
      request.auth === undefined
        ? JSON.stringify([database, request.impersonatedUser ?? null, request.bookmarks])
        : undefined;
    const running = key === undefined ? undefined : this.refreshing.get(key);
    if (running) return running;
    const fetch = this.refresh(current ?? RoutingTable.empty(database), request);
    if (key === undefined) return fetch;
    const shared = fetch.finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, shared);
    return shared;
  }

  private async refresh(current: RoutingTable, request: DiscoveryRequest): Promise<RoutingTable> {
    if (this.closed) throw closedError();
    // A database seen for the first time is asked of the routers of the other databases.
    const known = current.routers.length > 0 ? [...current.routers] : this.tables.routers();
    this.logger?.info?.(`fetching the routing table of ${describe(current.database)}`);
    const table = await this.rediscovery.fetch(current, known, request);
    if (this.closed) throw closedError();
    this.tables.register(table, this.clock.now());
    this.pools.retainOnly(this.tables.servers());
    this.logger?.info?.(`new ${table}`);
    return table;
  }

  /** A failure to connect to `address` for `database`'s work: forget the server when it is
   *  unreachable, and report a retryable `SessionExpired` (other members may serve). */
  private connectFailed(e: unknown, address: string, database: string | null): unknown {
    if (!BoltError.isInstance(e)) return e;
    this.credentials.onError(undefined, e);
    if (!UNAVAILABLE_KINDS.has(e.kind) && e.kind !== 'timeout') return e;
    this.forget(address, database, e);
    return new BoltError(`could not reach ${address}: ${e.message}`, {
      kind: 'could-not-connect',
      code: SESSION_EXPIRED,
      retryable: true,
      cause: e,
    });
  }

  private forget(address: string, database: string | null, error: BoltError): void {
    this.logger?.warn?.(
      `forgetting ${address} for ${describe(database)} until the next routing table: ${error.message}`,
    );
    this.tables.forget(address, database);
    this.pools.purge(address);
  }
}

function servers(table: RoutingTable, mode: 'READ' | 'WRITE'): string[] {
  return mode === 'READ' ? table.readers : table.writers;
}

function isUnavailable(e: unknown): boolean {
  return BoltError.isInstance(e) && e.code === SESSION_EXPIRED;
}

function describe(database: string | null): string {
  return database === null ? 'the home database' : `database "${database}"`;
}

function closedError(): BoltError {
  return new BoltError('the driver is closed', {
    kind: 'usage',
    code: SERVICE_UNAVAILABLE,
    classification: 'CLIENT_ERROR',
    retryable: false,
  });
}

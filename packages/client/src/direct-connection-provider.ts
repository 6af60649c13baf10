import { formatVersion } from '@bolt/parser';
import type { AuthToken, AuthTokenManager, AuthTokenProvider } from './auth.js';
import { AUTHORIZATION_EXPIRED, BoltError } from './bolt-error.js';
import type { Connection } from './connection.js';
import type {
  AcquireRequest,
  DriverConnectionProvider,
  ServerInfoRequest,
} from './connection-provider.js';
import { acquireAuthenticated, acquireIdleAuthenticated, Credentials } from './credentials.js';
import { Pool, type PoolOptions } from './pool.js';
import type { ServerInfo } from './result-summary.js';

/** Options of {@link DirectConnectionProvider}. */
export interface DirectConnectionProviderOptions extends Omit<PoolOptions, 'open'> {
  /** `host:port` (for messages). */
  address: string;
  /** Open an authenticated connection. */
  connect(auth: AuthToken, signal: AbortSignal | undefined): Promise<Connection>;
  /** The driver's credentials: a token, a provider asked again after expiry, or a manager. */
  auth: AuthToken | AuthTokenProvider | AuthTokenManager;
}

/**
 * One server, one pool (`bolt://`). Handles per-session credentials (LOGOFF/LOGON on 5.1+) and
 * token providers (re-asked after `Neo.ClientError.Security.TokenExpired`).
 */
export class DirectConnectionProvider implements DriverConnectionProvider {
  readonly pool: Pool;
  private readonly credentials: Credentials;

  constructor(options: DirectConnectionProviderOptions) {
    const credentials = new Credentials(options.auth);
    this.credentials = credentials;
    this.pool = new Pool(options.address, {
      ...options,
      open: async (signal, auth) => options.connect(auth ?? (await credentials.current()), signal),
    });
  }

  /** Whether credentials come from a provider (so an expired token can be refreshed and retried). */
  get refreshableAuth(): boolean {
    return this.credentials.refreshable;
  }

  acquire(request: AcquireRequest): Promise<Connection> {
    return acquireAuthenticated(this.pool, this.credentials, request);
  }

  acquireIdle(request: AcquireRequest): Connection | undefined {
    return acquireIdleAuthenticated(this.pool, this.credentials, request);
  }

  release(connection: Connection): void {
    this.pool.release(connection);
  }

  onServerFailure(connection: Connection, error: BoltError): Promise<void> | undefined {
    return this.credentials.onServerFailure(connection, error);
  }

  onError(connection: Connection | undefined, error: unknown): void {
    this.credentials.onError(connection, error);
    // an expired authorization is the server's verdict on the credentials every connection
    // to it holds, not just this one
    if (BoltError.isInstance(error) && error.code === AUTHORIZATION_EXPIRED) this.pool.expireAuth();
  }

  /** Open (or reuse, after a RESET) a connection and report the server. */
  async serverInfo(options: ServerInfoRequest): Promise<ServerInfo> {
    // a pooled connection is checked with RESET: the answer must be about a live server
    const conn = await acquireAuthenticated(this.pool, this.credentials, {
      signal: options.signal,
      verify: true,
      auth: options.auth,
      awaitAuth: true,
      forceAuth: options.forceAuth,
    });
    try {
      return {
        address: conn.address,
        agent: conn.server,
        protocolVersion: formatVersion(conn.version),
      };
    } finally {
      this.release(conn);
    }
  }

  /** The pool's sizes (`address`, when given, must be the server's to count). */
  poolMetrics(address?: string): { active: number; idle: number; size: number } {
    if (address !== undefined && address !== this.pool.address)
      return { active: 0, idle: 0, size: 0 };
    const p = this.pool;
    return { active: p.activeCount, idle: p.idleCount, size: p.size };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

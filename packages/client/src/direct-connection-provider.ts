import { type AuthToken, type AuthTokenProvider, isAuthTokenProvider, sameAuth } from './auth.js';
import { BoltError, usageError } from './bolt-error.js';
import type { Connection } from './connection.js';
import type { AcquireRequest, ConnectionProvider } from './connection-provider.js';
import { Pool, type PoolOptions } from './pool.js';

/** Options of {@link DirectConnectionProvider}. */
export interface DirectConnectionProviderOptions extends Omit<PoolOptions, 'open'> {
  /** `host:port` (for messages). */
  address: string;
  /** Open an authenticated connection. */
  connect(auth: AuthToken, signal: AbortSignal | undefined): Promise<Connection>;
  /** The driver's credentials: a token, or a provider asked again after expiry. */
  auth: AuthToken | AuthTokenProvider;
}

/**
 * One server, one pool (`bolt://`, and `neo4j://` until routing lands). Handles per-session
 * credentials (LOGOFF/LOGON on 5.1+) and token providers (re-asked after
 * `Neo.ClientError.Security.TokenExpired`).
 */
export class DirectConnectionProvider implements ConnectionProvider {
  readonly pool: Pool;
  private token: AuthToken | undefined;
  private tokenPromise: Promise<AuthToken> | undefined;

  constructor(private readonly options: DirectConnectionProviderOptions) {
    if (!isAuthTokenProvider(options.auth)) this.token = options.auth;
    this.pool = new Pool(options.address, {
      ...options,
      open: async (signal) => options.connect(await this.currentToken(), signal),
    });
  }

  /** Whether credentials come from a provider (so an expired token can be refreshed and retried). */
  get refreshableAuth(): boolean {
    return isAuthTokenProvider(this.options.auth);
  }

  async acquire(request: AcquireRequest): Promise<Connection> {
    for (let attempt = 0; ; attempt++) {
      const driverToken = request.auth ? undefined : await this.currentToken();
      const wanted = request.auth ?? driverToken!;
      const conn = await this.pool.acquire({ signal: request.signal });
      if (sameAuth(conn.auth, wanted) && !conn.authExpired) return conn;
      if (conn.features.hasLogon) {
        try {
          await conn.reauth(wanted, { signal: request.signal });
          return conn;
        } catch (e) {
          this.pool.release(conn);
          throw e;
        }
      }
      if (request.auth) {
        this.pool.release(conn);
        throw usageError(
          `per-session credentials need Bolt 5.1+ (LOGON/LOGOFF); the server speaks ${conn.version.major}.${conn.version.minor}`,
        );
      }
      // Bolt < 5.1 and the driver token changed: this connection cannot switch; replace it.
      conn.destroy();
      this.pool.release(conn);
      if (attempt > this.pool.size + 1)
        throw usageError('could not obtain a connection with the current credentials');
    }
  }

  release(connection: Connection): void {
    this.pool.release(connection);
  }

  onError(connection: Connection | undefined, error: unknown): void {
    if (!BoltError.isInstance(error)) return;
    if (
      error.code === 'Neo.ClientError.Security.TokenExpired' ||
      error.code === 'Neo.ClientError.Security.AuthorizationExpired'
    ) {
      if (connection) connection.authExpired = true;
      const auth = this.options.auth;
      if (isAuthTokenProvider(auth) && error.code === 'Neo.ClientError.Security.TokenExpired') {
        if (this.token) auth.onTokenExpired?.(this.token);
        this.token = undefined;
        this.tokenPromise = undefined;
      }
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private currentToken(): Promise<AuthToken> | AuthToken {
    if (this.token) return this.token;
    const auth = this.options.auth as AuthTokenProvider;
    if (!this.tokenPromise) {
      this.tokenPromise = Promise.resolve(auth.getToken()).then(
        (t) => {
          this.token = t;
          return t;
        },
        (e) => {
          this.tokenPromise = undefined;
          throw e;
        },
      );
    }
    return this.tokenPromise;
  }
}

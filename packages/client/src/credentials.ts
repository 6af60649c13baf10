import {
  type AuthToken,
  type AuthTokenManager,
  type AuthTokenProvider,
  isAuthTokenManager,
  isAuthTokenProvider,
  sameAuth,
} from './auth.js';
import { BoltError, usageError } from './bolt-error.js';
import type { Connection } from './connection.js';
import type { Pool } from './pool.js';

const SECURITY = 'Neo.ClientError.Security.';

/**
 * The driver's credentials: a fixed token, a provider asked once and again after the server
 * says the token expired, or a manager asked at every acquisition and told of security errors.
 * Shared by every pool of a driver (one for `bolt://`, one per cluster member for `neo4j://`),
 * so a refreshed token serves them all.
 */
export class Credentials {
  private token: AuthToken | undefined;
  private tokenPromise: Promise<AuthToken> | undefined;
  private readonly manager: AuthTokenManager | undefined;
  /** The tokens the manager handed out (a connection holding another one has session auth). */
  private readonly fromManager = new WeakSet<AuthToken>();

  constructor(private readonly source: AuthToken | AuthTokenProvider | AuthTokenManager) {
    if (isAuthTokenManager(source)) this.manager = source;
    else if (!isAuthTokenProvider(source)) this.token = source;
  }

  /** Whether credentials come from a provider (so an expired token can be refreshed and
   *  retried). A manager decides that per error instead (`handleSecurityException`). */
  get refreshable(): boolean {
    return isAuthTokenProvider(this.source) && !this.manager;
  }

  /** The token to authenticate new connections with now. */
  current(): Promise<AuthToken> | AuthToken {
    if (this.manager) return this.fromManagerNow(this.manager);
    if (this.token) return this.token;
    const provider = this.source as AuthTokenProvider;
    if (!this.tokenPromise) {
      this.tokenPromise = Promise.resolve(provider.getToken()).then(
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

  /** The token new connections are authenticated with, when it is known without asking
   *  anyone: a fixed token, or a provider's token obtained before. Undefined with a manager
   *  (asked at every acquisition) or while a provider's token is awaited. */
  get known(): AuthToken | undefined {
    return this.manager ? undefined : this.token;
  }

  private async fromManagerNow(manager: AuthTokenManager): Promise<AuthToken> {
    const token = await manager.getToken();
    this.fromManager.add(token);
    return token;
  }

  /**
   * A FAILURE the server sent on `connection`, before anyone reads it: a manager hears of each
   * `Neo.ClientError.Security.*` failure of a connection holding its token, and when it handles
   * it the error becomes retryable. A manager that answers with a promise is waited for (the
   * promise returned settles once the error is decided; the connection holds its answers back
   * until then).
   */
  onServerFailure(connection: Connection, error: BoltError): Promise<void> | undefined {
    const manager = this.manager;
    if (!manager || !error.code.startsWith(SECURITY)) return undefined;
    if (!this.fromManager.has(connection.auth)) return undefined;
    let handled: boolean | Promise<boolean>;
    try {
      handled = manager.handleSecurityException(connection.auth, error.code);
    } catch {
      return undefined; // a manager that throws did not handle the error
    }
    if (typeof (handled as Promise<boolean> | undefined)?.then !== 'function') {
      if (handled === true) markRetryable(error);
      return undefined;
    }
    return Promise.resolve(handled).then(
      (h) => {
        if (h === true) markRetryable(error);
      },
      () => {}, // a rejection counts as false
    );
  }

  /** A failure on `connection`: any security failure closes the connection (the server ends
   *  it, as the official drivers assume: closing it here keeps the pool from handing it out
   *  before the server's close arrives; after an expired authorization the others are
   *  re-authenticated before reuse). An expired token, with a provider, makes the next
   *  `current()` ask the provider again. */
  onError(connection: Connection | undefined, error: unknown): void {
    if (!BoltError.isInstance(error) || !error.code.startsWith(SECURITY)) return;
    connection?.destroy();
    if (this.refreshable && error.code === 'Neo.ClientError.Security.TokenExpired') {
      if (this.token) (this.source as AuthTokenProvider).onTokenExpired?.(this.token);
      this.token = undefined;
      this.tokenPromise = undefined;
    }
  }
}

/** How a connection is acquired with credentials. */
export interface AcquireRequest {
  /** Per-session credentials (default: the driver's current token). */
  auth?: AuthToken;
  signal?: AbortSignal;
  /** A reused connection is checked with RESET whatever its idle time (see `Pool.acquire`). */
  verify?: boolean;
  /** Wait for the server's answer to a switch (LOGON) instead of pipelining it. */
  awaitAuth?: boolean;
  /** The server must judge the credentials now (`verifyAuthentication`): a reused connection
   *  already holding them logs on again (5.1+) or is replaced by a new one (before 5.1). */
  forceAuth?: boolean;
}

/**
 * A connection from `pool`, authenticated with `auth` (per-session credentials) or else the
 * driver's current token. A pooled connection holding other credentials is switched with
 * LOGOFF/LOGON on Bolt 5.1+; before 5.1 it is replaced (driver token) or the request fails
 * (per-session credentials need 5.1+). See `AcquireRequest` for the options.
 */
export async function acquireAuthenticated(
  pool: Pool,
  credentials: Credentials,
  request: AcquireRequest,
): Promise<Connection> {
  for (let attempt = 0; ; attempt++) {
    const wanted = request.auth ?? (await credentials.current());
    // A new connection is opened with the session's own credentials, if any (no LOGON with the
    // driver's token first, then LOGOFF/LOGON), else with the token just obtained (a manager is
    // asked once per acquisition).
    const conn = await pool.acquire({
      signal: request.signal,
      auth: request.auth ?? wanted,
      verify: request.verify,
    });
    if (request.auth && !conn.features.hasLogon) {
      // also when this connection happens to be opened with them: sessions of one driver must
      // not work or fail depending on which pooled connection they get
      pool.release(conn);
      throw usageError(
        `per-session credentials need Bolt 5.1+ (LOGON/LOGOFF); the server speaks ${conn.version.major}.${conn.version.minor}`,
      );
    }
    const needsVerdict = request.forceAuth === true && conn.uses > 1;
    if (sameAuth(conn.auth, wanted) && !conn.authExpired && !needsVerdict) return conn;
    if (conn.features.hasLogon) {
      // pipelined with the work that follows (no round trip): a refused LOGON fails that work
      try {
        const answered = conn.switchAuth(wanted);
        if (request.awaitAuth) await answered;
        return conn;
      } catch (e) {
        pool.release(conn);
        throw e;
      }
    }
    // Bolt < 5.1 and the driver token changed (or must be judged again): this connection
    // cannot switch; replace it.
    conn.destroy();
    pool.release(conn);
    if (attempt > pool.size + 1)
      throw usageError('could not obtain a connection with the current credentials');
  }
}

/**
 * `acquireAuthenticated` without waiting, for the common case: a pooled connection that is
 * ready as it is and already holds the driver's known token. Undefined when anything would need
 * a wait or a decision (per-session credentials, a token to obtain, a switch, a liveness
 * check, an aborted signal, no idle connection): the caller then takes the asynchronous way,
 * and nothing was changed.
 */
export function acquireIdleAuthenticated(
  pool: Pool,
  credentials: Credentials,
  request: AcquireRequest,
): Connection | undefined {
  if (
    request.auth !== undefined ||
    request.signal?.aborted ||
    request.verify ||
    request.awaitAuth ||
    request.forceAuth
  )
    return undefined;
  const wanted = credentials.known;
  if (wanted === undefined) return undefined;
  return pool.acquireIdle(wanted);
}

/** The error is still on its way to the reader: it learns the work may be retried. */
function markRetryable(error: BoltError): void {
  (error as { retryable: boolean }).retryable = true;
}

import type { AuthToken } from './auth.js';
import { BoltError, usageError } from './bolt-error.js';
import type { BookmarkManager } from './bookmark-manager.js';
import { buildTxExtra, type TransactionConfig } from './build-tx-extra.js';
import type { Connection, ResponseObserver } from './connection.js';
import type { AcquireRequest, ConnectionProvider } from './connection-provider.js';
import type { Logger } from './logger.js';
import type { NotificationFilter } from './notification-filter.js';
import type { RecordShape } from './record.js';
import { Result } from './result.js';
import type { ResultEnd, ResultOwner } from './result-types.js';
import { type RetryOptions, retry } from './retry.js';
import {
  ManagedTransaction,
  Transaction,
  type TransactionContext,
  type TransactionOutcome,
} from './transaction.js';

export type AccessMode = 'READ' | 'WRITE';

/** TELEMETRY api values (see the TELEMETRY message of the Bolt message specification). */
const TELEMETRY_MANAGED = 0;
const TELEMETRY_EXPLICIT = 1;
const TELEMETRY_AUTO_COMMIT = 2;
/** `executeQuery` */
export const TELEMETRY_EXECUTE_QUERY = 3;

/** Options of `driver.session()`. */
export interface SessionConfig {
  /** Target database. Default: the user's home database (the server decides). */
  database?: string;
  /** Mode of `run()` and `beginTransaction()`. Default `'WRITE'`. */
  defaultAccessMode?: AccessMode;
  /** Bookmarks the first transaction waits for. Default none. */
  bookmarks?: string | string[];
  /** Share bookmarks with other sessions. Default none (bookmarks chain within the session). */
  bookmarkManager?: BookmarkManager;
  /** Run as this user (4.4+). Default none. */
  impersonatedUser?: string;
  /** Records per PULL when iterating; -1 = all at once. Default: the driver's `fetchSize` (1000). */
  fetchSize?: number;
  /** Credentials for this session only (LOGOFF/LOGON on Bolt 5.1+). Default: the driver's. */
  auth?: AuthToken;
  /** Notification filter for this session's transactions (5.2+). Default: the driver's. */
  notificationFilter?: NotificationFilter;
  /** Wait for BEGIN's answer before `beginTransaction()` resolves and before a managed
   *  transaction's work runs. Default: the driver's `eagerBegin` (false). */
  eagerBegin?: boolean;
}

/** @internal What the driver hands each session. */
export interface SessionContext {
  provider: ConnectionProvider;
  fetchSize: number;
  /** True when the driver's fetch size was left at its default. */
  defaultFetchSize: boolean;
  retry: RetryOptions;
  logger?: Logger;
  /** Never send TELEMETRY. */
  telemetryDisabled: boolean;
  /** Whether an expired token can be refreshed (an auth provider is configured). */
  refreshableAuth: boolean;
  /** The driver's `eagerBegin`. */
  eagerBegin: boolean;
}

/**
 * A sequence of causally chained work on one database. Not for concurrent use: a query
 * started while the previous result is still open waits for that result to be read (its
 * remaining records are kept in memory). Sessions are cheap; create one per unit of work and
 * `close()` it.
 */
export class Session {
  private bookmarks: string[];
  private last: Result<any> | undefined;
  private tx: Transaction | undefined;
  private txStarting = false;
  private closed = false;
  private readonly accessMode: AccessMode;
  /** The configured database, or the home database once a routing table named it: a session
   *  keeps working on the database its first transaction resolved to. */
  private database: string | undefined;
  private readonly fetchSize: number;
  private readonly eagerBegin: boolean;
  private readonly eagerAll: boolean;
  /** A routing table named the home database: later work of the session stays on it. (Made
   *  once per session, not per acquisition; bound, not an arrow function the bundle would
   *  rename with a property definition for every session.) */
  private readonly databaseResolved = this.resolveDatabase.bind(this);

  /** @internal */
  constructor(
    private readonly ctx: SessionContext,
    private readonly config: SessionConfig = {},
  ) {
    const bm = config.bookmarks;
    this.bookmarks = bm === undefined ? [] : typeof bm === 'string' ? [bm] : [...bm];
    this.accessMode = config.defaultAccessMode ?? 'WRITE';
    this.database = config.database;
    this.fetchSize = config.fetchSize ?? ctx.fetchSize;
    this.eagerBegin = config.eagerBegin ?? ctx.eagerBegin;
    this.eagerAll = config.fetchSize === undefined && ctx.defaultFetchSize;
    if (!(this.fetchSize === -1 || (Number.isInteger(this.fetchSize) && this.fetchSize > 0)))
      throw usageError(`fetchSize must be a positive integer or -1; got ${this.fetchSize}`);
  }

  /** The bookmarks after the last committed work of this session. */
  lastBookmarks(): string[] {
    return [...this.bookmarks];
  }

  /**
   * Run an auto-commit query. Returns at once; the result is an async iterable (batched, with
   * back-pressure) and a then-able (everything at once).
   */
  run<T extends RecordShape = RecordShape>(
    query: string,
    parameters: Record<string, unknown> = {},
    config: TransactionConfig = NO_CONFIG,
  ): Result<T> {
    this.ensureUsable();
    const started = new AutoCommit(this);
    const result = new Result<T>(
      { text: query, parameters },
      this.fetchSize,
      this.eagerAll,
      started,
    );
    result._interruptible = true;
    // `prev` is handed over, not captured: a closure of this result holding it would keep every
    // earlier result of the session alive
    const prev = this.last;
    this.last = result;
    // Nothing to wait for (the previous result ended, a pooled connection is ready): no detour
    // through the promise queue.
    const conn =
      (prev === undefined || prev._ended) && !this.config.bookmarkManager
        ? this.ctx.provider.acquireIdle?.(
            this.acquireRequest(this.accessMode, this.bookmarks, config.signal),
          )
        : undefined;
    if (conn !== undefined) {
      // (`prev` ended: there is nothing to wait for)
      prev?._readToEnd();
      try {
        this.send(result, started, conn, this.bookmarks, query, parameters, config);
      } catch (e) {
        result._fail(toBoltError(e));
      }
      return result;
    }
    this.startAutoCommit(result, prev, started, query, parameters, config).catch((e) =>
      result._fail(toBoltError(e)),
    );
    return result;
  }

  /** The rest of `run()`: wait for the previous result, acquire, then send RUN and PULL. */
  private async startAutoCommit(
    result: Result<any>,
    prev: Result<any> | undefined,
    started: AutoCommit,
    query: string,
    parameters: Record<string, unknown>,
    config: TransactionConfig,
  ): Promise<void> {
    if (prev) await prev._finish();
    const { conn, used } = await this.acquireWithBookmarks(this.accessMode, config.signal);
    this.send(result, started, conn, used, query, parameters, config);
  }

  /** An auto-commit query got its connection: RUN and PULL go once the reader is known. Throws
   *  (after giving the connection back) when the transaction's extra cannot be built. */
  private send(
    result: Result<any>,
    started: AutoCommit,
    conn: Connection,
    used: string[],
    query: string,
    parameters: Record<string, unknown>,
    config: TransactionConfig,
  ): void {
    started.conn = conn;
    started.used = used;
    let extra: Record<string, unknown>;
    try {
      extra = buildTxExtra(conn, this.txInput(used, this.accessMode, config));
    } catch (e) {
      this.ctx.provider.release(conn);
      started.conn = undefined;
      throw e;
    }
    // sent as soon as the reader is known: when the result is awaited or iterated, or else
    // after the microtasks queued so far (see `afterTick`)
    result._startWith(() => {
      try {
        this.telemetry(conn, TELEMETRY_AUTO_COMMIT);
      } catch {
        // the connection closed meanwhile: RUN below fails the result with the reason
        // (a throw here would be an uncaught exception and leave the result pending)
      }
      result._run(conn, { type: 'RUN', query, parameters, extra });
    });
  }

  /** Begin an explicit transaction. BEGIN is pipelined with the first query, or (`eagerBegin`)
   *  answered before this resolves, which then rejects with BEGIN's failure. */
  async beginTransaction(config: TransactionConfig = {}): Promise<Transaction> {
    const tx = await this.begin(this.accessMode, config, new TelemetryOnce(TELEMETRY_EXPLICIT));
    if (this.eagerBegin) await tx._begun();
    return tx;
  }

  /** Run `work` in a read transaction; retried on transient errors and lost connections. */
  executeRead<R>(
    work: (tx: ManagedTransaction) => Promise<R> | R,
    config: TransactionConfig = {},
  ): Promise<R> {
    return this.execute('READ', work, config, TELEMETRY_MANAGED);
  }

  /** Run `work` in a write transaction; retried on transient errors and lost connections. */
  executeWrite<R>(
    work: (tx: ManagedTransaction) => Promise<R> | R,
    config: TransactionConfig = {},
  ): Promise<R> {
    return this.execute('WRITE', work, config, TELEMETRY_MANAGED);
  }

  /** Finish open work (an open transaction is rolled back; an open result is discarded) and
   *  release the connection. Idempotent. Rejects with the failure of the last query when that
   *  query failed and its result was never read (the session is closed all the same). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.tx?.isOpen()) await this.tx.close().catch(() => {});
    // the last result's failure, when it was never read, is reported here
    if (this.last) await this.last._closeUnread();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- internals ---------------------------------------------------------------------------

  /** @internal executeRead/executeWrite, also used by `executeQuery` (telemetry api 3). */
  async execute<R>(
    mode: AccessMode,
    work: (tx: ManagedTransaction) => Promise<R> | R,
    config: TransactionConfig,
    api: number,
  ): Promise<R> {
    this.ensureUsable();
    // once the server took TELEMETRY, a retried attempt does not send it again
    const telemetry = new TelemetryOnce(api);
    return retry(
      async () => {
        const tx = await this.begin(mode, config, telemetry);
        // executeQuery keeps its one query pipelined with BEGIN
        if (this.eagerBegin && api !== TELEMETRY_EXECUTE_QUERY) await tx._begun();
        let value: R;
        try {
          value = await work(new ManagedTransaction(tx));
        } catch (e) {
          await tx.close().catch(() => {});
          throw e;
        }
        await tx.commit();
        return value;
      },
      (e) => this.retryable(e),
      this.ctx.retry,
      config.signal,
      this.ctx.logger,
    );
  }

  private retryable(e: unknown): boolean {
    if (!BoltError.isInstance(e)) return false;
    if (e.retryable) return true;
    return this.ctx.refreshableAuth && e.code === 'Neo.ClientError.Security.TokenExpired';
  }

  /** `telemetry`: the TELEMETRY api value to send (none when undefined), and what to tell when
   *  the server accepted it. */
  private async begin(
    mode: AccessMode,
    config: TransactionConfig,
    telemetry: TelemetryOnce,
  ): Promise<Transaction> {
    this.ensureUsable();
    this.txStarting = true;
    let conn: Connection | undefined;
    try {
      if (this.last) await this.last._finish();
      const acquired = await this.acquireWithBookmarks(mode, config.signal);
      conn = acquired.conn;
      const used = acquired.used;
      const extra = buildTxExtra(conn, this.txInput(used, mode, config));
      if (telemetry.api !== undefined) this.telemetry(conn, telemetry.api, telemetry);
      const context = new SessionTransaction(this, conn, used, this.fetchSize, this.eagerAll);
      const tx = new Transaction(context, extra);
      context.tx = tx;
      this.tx = tx;
      return tx;
    } catch (e) {
      if (conn) this.ctx.provider.release(conn);
      throw toBoltError(e);
    } finally {
      this.txStarting = false;
    }
  }

  /** TELEMETRY (5.4+), pipelined before BEGIN / RUN, when the server asked for it
   *  (`telemetry.enabled` hint) and the driver allows it. Its answer is not waited for
   *  (`observer` hears of it). */
  private telemetry(conn: Connection, api: number, observer?: ResponseObserver): void {
    if (
      this.ctx.telemetryDisabled ||
      !conn.features.telemetry ||
      conn.hints['telemetry.enabled'] !== true
    )
      return;
    conn.enqueue({ type: 'TELEMETRY', api }, observer);
  }

  /**
   * A connection and the bookmarks the work sends. With a bookmark manager, its bookmarks are
   * read for the routing the acquisition may need (ROUTE), and read again once the connection
   * is there: the work then carries what other sessions committed while it waited.
   */
  private async acquireWithBookmarks(
    mode: AccessMode,
    signal: AbortSignal | undefined,
  ): Promise<{ conn: Connection; used: string[] }> {
    const forRouting = await this.currentBookmarks();
    const conn = await this.acquire(mode, forRouting, signal);
    if (!this.config.bookmarkManager) return { conn, used: forRouting };
    try {
      return { conn, used: await this.currentBookmarks() };
    } catch (e) {
      this.ctx.provider.release(conn);
      throw e;
    }
  }

  private acquire(
    mode: AccessMode,
    bookmarks: string[],
    signal: AbortSignal | undefined,
  ): Promise<Connection> {
    return this.ctx.provider.acquire(this.acquireRequest(mode, bookmarks, signal));
  }

  private acquireRequest(
    mode: AccessMode,
    bookmarks: string[],
    signal: AbortSignal | undefined,
  ): AcquireRequest {
    return {
      accessMode: mode,
      database: this.database,
      impersonatedUser: this.config.impersonatedUser,
      bookmarks,
      auth: this.config.auth,
      signal,
      onDatabaseResolved: this.databaseResolved,
    };
  }

  private txInput(bookmarks: string[], mode: AccessMode, config: TransactionConfig) {
    return {
      bookmarks,
      accessMode: mode,
      database: this.database,
      impersonatedUser: this.config.impersonatedUser,
      notificationFilter: this.config.notificationFilter,
      timeout: config.timeout,
      metadata: config.metadata,
    };
  }

  private resolveDatabase(name: string): void {
    this.database ??= name;
  }

  /** @internal An auto-commit query ended. */
  _autoCommitEnded(conn: Connection | undefined, used: string[], end: ResultEnd): void {
    if (!conn) return;
    if (end.error) this.ctx.provider.onError?.(conn, end.error);
    this.ctx.provider.release(conn);
    const bm = end.metadata.bookmark;
    if (!end.error && typeof bm === 'string') this.updateBookmarks(used, bm);
  }

  /** @internal A transaction of this session is over (committed, rolled back, failed). */
  _transactionClosed(t: SessionTransaction, outcome: TransactionOutcome): void {
    if (this.tx === t.tx) this.tx = undefined;
    if (outcome.error) this.ctx.provider.onError?.(t.conn, outcome.error);
    this.ctx.provider.release(t.conn);
    if (outcome.bookmark) this.updateBookmarks(t.used, outcome.bookmark);
  }

  private updateBookmarks(used: string[], bookmark: string): void {
    this.bookmarks = [bookmark];
    const m = this.config.bookmarkManager;
    if (m) {
      try {
        const r = m.updateBookmarks(used, [bookmark]);
        if (r && typeof (r as Promise<void>).catch === 'function')
          (r as Promise<void>).catch((e) =>
            this.ctx.logger?.warn?.(`bookmark manager update failed: ${e}`),
          );
      } catch (e) {
        this.ctx.logger?.warn?.(`bookmark manager update failed: ${e}`);
      }
    }
  }

  private async currentBookmarks(): Promise<string[]> {
    const m = this.config.bookmarkManager;
    if (!m) return this.bookmarks;
    const shared = await m.getBookmarks();
    const set = new Set(this.bookmarks);
    for (const b of shared) set.add(b);
    return [...set];
  }

  private ensureUsable(): void {
    if (this.closed) throw usageError('the session is closed');
    if (this.tx?.isOpen() || this.txStarting)
      throw usageError(
        'a transaction is open in this session: run queries through it, or commit/roll back first',
      );
  }
}

// What a session hands its queries and transactions: small objects with methods, not closures
// made each time (the bundle keeps function names: every function made where JavaScript infers
// a name, such as `{ onClose: () => ... }`, would be renamed with a property definition each
// time, which costs more than the rest of making it).

/** An auto-commit query, as the owner of its result: its connection and the bookmarks it sent,
 *  once acquired. */
class AutoCommit implements ResultOwner {
  conn: Connection | undefined = undefined;
  used: string[] = NO_BOOKMARKS;

  constructor(private readonly session: Session) {}

  onResultEnd(end: ResultEnd): void {
    this.session._autoCommitEnded(this.conn, this.used, end);
  }
}

/** A transaction of a session: its connection, the bookmarks it began with, and where it
 *  reports its end. */
class SessionTransaction implements TransactionContext {
  tx: Transaction | undefined = undefined;

  constructor(
    private readonly session: Session,
    readonly conn: Connection,
    readonly used: string[],
    readonly fetchSize: number,
    readonly eagerAll: boolean,
  ) {}

  onClose(outcome: TransactionOutcome): void {
    this.session._transactionClosed(this, outcome);
  }
}

/** The TELEMETRY of managed work: sent with the first attempt's BEGIN, and not again once the
 *  server took it. */
class TelemetryOnce implements ResponseObserver {
  constructor(public api: number | undefined) {}

  onSuccess(): void {
    this.api = undefined;
  }
}

const NO_BOOKMARKS: string[] = [];
/** The options of a query run without any (only read). */
const NO_CONFIG: TransactionConfig = Object.freeze({});

function toBoltError(e: unknown): BoltError {
  if (BoltError.isInstance(e)) return e;
  return usageError(e instanceof Error ? e.message : String(e));
}

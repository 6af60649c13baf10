import { type AuthToken, sameAuth } from './auth.js';
import {
  abortError,
  BoltError,
  SERVICE_UNAVAILABLE,
  SESSION_EXPIRED,
  usageError,
} from './bolt-error.js';
import { type Clock, systemClock } from './clock.js';
import type { Connection } from './connection.js';
import type { Logger } from './logger.js';

/** Options of a {@link Pool}. */
export interface PoolOptions {
  /** Opens a new connection to the pool's address, authenticated with `auth` (a session's own
   *  credentials) or, when undefined, the driver's. */
  open(signal: AbortSignal | undefined, auth?: AuthToken): Promise<Connection>;
  /** Most connections (idle + in use + opening). Default 100. */
  maxSize?: number;
  /** How long `acquire()` may take: waiting for a free connection (then it fails with a
   *  `pool-exhausted` error) or opening a new one, handshake and authentication included (then
   *  it fails with a `timeout` error). Default 60000 ms. */
  acquisitionTimeoutMs?: number;
  /** Connections older than this are closed instead of reused. Default 3600000 ms (1 h);
   *  0 or negative = no limit. */
  maxLifetimeMs?: number;
  /** A connection idle for longer than this is checked with RESET before reuse (and dropped if
   *  that fails). Default never (negative); 0 = check every time. */
  livenessCheckAfterMs?: number;
  /** How long the liveness RESET may take. Default 10000 ms. */
  livenessCheckTimeoutMs?: number;
  /** Where liveness-check failures are reported (warn). Default none. */
  logger?: Logger;
  /** Where the pool reads the time (connection age and idle time) and sets its acquisition
   *  timers; the same clock as its connections'. Default `systemClock`. */
  clock?: Clock;
}

interface Waiter {
  resolve(c: Connection): void;
  reject(e: unknown): void;
  /** Resolved, timed out or aborted: a connection opened for it must go back to the pool. */
  settled: boolean;
}

/**
 * A bounded pool of connections to one address. `acquire()` hands out an idle connection (the
 * most recently used first), opens a new one while under `maxSize`, or waits for a release up
 * to the acquisition timeout. `release()` puts a connection back after a RESET if it is not
 * cleanly idle; broken, closed or too old connections are discarded.
 */
export class Pool {
  private readonly idle: Connection[] = [];
  private readonly waiters: Waiter[] = [];
  private inUse = 0;
  private opening = 0;
  private closed = false;
  private readonly maxSize: number;
  private readonly acquisitionTimeoutMs: number;
  private readonly maxLifetimeMs: number;
  private readonly livenessCheckAfterMs: number;
  private readonly livenessCheckTimeoutMs: number;
  private readonly clock: Clock;
  private readonly all = new Set<Connection>();

  constructor(
    readonly address: string,
    private readonly options: PoolOptions,
  ) {
    this.maxSize = options.maxSize ?? 100;
    if (!(Number.isInteger(this.maxSize) && this.maxSize >= 1))
      throw usageError(`maxConnectionPoolSize must be an integer >= 1; got ${options.maxSize}`);
    if (!(options.acquisitionTimeoutMs === undefined || options.acquisitionTimeoutMs >= 0))
      throw usageError(
        `connectionAcquisitionTimeoutMs must be >= 0; got ${options.acquisitionTimeoutMs}`,
      );
    this.acquisitionTimeoutMs = options.acquisitionTimeoutMs ?? 60_000;
    this.maxLifetimeMs = options.maxLifetimeMs ?? 3_600_000;
    this.livenessCheckAfterMs = options.livenessCheckAfterMs ?? -1;
    this.livenessCheckTimeoutMs = options.livenessCheckTimeoutMs ?? 10_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Connections currently handed out. */
  get activeCount(): number {
    return this.inUse;
  }
  /** Connections waiting in the pool. */
  get idleCount(): number {
    return this.idle.length;
  }
  /** Every live connection owned by the pool (idle or in use). */
  get size(): number {
    return this.all.size + this.opening;
  }

  /**
   * A connection for exclusive use; give it back with `release()`. `auth`: the credentials a
   * new connection is opened with (default: the driver's; a reused one may hold others, the
   * caller switches them). `verify`: a reused connection is checked with RESET whatever its
   * idle time (for `verifyConnectivity()`: the answer must be about a live connection).
   */
  async acquire(
    options: { signal?: AbortSignal; auth?: AuthToken; verify?: boolean } = {},
  ): Promise<Connection> {
    const signal = options.signal;
    const verify = options.verify === true;
    for (;;) {
      if (this.closed) throw closedError(this.address);
      if (signal?.aborted) throw abortError(signal, `acquiring a connection to ${this.address}`);
      const conn = this.idle.pop();
      if (conn) {
        this.inUse++;
        if (await this.usable(conn, verify)) return handOut(conn);
        this.inUse--;
        continue;
      }
      if (this.all.size + this.opening < this.maxSize) {
        this.opening++;
        const deadline = this.openingDeadline(signal);
        let c: Connection;
        try {
          c = await this.options.open(deadline.signal, options.auth);
        } finally {
          deadline.clear();
          this.opening--;
        }
        if (this.closed) {
          c.destroy();
          throw closedError(this.address);
        }
        this.adopt(c);
        this.inUse++;
        return handOut(c);
      }
      const c = await this.wait(signal);
      // handed over directly by release(): already counted in inUse
      if (await this.usable(c, verify)) return handOut(c);
      this.inUse--;
    }
  }

  /**
   * What `acquire()` would hand out first, at once and only when it needs no waiting: the most
   * recently used idle connection, if it is open, young enough, due no liveness check, and
   * logged in with `auth` (whose authorization did not expire). Otherwise undefined, and the
   * pool is left as it was.
   */
  acquireIdle(auth: AuthToken): Connection | undefined {
    const conn = this.idle[this.idle.length - 1];
    if (this.closed || conn === undefined || !conn.open) return undefined;
    if (conn.authExpired || !sameAuth(conn.auth, auth)) return undefined;
    const now = this.clock.now();
    if (this.tooOld(conn, now) || this.checkDue(conn, false, now)) return undefined;
    this.idle.pop();
    this.inUse++;
    return handOut(conn);
  }

  /** The server said the authorization of one connection expired (`AuthorizationExpired`):
   *  every connection of the pool, idle or in use, is re-authenticated (5.1+) or replaced
   *  before its next use. */
  expireAuth(): void {
    for (const c of this.all) c.authExpired = true;
  }

  /** Give a connection back. A RESET is queued on it when it is not cleanly idle (FAILED, in a
   *  transaction, streaming); broken or too old connections are discarded. */
  release(conn: Connection): void {
    this.inUse--;
    const now = this.clock.now();
    if (this.closed || !conn.open || this.tooOld(conn, now)) {
      this.discard(conn);
      this.pump();
      return;
    }
    if (conn.state !== 'READY' || conn.outstanding > 0) {
      // Pipelined: the next user's requests queue behind this RESET on the same connection.
      // If the RESET fails or times out the connection closes, and its user sees a retryable
      // connection-lost error.
      try {
        conn.reset({ timeoutMs: this.livenessCheckTimeoutMs }).catch(() => {});
      } catch {
        this.discard(conn);
        this.pump();
        return;
      }
    }
    conn.idleSince = now;
    const w = this.waiters.shift();
    if (w) {
      this.inUse++;
      w.resolve(conn);
      return;
    }
    this.idle.push(conn);
  }

  /** Close the idle connections now (their server failed; they are probably dead). The pool
   *  keeps serving: new connections are opened on demand. */
  closeIdle(): void {
    for (const c of this.idle.splice(0)) this.discard(c);
    this.pump();
  }

  /** Stop serving without cutting work short: waiting `acquire()` calls fail, idle connections
   *  close now, connections in use close when they are released. */
  async drain(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0))
      w.reject(
        new BoltError(
          `${this.address} left the routing table while waiting for a connection to it`,
          { kind: 'could-not-connect', code: SESSION_EXPIRED, retryable: true },
        ),
      );
    const idle = this.idle.splice(0);
    await Promise.all(
      idle.map((c) => {
        this.all.delete(c);
        return c.close().catch(() => {});
      }),
    );
  }

  /** Close every connection, idle or in use (their users see the connection closed). Waiting
   *  `acquire()` calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(closedError(this.address));
    const conns = [...this.all];
    this.idle.length = 0;
    await Promise.all(conns.map((c) => c.close().catch(() => {})));
  }

  private adopt(c: Connection): void {
    this.all.add(c);
    c.onClose(() => {
      this.all.delete(c);
      const i = this.idle.indexOf(c);
      if (i >= 0) this.idle.splice(i, 1);
      this.pump();
    });
  }

  private tooOld(c: Connection, now = this.clock.now()): boolean {
    return this.maxLifetimeMs > 0 && now - c.createdAt > this.maxLifetimeMs;
  }

  private async usable(c: Connection, verify: boolean): Promise<boolean> {
    if (!c.open) return false;
    if (this.tooOld(c)) {
      this.discard(c);
      return false;
    }
    if (this.checkDue(c, verify)) {
      try {
        await c.reset({ timeoutMs: this.livenessCheckTimeoutMs });
      } catch (e) {
        this.options.logger?.warn?.(
          `dropping connection to ${this.address}: liveness check failed (${(e as Error).message})`,
        );
        this.discard(c);
        return false;
      }
    }
    return true;
  }

  /** A reused connection is checked with RESET first: when asked to (`verify`), or when it was
   *  idle for longer than the liveness threshold. */
  private checkDue(c: Connection, verify: boolean, now?: number): boolean {
    return (
      verify ||
      this.livenessCheckAfterMs === 0 ||
      (this.livenessCheckAfterMs > 0 &&
        (now ?? this.clock.now()) - c.idleSince > this.livenessCheckAfterMs)
    );
  }

  private discard(c: Connection): void {
    this.all.delete(c);
    if (c.open) c.close().catch(() => {});
  }

  /** A slot freed up: let one waiter open a new connection. */
  private pump(): void {
    if (this.waiters.length === 0 || this.closed) return;
    if (this.all.size + this.opening >= this.maxSize) return;
    const w = this.waiters.shift()!;
    this.opening++;
    this.options.open(undefined).then(
      (c) => {
        this.opening--;
        if (this.closed) {
          c.destroy();
          w.reject(closedError(this.address));
          return;
        }
        this.adopt(c);
        this.inUse++;
        // The waiter gave up (timeout, abort) while the connection was opening: the
        // connection is not lost, it goes to the next waiter or the idle list.
        if (w.settled) this.release(c);
        else w.resolve(c);
      },
      (e) => {
        this.opening--;
        if (w.settled) this.pump();
        else w.reject(e);
      },
    );
  }

  /** The signal a new connection is opened under: the caller's, and the acquisition timeout
   *  (handshake and authentication are part of acquiring). */
  private openingDeadline(signal: AbortSignal | undefined): {
    signal: AbortSignal;
    clear(): void;
  } {
    const timeoutMs = this.acquisitionTimeoutMs;
    const ac = new AbortController();
    const onAbort = () => ac.abort(signal!.reason);
    if (signal?.aborted) ac.abort(signal.reason);
    else signal?.addEventListener('abort', onAbort, { once: true });
    const timer = this.clock.setTimeout(
      () =>
        ac.abort(
          new BoltError(
            `opening a connection to ${this.address} took longer than the acquisition timeout (${timeoutMs} ms, connectionAcquisitionTimeoutMs)`,
            {
              kind: 'timeout',
              code: 'Neo.ClientError.Pool.AcquisitionTimeout',
              classification: 'CLIENT_ERROR',
              retryable: false,
            },
          ),
        ),
      timeoutMs,
    );
    return {
      signal: ac.signal,
      clear: () => {
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      },
    };
  }

  private wait(signal: AbortSignal | undefined): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const timeoutMs = this.acquisitionTimeoutMs;
      const cleanup = () => {
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      const waiter: Waiter = {
        settled: false,
        resolve: (c) => {
          waiter.settled = true;
          cleanup();
          resolve(c);
        },
        reject: (e) => {
          waiter.settled = true;
          cleanup();
          reject(e);
        },
      };
      const onAbort = () =>
        waiter.reject(abortError(signal!, `acquiring a connection to ${this.address}`));
      const timer = this.clock.setTimeout(
        () =>
          waiter.reject(
            new BoltError(
              `no connection to ${this.address} became free within ${timeoutMs} ms: all ${this.maxSize} connections of the pool are in use (maxConnectionPoolSize)`,
              {
                kind: 'pool-exhausted',
                code: 'Neo.ClientError.Pool.AcquisitionTimeout',
                classification: 'CLIENT_ERROR',
                retryable: false,
              },
            ),
          ),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }
}

function closedError(address: string): BoltError {
  return new BoltError(`the connection pool for ${address} is closed (the driver was closed)`, {
    kind: 'usage',
    code: SERVICE_UNAVAILABLE,
    classification: 'CLIENT_ERROR',
    retryable: false,
  });
}

/** Counts a connection's hand-outs (`uses` 1: opened for this acquisition, never reused). */
function handOut(c: Connection): Connection {
  c.uses++;
  return c;
}

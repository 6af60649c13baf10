import type { AuthToken } from '../auth.js';
import type { Connection } from '../connection.js';
import { type AcquireRequest, acquireAuthenticated, type Credentials } from '../credentials.js';
import { Pool, type PoolOptions } from '../pool.js';
import type { PoolLoad } from './least-connected.js';

/** Sizes of one server's pool. */
export interface PoolMetrics {
  /** Connections handed out. */
  active: number;
  /** Connections waiting in the pool. */
  idle: number;
  /** Every connection the pool owns, including those being opened. */
  size: number;
}

/**
 * One pool per cluster member, created on first use, with the driver's pool options applying
 * to each. Knows which pool a connection came from, so `release()` needs no address.
 */
export class ServerPools implements PoolLoad {
  private readonly pools = new Map<string, Pool>();
  private readonly owner = new WeakMap<Connection, Pool>();
  private closed = false;

  constructor(
    private readonly credentials: Credentials,
    private readonly connect: (
      address: string,
      auth: AuthToken,
      signal: AbortSignal | undefined,
    ) => Promise<Connection>,
    private readonly options: Omit<PoolOptions, 'open'>,
  ) {}

  /** A connection to `address`, authenticated as asked. */
  async acquire(address: string, request: AcquireRequest): Promise<Connection> {
    const pool = this.pool(address);
    const conn = await acquireAuthenticated(pool, this.credentials, request);
    this.owner.set(conn, pool);
    return conn;
  }

  release(conn: Connection): void {
    const pool = this.owner.get(conn);
    if (pool) pool.release(conn);
    else conn.destroy();
  }

  /** Every connection to `address` re-authenticates (or is replaced) before its next use. */
  expireAuth(address: string): void {
    this.pools.get(address)?.expireAuth();
  }

  /** Connections to `address` in use. */
  active(address: string): number {
    return this.pools.get(address)?.activeCount ?? 0;
  }

  /** Idle connections to `address`. */
  idle(address: string): number {
    return this.pools.get(address)?.idleCount ?? 0;
  }

  /** `address` failed: close its idle connections (probably dead). */
  purge(address: string): void {
    this.pools.get(address)?.closeIdle();
  }

  /** Drain the pools of servers not in `keep` (gone from every routing table): idle
   *  connections close now, connections in use when released. */
  retainOnly(keep: ReadonlySet<string>): void {
    for (const [address, pool] of this.pools) {
      if (keep.has(address)) continue;
      this.pools.delete(address);
      pool.drain().catch(() => {});
    }
  }

  /** Metrics of one server's pool, or the sum over all servers. */
  metrics(address?: string): PoolMetrics {
    const pools = address === undefined ? [...this.pools.values()] : [this.pools.get(address)];
    const m: PoolMetrics = { active: 0, idle: 0, size: 0 };
    for (const p of pools) {
      if (!p) continue;
      m.active += p.activeCount;
      m.idle += p.idleCount;
      m.size += p.size;
    }
    return m;
  }

  /** The servers that have a pool. */
  addresses(): string[] {
    return [...this.pools.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }

  private pool(address: string): Pool {
    let pool = this.pools.get(address);
    if (!pool) {
      pool = new Pool(address, {
        ...this.options,
        open: async (signal, auth) =>
          this.connect(address, auth ?? (await this.credentials.current()), signal),
      });
      if (this.closed) pool.close().catch(() => {});
      else this.pools.set(address, pool);
    }
    return pool;
  }
}

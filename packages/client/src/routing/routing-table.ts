import { BoltError, PROTOCOL_ERROR } from '../bolt-error.js';
import { describeValue } from '../connection-checks.js';
import { normalizeAddress } from './address.js';

/** A routing table as the driver reports it (`driver.routingTable()`). */
export interface RoutingTableSnapshot {
  /** The database the table is for; `null` for the home database when the server did not name
   *  it (Bolt < 4.4). */
  database: string | null;
  /** Seconds the server allowed the table to be cached. */
  ttl: number;
  /** When the table goes stale (ms since the epoch). */
  expiresAt: number;
  routers: string[];
  readers: string[];
  writers: string[];
}

/** The raw answer of ROUTE (`rt`) or of the routing procedures (`ttl`, `servers`). */
export interface RawRoutingTable {
  ttl: unknown;
  db?: unknown;
  servers: unknown;
}

/**
 * The servers of one database by role, and until when they may be used. Built from a ROUTE
 * answer by {@link RoutingTable.fromServer}; the driver removes servers from it as they fail
 * (`forget*`) and fetches a new one when it is stale for the work at hand.
 */
export class RoutingTable {
  constructor(
    readonly database: string | null,
    public routers: string[],
    public readers: string[],
    public writers: string[],
    readonly expiresAt: number,
    readonly ttl: number,
  ) {}

  /** A table with no servers, stale for everything (the state before the first fetch). */
  static empty(database: string | null): RoutingTable {
    return new RoutingTable(database, [], [], [], 0, 0);
  }

  /**
   * Validate a server's answer. `database` is the one asked for (`null`: the home database, in
   * which case the answer's `db` names it on 4.4+). Throws a `protocol` BoltError when the answer
   * is malformed or names no router or no reader: such a table is unusable, and the driver asks
   * the next router.
   */
  static fromServer(
    raw: RawRoutingTable,
    database: string | null,
    router: string,
    now: number,
  ): RoutingTable {
    const ttl = toTtl(raw.ttl, router);
    if (!Array.isArray(raw.servers))
      throw invalid(router, `"servers" is not a list (${describeValue(raw.servers)})`);
    const byRole: Record<'ROUTE' | 'READ' | 'WRITE', string[]> = { ROUTE: [], READ: [], WRITE: [] };
    for (const entry of raw.servers) {
      if (typeof entry !== 'object' || entry === null)
        throw invalid(router, 'a "servers" entry is not a map');
      const { role, addresses } = entry as { role?: unknown; addresses?: unknown };
      if (!Array.isArray(addresses))
        throw invalid(
          router,
          `the addresses of a "servers" entry (role ${describeValue(role)}) are not a list`,
        );
      if (role !== 'ROUTE' && role !== 'READ' && role !== 'WRITE') continue;
      const list = byRole[role];
      for (const a of addresses) {
        let address: string;
        try {
          address = normalizeAddress(a as string);
        } catch {
          throw invalid(router, `${describeValue(a)} is not a host:port address`);
        }
        if (!list.includes(address)) list.push(address);
      }
    }
    if (byRole.ROUTE.length === 0) throw invalid(router, 'it names no router');
    if (byRole.READ.length === 0) throw invalid(router, 'it names no reader');
    const name = database ?? (typeof raw.db === 'string' && raw.db !== '' ? raw.db : null);
    const expiresAt = Math.min(now + ttl * 1000, Number.MAX_SAFE_INTEGER);
    return new RoutingTable(name, byRole.ROUTE, byRole.READ, byRole.WRITE, expiresAt, ttl);
  }

  /** Whether a new table must be fetched before serving work of this mode: expired, no router
   *  left, or no server of the role. */
  isStaleFor(mode: 'READ' | 'WRITE', now: number): boolean {
    return (
      this.expiresAt <= now ||
      this.routers.length === 0 ||
      (mode === 'READ' ? this.readers.length === 0 : this.writers.length === 0)
    );
  }

  /** Expired for longer than `delayMs`: the registry drops it. */
  isExpiredFor(delayMs: number, now: number): boolean {
    return this.expiresAt + delayMs <= now;
  }

  /** Stop using a server for work (it stays a router: routers are needed to find the way back). */
  forget(address: string): void {
    this.readers = this.readers.filter((a) => a !== address);
    this.writers = this.writers.filter((a) => a !== address);
  }

  forgetRouter(address: string): void {
    this.routers = this.routers.filter((a) => a !== address);
  }

  forgetWriter(address: string): void {
    this.writers = this.writers.filter((a) => a !== address);
  }

  /** Every server the table names. */
  servers(): string[] {
    return [...new Set([...this.routers, ...this.readers, ...this.writers])];
  }

  snapshot(): RoutingTableSnapshot {
    return {
      database: this.database,
      ttl: this.ttl,
      expiresAt: this.expiresAt,
      routers: [...this.routers],
      readers: [...this.readers],
      writers: [...this.writers],
    };
  }

  toString(): string {
    return `RoutingTable[database=${this.database ?? '(home)'}, expiresAt=${this.expiresAt}, routers=[${this.routers}], readers=[${this.readers}], writers=[${this.writers}]]`;
  }
}

function toTtl(ttl: unknown, router: string): number {
  const n = typeof ttl === 'bigint' ? Number(ttl) : ttl;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || !Number.isInteger(n))
    throw invalid(router, `"ttl" is not a non-negative integer (${describeValue(ttl)})`);
  return n;
}

function invalid(router: string, what: string): BoltError {
  return new BoltError(`the routing table from ${router} is unusable: ${what}`, {
    kind: 'protocol',
    code: PROTOCOL_ERROR,
    retryable: false,
  });
}

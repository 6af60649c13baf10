import type { RoutingTable } from './routing-table.js';

/**
 * The routing tables the driver knows, one per database (`null`: the home database of a
 * server that did not name it). Tables expired for longer than the purge delay are dropped.
 */
export class RoutingTableRegistry {
  private readonly tables = new Map<string | null, RoutingTable>();

  constructor(private readonly purgeDelayMs: number) {}

  get(database: string | null): RoutingTable | undefined {
    return this.tables.get(database);
  }

  /** Store `table` under its database, dropping tables long expired. */
  register(table: RoutingTable, now: number): void {
    for (const [key, t] of this.tables)
      if (t.isExpiredFor(this.purgeDelayMs, now)) this.tables.delete(key);
    this.tables.set(table.database, table);
  }

  /** Forget one database's table (a forced refresh starts from scratch). */
  remove(database: string | null): void {
    this.tables.delete(database);
  }

  /** Stop using `address` for the work of `database`. */
  forget(address: string, database: string | null): void {
    this.tables.get(database)?.forget(address);
  }

  /** Stop writing to `address` in `database` (it is no longer the leader there). */
  forgetWriter(address: string, database: string | null): void {
    this.tables.get(database)?.forgetWriter(address);
  }

  /** The routers of every table, without duplicates: where to ask about a database the driver
   *  has no table for yet (routers answer for any database of the cluster). */
  routers(): string[] {
    const out = new Set<string>();
    for (const t of this.tables.values()) for (const r of t.routers) out.add(r);
    return [...out];
  }

  /** Every server of every table. */
  servers(): Set<string> {
    const out = new Set<string>();
    for (const t of this.tables.values()) for (const s of t.servers()) out.add(s);
    return out;
  }
}

import type { AuthToken } from '../auth.js';
import { AUTHORIZATION_EXPIRED, BoltError, SERVICE_UNAVAILABLE } from '../bolt-error.js';
import type { Clock } from '../clock.js';
import type { Credentials } from '../credentials.js';
import type { Logger } from '../logger.js';
import { normalizeAddress } from './address.js';
import { requestRoutingTable } from './route-request.js';
import { RoutingTable } from './routing-table.js';
import type { ServerPools } from './server-pools.js';

/** Returns the addresses to try for the seed `host:port` of the URL (see `DriverConfig.resolver`). */
export type AddressResolver = (address: string) => readonly string[] | Promise<readonly string[]>;

/** What a routing table is fetched with. */
export interface DiscoveryRequest {
  bookmarks: string[];
  impersonatedUser?: string;
  auth?: AuthToken;
  signal?: AbortSignal;
}

/** Server errors that no other router would answer differently: thrown at once. */
const FAIL_FAST_CODES = new Set([
  'Neo.ClientError.Database.DatabaseNotFound',
  'Neo.ClientError.Transaction.InvalidBookmark',
  'Neo.ClientError.Transaction.InvalidBookmarkMixture',
  'Neo.ClientError.Statement.ArgumentError',
  'Neo.ClientError.Statement.TypeError',
  'Neo.ClientError.Request.Invalid',
]);
const PROCEDURE_NOT_FOUND = 'Neo.ClientError.Procedure.ProcedureNotFound';

/**
 * Fetches routing tables: asks the known routers one after the other, and the seed addresses
 * (the URL's host, through the `resolver` when one is configured) when they all fail, or first
 * when the last table had no writer (the known routers may be a minority partition). A router
 * that fails is forgotten from the table it came from; errors that any router would repeat
 * (database not found, bad bookmarks, security) end the search at once.
 */
export class Rediscovery {
  private useSeedFirst = true;

  constructor(
    private readonly seed: string,
    private readonly routingContext: Record<string, string>,
    private readonly pools: ServerPools,
    private readonly credentials: Credentials,
    private readonly resolver: AddressResolver | undefined,
    private readonly logger: Logger | undefined,
    /** Where a new table's expiry counts from. */
    private readonly clock: Clock,
  ) {}

  /**
   * A new table for `current.database`, from `knownRouters` and the seed. Throws the first
   * fail-fast error, else a `ServiceUnavailable` BoltError when no router gave a usable table
   * (its `cause` is the last router's error).
   */
  async fetch(
    current: RoutingTable,
    knownRouters: readonly string[],
    request: DiscoveryRequest,
  ): Promise<RoutingTable> {
    let result: { table?: RoutingTable; error?: unknown };
    if (this.useSeedFirst) {
      result = await this.fromSeed([], current, request);
      if (result.table) this.useSeedFirst = false;
      else {
        const known = await this.fromRouters(knownRouters, current, request);
        result = known.table ? known : { error: known.error ?? result.error };
      }
    } else {
      result = await this.fromRouters(knownRouters, current, request);
      if (!result.table) {
        const seeded = await this.fromSeed(knownRouters, current, request);
        result = seeded.table ? seeded : { error: seeded.error ?? result.error };
      }
    }
    const table = result.table;
    if (!table) {
      const db = current.database === null ? 'the home database' : `database "${current.database}"`;
      const why = result.error instanceof Error ? `: ${result.error.message}` : '';
      throw new BoltError(`could not fetch a routing table for ${db}: no router answered${why}`, {
        kind: 'could-not-connect',
        code: SERVICE_UNAVAILABLE,
        retryable: true,
        cause: result.error,
      });
    }
    // A table without writers may come from a minority partition: next time, ask the seed first.
    if (table.writers.length === 0) this.useSeedFirst = true;
    return table;
  }

  private async fromSeed(
    skip: readonly string[],
    current: RoutingTable,
    request: DiscoveryRequest,
  ): Promise<{ table?: RoutingTable; error?: unknown }> {
    let addresses: string[];
    try {
      addresses = await this.seedAddresses();
    } catch (e) {
      return { error: e };
    }
    return this.fromRouters(
      addresses.filter((a) => !skip.includes(a)),
      current,
      request,
    );
  }

  private async fromRouters(
    routers: readonly string[],
    current: RoutingTable,
    request: DiscoveryRequest,
  ): Promise<{ table?: RoutingTable; error?: unknown }> {
    let error: unknown;
    for (const router of routers) {
      try {
        return { table: await this.lookup(router, current.database, request) };
      } catch (e) {
        if (failFast(e)) throw e;
        if (BoltError.isInstance(e) && e.code === PROCEDURE_NOT_FOUND)
          throw new BoltError(
            `${router} cannot route (it has no routing procedure): is it a cluster member? Use bolt:// for a single server`,
            { kind: 'server', code: SERVICE_UNAVAILABLE, retryable: false, cause: e },
          );
        this.logger?.warn?.(
          `no routing table from ${router}: ${e instanceof Error ? e.message : String(e)}`,
        );
        current.forgetRouter(router);
        error = e;
      }
    }
    return { error };
  }

  /** Ask one router. */
  private async lookup(
    router: string,
    database: string | null,
    request: DiscoveryRequest,
  ): Promise<RoutingTable> {
    const conn = await this.pools.acquire(router, { auth: request.auth, signal: request.signal });
    try {
      const raw = await requestRoutingTable(conn, {
        routing: this.routingContext,
        database,
        bookmarks: request.bookmarks,
        impersonatedUser: request.impersonatedUser,
      });
      return RoutingTable.fromServer(raw, database, router, this.clock.now());
    } catch (e) {
      this.credentials.onError(conn, e);
      throw e;
    } finally {
      this.pools.release(conn);
    }
  }

  /** The seed address, or what the resolver makes of it. */
  private async seedAddresses(): Promise<string[]> {
    if (!this.resolver) return [this.seed];
    const resolved = await this.resolver(this.seed);
    if (!Array.isArray(resolved))
      throw new BoltError(`the resolver returned ${typeof resolved} for ${this.seed}, not a list`, {
        kind: 'usage',
        code: SERVICE_UNAVAILABLE,
        retryable: false,
      });
    const out: string[] = [];
    for (const a of resolved) {
      const address = normalizeAddress(a);
      if (!out.includes(address)) out.push(address);
    }
    return out;
  }
}

function failFast(e: unknown): boolean {
  if (!BoltError.isInstance(e)) return true;
  if (e.kind === 'usage' || e.kind === 'aborted') return true;
  if (FAIL_FAST_CODES.has(e.code)) return true;
  return e.code.startsWith('Neo.ClientError.Security.') && e.code !== AUTHORIZATION_EXPIRED;
}

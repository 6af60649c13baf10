import { BoltError } from '../bolt-error.js';
import type { RouteContext, RoutingTable, RunResult } from '../handler.js';
import { readTransactionOptions, WorkContext } from '../query-context.js';
import type { BoltSession } from './bolt-session.js';
import type { HookCall } from './interrupts.js';

/** What varies between calls of `route`. */
type RouteCall = { routing: Routing; routeContext: RouteContext };

/** The routing procedures of Bolt 3–4.2 clients. */
const ROUTING_PROCEDURE = /^\s*CALL\s+dbms\.(cluster\.)?routing\.getRoutingTable\s*\(/i;

/**
 * Routing tables for `neo4j://` clients: the ROUTE message (4.3+), and on older versions the
 * routing procedures, both answered from the handler's `route` hook (default: this server alone
 * in every role).
 */
export class Routing {
  constructor(private readonly session: BoltSession) {}

  route(
    routing: Record<string, unknown>,
    bookmarks: string[],
    db: string | null | undefined,
    impUser: string | null | undefined,
  ): void | Promise<void> {
    const s = this.session;
    const context = new WorkContext(s.info, s.auth.user, readTransactionOptions(undefined), false);
    const routeContext = this.routeContext(context, {
      routing: routing ?? {},
      bookmarks: bookmarks ?? [],
      database: typeof db === 'string' && db !== '' ? db : undefined,
      impersonatedUser: typeof impUser === 'string' && impUser !== '' ? impUser : undefined,
    });
    return s.interrupts.hook('ROUTE', Routing.routeHook, { routing: this, routeContext }, context);
  }

  /** ROUTE: the handler's `route` (or the default table). */
  private static readonly routeHook: HookCall<unknown, RouteCall> = {
    call: ({ routing, routeContext }) => routing.table(routeContext),
    ok: (table, { routing, routeContext }) => {
      const s = routing.session;
      if (!isRoutingTable(table)) {
        s.fail('ROUTE', badTable());
        return;
      }
      const rt: RoutingTable = { ttl: table.ttl, servers: servers(table) };
      if (s.features!.routeExtraMap)
        rt.db = table.db ?? routeContext.database ?? s.results.defaultDatabase();
      s.succeed('ROUTE', { rt });
    },
  };

  /**
   * Bolt 3–4.2 clients fetch the routing table with a procedure call: such a RUN is answered
   * from `route()` as a one-record result `[ttl, servers]`. Undefined for any other query.
   */
  procedure(
    query: string,
    parameters: Record<string, unknown>,
    context: WorkContext,
  ): Promise<RunResult> | undefined {
    if (this.session.features!.hasRoute || !ROUTING_PROCEDURE.test(query)) return undefined;
    const database = parameters.database;
    const routeContext = this.routeContext(context, {
      routing: (parameters.context as Record<string, unknown>) ?? {},
      bookmarks: context.bookmarks,
      database: typeof database === 'string' && database !== '' ? database : undefined,
      impersonatedUser: undefined,
    });
    return new Promise<unknown>((resolve) => resolve(this.table(routeContext))).then((t) => {
      if (!isRoutingTable(t)) throw badTable();
      return { fields: ['ttl', 'servers'], records: [[t.ttl, servers(t)]] };
    });
  }

  private table(context: RouteContext): RoutingTable | Promise<RoutingTable> {
    const s = this.session;
    return s.handler.route ? s.handler.route(context) : this.defaultTable();
  }

  private defaultTable(): RoutingTable {
    const s = this.session;
    const address = s.options.advertisedAddress ?? s.wire.transport.localAddress;
    return {
      ttl: 300,
      servers: [
        { addresses: [address], role: 'ROUTE' },
        { addresses: [address], role: 'READ' },
        { addresses: [address], role: 'WRITE' },
      ],
    };
  }

  private routeContext(
    work: WorkContext,
    fields: Omit<RouteContext, 'connection' | 'user' | 'signal'>,
  ): RouteContext {
    const s = this.session;
    return {
      connection: s.info,
      user: s.auth.user,
      ...fields,
      get signal() {
        return work.signal;
      },
    };
  }
}

function servers(t: RoutingTable): RoutingTable['servers'] {
  return t.servers.map((s) => ({ addresses: s.addresses, role: s.role }));
}

function badTable(): BoltError {
  return new BoltError(
    'route() must return {ttl: number, servers: [{addresses: string[], role}]}.',
  );
}

function isRoutingTable(t: unknown): t is RoutingTable {
  if (t === null || typeof t !== 'object') return false;
  const { ttl, servers } = t as RoutingTable;
  return (
    (typeof ttl === 'number' || typeof ttl === 'bigint') &&
    Array.isArray(servers) &&
    servers.every(
      (s) =>
        s !== null &&
        typeof s === 'object' &&
        typeof s.role === 'string' &&
        Array.isArray(s.addresses) &&
        s.addresses.every((a) => typeof a === 'string'),
    )
  );
}

import { formatVersion } from '@bolt/parser';
import { type BoltError, usageError } from '../bolt-error.js';
import type { Connection } from '../connection.js';
import type { RawRoutingTable } from './routing-table.js';

/** What a routing table is asked for. */
export interface RouteRequestInput {
  /** The routing context: the URL's query parameters plus `address` (the seed `host:port`). */
  routing: Record<string, string>;
  /** Target database; `null` for the user's home database. */
  database: string | null;
  /** Bookmarks the table must reflect (a database created in a bookmarked transaction). */
  bookmarks: string[];
  /** Route as this user (4.4+): the home database is theirs. */
  impersonatedUser?: string;
}

/** Bolt 3: the cluster procedure, no database. */
const PROCEDURE_V3 = 'CALL dbms.cluster.routing.getRoutingTable($context)';
/** Bolt 4.0 – 4.2: the multi-database procedure, run in the system database. */
const PROCEDURE_V4 = 'CALL dbms.routing.getRoutingTable($context, $database)';

/**
 * Ask the server at the other end of `conn` for a routing table: ROUTE on Bolt 4.3+, the
 * routing procedures before (in the `system` database on 4.0 – 4.2). Resolves with the raw
 * answer; rejects with the server's FAILURE or the connection's error.
 */
export function requestRoutingTable(
  conn: Connection,
  input: RouteRequestInput,
): Promise<RawRoutingTable> {
  const f = conn.features;
  if (input.impersonatedUser !== undefined && !f.impUser)
    return Promise.reject(
      usageError(`impersonation needs Bolt 4.4+; the server speaks ${formatVersion(conn.version)}`),
    );
  if (f.hasRoute) {
    return conn
      .request({
        type: 'ROUTE',
        routing: input.routing,
        bookmarks: input.bookmarks,
        // 4.3 sends the name or null as the third field; 4.4+ leaves `db` out of the map
        db: f.routeExtraMap ? (input.database ?? undefined) : input.database,
        impUser: input.impersonatedUser,
      })
      .then((md) => {
        const rt = md.rt;
        if (typeof rt !== 'object' || rt === null)
          return { ttl: undefined, servers: undefined } as RawRoutingTable;
        return rt as RawRoutingTable;
      });
  }
  if (!f.db) {
    if (input.database !== null)
      return Promise.reject(
        usageError(
          `selecting a database needs Bolt 4.0+; the server speaks ${formatVersion(conn.version)}`,
        ),
      );
    return runProcedure(conn, PROCEDURE_V3, { context: input.routing }, {});
  }
  const extra: Record<string, unknown> = { mode: 'r', db: 'system' };
  if (input.bookmarks.length > 0) extra.bookmarks = input.bookmarks;
  return runProcedure(
    conn,
    PROCEDURE_V4,
    { context: input.routing, database: input.database },
    extra,
  );
}

/** RUN + PULL everything; the one record's `ttl` and `servers` fields. */
function runProcedure(
  conn: Connection,
  query: string,
  parameters: Record<string, unknown>,
  extra: Record<string, unknown>,
): Promise<RawRoutingTable> {
  return new Promise((resolve, reject) => {
    let fields: string[] = [];
    let record: unknown[] | undefined;
    let failed = false;
    const fail = (e: BoltError) => {
      if (failed) return;
      failed = true;
      reject(e);
    };
    try {
      conn.enqueue(
        { type: 'RUN', query, parameters, extra },
        {
          onSuccess: (md) => {
            if (Array.isArray(md.fields)) fields = md.fields as string[];
          },
          onFailure: fail,
        },
      );
      conn.pull(-1, undefined, {
        onRecord: (values) => {
          record ??= values;
        },
        onSuccess: () => {
          if (failed) return;
          const at = (name: string, fallback: number) => {
            const i = fields.indexOf(name);
            return record?.[i >= 0 ? i : fallback];
          };
          resolve({ ttl: at('ttl', 0), servers: at('servers', 1) });
        },
        onFailure: fail,
      });
    } catch (e) {
      fail(e as BoltError);
    }
  });
}

/**
 * The handler API: what a server built on @bolt/server implements. Every hook is optional
 * except `run`; a plain function `(query, parameters, context) => rows` is accepted too
 * (see {@link QueryFunction}).
 */

import type { AuthToken, RoutingServer, RoutingTable as WireRoutingTable } from '@bolt/parser';

/** An authentication token as the client sent it (LOGON, or inline in HELLO/INIT up to 5.0):
 *  `scheme` (`'none'`, `'basic'`, `'bearer'`, `'kerberos'` or custom), `principal`,
 *  `credentials`, `realm`, `parameters`, and any other key the client sent. */
export type { AuthToken };

/** Read-only view of one client connection, handed to every hook. */
export interface ConnectionInfo {
  /** The `connection_id` sent in HELLO SUCCESS, e.g. `"bolt-7"`. */
  readonly id: string;
  /** Name of the listener module it arrived through (`'tcp'`, `'tls'`, `'websocket'`), or `'accept'`. */
  readonly listener: string;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly encrypted: boolean;
  /** Negotiated Bolt version as `"5.8"`; undefined during the handshake. */
  readonly protocolVersion: string | undefined;
  /** HELLO `user_agent` (INIT's first field in Bolt 1–2). */
  readonly userAgent: string | undefined;
  /** HELLO `bolt_agent` (5.3+). */
  readonly boltAgent: Readonly<Record<string, unknown>> | undefined;
  /** HELLO `routing`: null/undefined when the client does not route, else its routing context. */
  readonly routing: Readonly<Record<string, unknown>> | null | undefined;
  /** What `authenticate` returned; undefined before authentication and after LOGOFF. */
  readonly user: unknown;
  /** The current server state name (`READY`, `STREAMING`, `TX_READY`, ...). */
  readonly state: string;
}

/** Options that apply to a transaction (BEGIN) or an auto-commit RUN. */
export interface TransactionOptions {
  /** Target database; undefined means the home/default database. */
  readonly database: string | undefined;
  /** `'r'` (read) or `'w'` (write, the default). */
  readonly mode: 'r' | 'w';
  readonly bookmarks: readonly string[];
  /** `tx_metadata`. */
  readonly txMetadata: Readonly<Record<string, unknown>> | undefined;
  /** `tx_timeout` in milliseconds, when the client set one. */
  readonly txTimeout: number | undefined;
  /** `imp_user` (4.4+). */
  readonly impersonatedUser: string | undefined;
  /** `notifications_minimum_severity` (5.2+). */
  readonly notificationsMinimumSeverity: string | undefined;
  /** `notifications_disabled_classifications` (`..._categories` before 5.6). */
  readonly notificationsDisabledClassifications: readonly string[] | undefined;
}

/** What every query-level hook receives. */
export interface QueryContext extends TransactionOptions {
  readonly connection: ConnectionInfo;
  /** What `authenticate` returned for this connection. */
  readonly user: unknown;
  /** True inside an explicit transaction (BEGIN ... COMMIT/ROLLBACK). */
  readonly inTransaction: boolean;
  /** Fires when the work must stop: on RESET, when the client disconnects, when the server shuts
   *  down. `signal.reason` is a BoltError saying which. */
  readonly signal: AbortSignal;
}

/** Summary metadata a handler may add to the final SUCCESS of a result. All optional. */
export interface ResultSummary {
  /** Query type: `'r'` read, `'w'` write, `'rw'`, `'s'` schema. Default `'r'`. */
  type?: 'r' | 'w' | 'rw' | 's';
  /** Update counters with Neo4j's hyphenated keys, e.g. `{'nodes-created': 1}`. */
  stats?: Record<string, number | boolean>;
  /** Bookmark of the committed auto-commit transaction (ignored inside explicit transactions). */
  bookmark?: string;
  /** The database the query ran in (sent to 4.0+). Default: the requested database, if any. */
  db?: string;
  /** Legacy notifications (sent to clients before 5.6; converted to `statuses` for 5.6+). */
  notifications?: Record<string, unknown>[];
  /** GQL status objects (5.6+). When absent for 5.6+, they are derived from `notifications`
   *  plus the outcome status. */
  statuses?: Record<string, unknown>[];
  /** EXPLAIN plan tree. */
  plan?: Record<string, unknown>;
  /** PROFILE tree. */
  profile?: Record<string, unknown>;
  /** Any other key, sent as is. */
  [key: string]: unknown;
}

/** A record: values in `fields` order, or an object keyed by field name. */
export type RecordValues = readonly unknown[] | Readonly<Record<string, unknown>>;

/** What `run` returns. */
export interface RunResult {
  /** Column names, in record order. */
  fields: readonly string[];
  /** The records, pulled only as fast as the client asks (PULL n); DISCARD calls `return()`.
   *  Omit for a result without records. */
  records?: AsyncIterable<RecordValues> | Iterable<RecordValues>;
  /** Summary for the final SUCCESS; a function is called once the records are exhausted (or
   *  discarded), so counters can depend on the iteration. */
  summary?: ResultSummary | (() => ResultSummary | Promise<ResultSummary>);
}

/** What `run` may return: a {@link RunResult}, or the rows as objects (the keys of the first
 *  row are the fields). */
export type RunReturn = RunResult | readonly Record<string, unknown>[];

/** Role of a server in a routing table. */
export type RoutingRole = 'ROUTE' | 'READ' | 'WRITE';

/** The answer to ROUTE (4.3+) and to the routing procedures of older clients: the wire's
 *  routing table (`@bolt/parser`'s `RoutingTable`), narrowed to what a handler returns. */
export interface RoutingTable extends Pick<WireRoutingTable, 'db'> {
  /** Seconds the client may cache the table. */
  ttl: number;
  servers: (Pick<RoutingServer, 'addresses'> & { role: RoutingRole })[];
}

/** What `route` receives. */
export interface RouteContext {
  readonly connection: ConnectionInfo;
  readonly user: unknown;
  /** The routing context (URI query parameters plus `address`). */
  readonly routing: Readonly<Record<string, unknown>>;
  readonly bookmarks: readonly string[];
  /** Database asked for; undefined means the user's home database. */
  readonly database: string | undefined;
  readonly impersonatedUser: string | undefined;
  readonly signal: AbortSignal;
}

/** The user's server logic. Only `run` is required. Every hook may be async. */
export interface Handler {
  /**
   * Check credentials. Return the user identity (any value but `undefined`, `null` or `false`)
   * to accept; return `undefined`/`null`/`false` or throw to reject. A rejection is answered
   * `Neo.ClientError.Security.Unauthorized` (or the code of a thrown BoltError) and the
   * connection is closed, as Neo4j does. Default: accept every token; the user is
   * `{ username: principal ?? '' }`.
   */
  authenticate?(token: AuthToken, connection: ConnectionInfo): unknown;
  /** Run one query: return a {@link RunResult}, or the rows as objects (the keys of the first
   *  row name the columns), or a promise of either. Throw (e.g. a BoltError) to answer FAILURE. */
  run(
    query: string,
    parameters: Record<string, unknown>,
    context: QueryContext,
  ): RunReturn | Promise<RunReturn>;
  /** Open an explicit transaction (BEGIN). Default: nothing. */
  begin?(context: QueryContext): void | Promise<void>;
  /** Commit it. Return a bookmark string (or `{bookmark}`) to send to the client. */
  commit?(
    context: QueryContext,
  ):
    | string
    | { bookmark?: string }
    | undefined
    | Promise<string | { bookmark?: string } | undefined>;
  /**
   * Roll it back; also called, exactly once, when a transaction is abandoned: RESET, GOODBYE,
   * disconnect, shutdown, a protocol violation, or (Bolt 1–2) the ACK_FAILURE after a failure in
   * it. If its `begin` was still running then, rollback waits for it (and is skipped if begin
   * failed). Never called while a COMMIT of the same transaction is under way.
   */
  rollback?(context: QueryContext): void | Promise<void>;
  /** Answer ROUTE. Default: this server alone in every role, ttl 300. */
  route?(context: RouteContext): RoutingTable | Promise<RoutingTable>;
  /** TELEMETRY (5.4+) api value: 0 managed tx, 1 explicit tx, 2 auto-commit, 3 executeQuery.
   *  Not awaited (it may be async): the SUCCESS goes out at once; a throw or rejection is
   *  logged (warn). */
  telemetry?(api: number, connection: ConnectionInfo): void;
}

/**
 * The short form of a handler: return the rows as objects (the field names are the keys of
 * the first row), an array of such rows, a {@link RunResult}, or a promise of either.
 *
 * ```ts
 * createServer({ handler: (query, parameters) => [{ query, parameters }] });
 * ```
 */
export type QueryFunction = (
  query: string,
  parameters: Record<string, unknown>,
  context: QueryContext,
) =>
  | readonly Record<string, unknown>[]
  | RunResult
  | Promise<readonly Record<string, unknown>[] | RunResult>;

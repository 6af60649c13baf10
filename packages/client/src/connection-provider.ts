import type { AuthToken } from './auth.js';
import type { BoltError } from './bolt-error.js';
import type { Connection } from './connection.js';
import type { ServerInfo } from './result-summary.js';

/** What a session asks for when it needs a connection. */
export interface AcquireRequest {
  /** Read or write work (routing providers pick a reader or a writer). */
  accessMode: 'READ' | 'WRITE';
  /** Target database; undefined = the home database. */
  database?: string;
  impersonatedUser?: string;
  /** Bookmarks the work depends on (routing providers send them with ROUTE). */
  bookmarks: string[];
  /** Per-session credentials; undefined = the driver's. */
  auth?: AuthToken;
  signal?: AbortSignal;
  /** Told the name of the database the connection serves when `database` was undefined and
   *  the routing table named the home database (a session then keeps using that database). */
  onDatabaseResolved?(database: string): void;
}

/**
 * Where sessions get connections. The direct provider serves one address from one pool; the
 * routing provider (`neo4j://`) keeps routing tables per database and a pool per cluster
 * member behind the same interface, so sessions do not change.
 */
export interface ConnectionProvider {
  /** A connection, authenticated as asked, for exclusive use until `release()`. */
  acquire(request: AcquireRequest): Promise<Connection>;
  /** Optional: what `acquire()` would give, at once, when it needs no waiting (an idle
   *  connection ready as it is); undefined otherwise, with nothing changed. Lets a session send
   *  its next query without a detour through the promise queue. */
  acquireIdle?(request: AcquireRequest): Connection | undefined;
  /** Give a connection back (it is reset or discarded as needed). */
  release(connection: Connection): void;
  /** A failure happened on `connection` (routing providers forget servers on some errors). */
  onError?(connection: Connection | undefined, error: unknown): void;
  /** A FAILURE the server sent on `connection`, before its reader sees it; a promise returned
   *  holds the connection's answers back until it settles. */
  onServerFailure?(connection: Connection, error: BoltError): Promise<void> | undefined;
  /** Close every connection. */
  close(): Promise<void>;
}

/** @internal What the driver needs from its provider beyond what sessions use. */
export interface DriverConnectionProvider extends ConnectionProvider {
  /** Whether credentials come from a provider (an expired token can be refreshed and retried). */
  readonly refreshableAuth: boolean;
  /** Reach a server that can serve reads of `database` and report it. */
  serverInfo(options: ServerInfoRequest): Promise<ServerInfo>;
  /** Pool sizes of one server, or summed over all. */
  poolMetrics(address?: string): { active: number; idle: number; size: number };
}

/** What `serverInfo` checks: a reader of `database`, reached with `auth` (default: the
 *  driver's credentials; a switch to `auth` is awaited, not pipelined). */
export interface ServerInfoRequest {
  database?: string;
  signal?: AbortSignal;
  auth?: AuthToken;
  /** The server judges the credentials again even on a reused connection holding them. */
  forceAuth?: boolean;
}

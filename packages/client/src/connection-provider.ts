import type { AuthToken } from './auth.js';
import type { Connection } from './connection.js';

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
}

/**
 * Where sessions get connections. The direct provider serves one address from one pool; a
 * routing provider (`neo4j://`, a later addition) keeps routing tables per database and a pool
 * per cluster member behind the same interface, so sessions do not change.
 */
export interface ConnectionProvider {
  /** A connection, authenticated as asked, for exclusive use until `release()`. */
  acquire(request: AcquireRequest): Promise<Connection>;
  /** Give a connection back (it is reset or discarded as needed). */
  release(connection: Connection): void;
  /** A failure happened on `connection` (routing providers forget servers on some errors). */
  onError?(connection: Connection | undefined, error: unknown): void;
  /** Close every connection. */
  close(): Promise<void>;
}

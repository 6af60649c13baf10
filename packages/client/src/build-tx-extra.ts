import { formatVersion } from '@bolt/parser';
import { usageError } from './bolt-error.js';
import type { Connection } from './connection.js';
import { hasFilter, type NotificationFilter, notificationExtra } from './notification-filter.js';

/** Transaction options (auto-commit `run`, `beginTransaction`, managed transactions). */
export interface TransactionConfig {
  /** Server-side timeout in ms (`tx_timeout`). Default: the server's setting. */
  timeout?: number;
  /** Attached to the transaction (`tx_metadata`), shown in `SHOW TRANSACTIONS`. Default none. */
  metadata?: Record<string, unknown>;
  /** Aborts waiting for a connection (and, for managed transactions, further retries). */
  signal?: AbortSignal;
}

/** Everything that goes in the `extra` map of BEGIN or an auto-commit RUN. */
export interface TxExtraInput extends TransactionConfig {
  /** `bookmarks` (sent only when non-empty). */
  bookmarks: string[];
  /** `mode: "r"` for READ; WRITE is the server default and is not sent. */
  accessMode: 'READ' | 'WRITE';
  /** `db` (4.0+); not sent when undefined or empty. */
  database?: string;
  /** `imp_user` (4.4+); not sent when undefined. */
  impersonatedUser?: string;
  /** `notifications_*` keys (5.2+); not sent when undefined. */
  notificationFilter?: NotificationFilter;
}

/** The BEGIN / auto-commit RUN `extra` for the connection's version. Throws a usage BoltError
 *  for an option the version cannot carry (database before 4.0, impersonation before 4.4,
 *  notification filters before 5.2, timeout/metadata before 3). */
export function buildTxExtra(conn: Connection, input: TxExtraInput): Record<string, unknown> {
  const f = conn.features;
  const v = formatVersion(conn.version);
  const extra: Record<string, unknown> = {};
  if (input.bookmarks.length > 0) extra.bookmarks = input.bookmarks;
  if (input.timeout !== undefined && input.timeout !== null) {
    if (!f.explicitTx)
      throw usageError(`transaction timeouts need Bolt 3+; the server speaks ${v}`);
    if (!(input.timeout >= 0))
      throw usageError(`transaction timeout must be >= 0 ms; got ${input.timeout}`);
    extra.tx_timeout = Math.ceil(input.timeout);
  }
  if (input.metadata && Object.keys(input.metadata).length > 0) {
    if (!f.explicitTx)
      throw usageError(`transaction metadata needs Bolt 3+; the server speaks ${v}`);
    extra.tx_metadata = input.metadata;
  }
  if (input.accessMode === 'READ') extra.mode = 'r';
  if (input.database) {
    if (!f.db) throw usageError(`selecting a database needs Bolt 4.0+; the server speaks ${v}`);
    extra.db = input.database;
  }
  if (input.impersonatedUser) {
    if (!f.impUser) throw usageError(`impersonation needs Bolt 4.4+; the server speaks ${v}`);
    extra.imp_user = input.impersonatedUser;
  }
  if (hasFilter(input.notificationFilter)) {
    if (!f.notifFilter)
      throw usageError(`notification filters need Bolt 5.2+; the server speaks ${v}`);
    Object.assign(extra, notificationExtra(input.notificationFilter!, f));
  }
  return extra;
}

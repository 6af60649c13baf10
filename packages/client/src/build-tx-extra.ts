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

/** The `extra` of a transaction with no option: nothing to send. */
const NO_EXTRA: Record<string, unknown> = Object.freeze({});

/** The BEGIN / auto-commit RUN `extra` for the connection's version (not to be changed: the
 *  empty one is shared). Throws a usage BoltError for an option the version cannot carry
 *  (database before 4.0, impersonation before 4.4, notification filters before 5.2,
 *  timeout/metadata before 3). */
export function buildTxExtra(conn: Connection, input: TxExtraInput): Record<string, unknown> {
  const f = conn.features;
  // made for the first key: most queries send none
  let extra: Record<string, unknown> | undefined;
  if (input.bookmarks.length > 0) (extra ??= {}).bookmarks = input.bookmarks;
  if (input.timeout !== undefined && input.timeout !== null) {
    if (!f.explicitTx) throw tooOld(conn, 'transaction timeouts need Bolt 3+');
    if (!(input.timeout >= 0))
      throw usageError(`transaction timeout must be >= 0 ms; got ${input.timeout}`);
    (extra ??= {}).tx_timeout = Math.ceil(input.timeout);
  }
  if (input.metadata && Object.keys(input.metadata).length > 0) {
    if (!f.explicitTx) throw tooOld(conn, 'transaction metadata needs Bolt 3+');
    (extra ??= {}).tx_metadata = input.metadata;
  }
  if (input.accessMode === 'READ') (extra ??= {}).mode = 'r';
  if (input.database) {
    if (!f.db) throw tooOld(conn, 'selecting a database needs Bolt 4.0+');
    (extra ??= {}).db = input.database;
  }
  if (input.impersonatedUser) {
    if (!f.impUser) throw tooOld(conn, 'impersonation needs Bolt 4.4+');
    (extra ??= {}).imp_user = input.impersonatedUser;
  }
  if (hasFilter(input.notificationFilter)) {
    if (!f.notifFilter) throw tooOld(conn, 'notification filters need Bolt 5.2+');
    extra = Object.assign(extra ?? {}, notificationExtra(input.notificationFilter!, f));
  }
  return extra ?? NO_EXTRA;
}

/** `needs` (e.g. `impersonation needs Bolt 4.4+`) and the version the server speaks: a usage
 *  error. (The version's text is made only for the error.) */
function tooOld(conn: Connection, needs: string) {
  return usageError(`${needs}; the server speaks ${formatVersion(conn.version)}`);
}

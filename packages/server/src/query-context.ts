import type { ConnectionInfo, QueryContext, TransactionOptions } from './handler.js';

const NO_BOOKMARKS: readonly string[] = Object.freeze([]);

/** The options of a BEGIN or auto-commit RUN `extra` map, read with their wire key names. */
export function readTransactionOptions(
  extra: Record<string, unknown> | undefined,
): TransactionOptions {
  if (extra === undefined) return DEFAULT_TX_OPTIONS;
  let empty = true;
  for (const _ in extra) {
    empty = false;
    break;
  }
  if (empty) return DEFAULT_TX_OPTIONS;
  const db = extra.db;
  const timeout = extra.tx_timeout;
  const meta = extra.tx_metadata;
  const imp = extra.imp_user;
  const severity = extra.notifications_minimum_severity;
  const disabled =
    extra.notifications_disabled_classifications ?? extra.notifications_disabled_categories;
  return {
    database: typeof db === 'string' && db !== '' ? db : undefined,
    mode: extra.mode === 'r' ? 'r' : 'w',
    bookmarks: Array.isArray(extra.bookmarks)
      ? (extra.bookmarks.filter((b) => typeof b === 'string') as string[])
      : NO_BOOKMARKS,
    txMetadata:
      meta !== null && typeof meta === 'object' && !Array.isArray(meta)
        ? (meta as Record<string, unknown>)
        : undefined,
    txTimeout:
      typeof timeout === 'number' || typeof timeout === 'bigint' ? Number(timeout) : undefined,
    impersonatedUser: typeof imp === 'string' && imp !== '' ? imp : undefined,
    notificationsMinimumSeverity: typeof severity === 'string' ? severity : undefined,
    notificationsDisabledClassifications: Array.isArray(disabled)
      ? (disabled.filter((c) => typeof c === 'string') as string[])
      : undefined,
  };
}

const DEFAULT_TX_OPTIONS: TransactionOptions = Object.freeze({
  database: undefined,
  mode: 'w',
  bookmarks: NO_BOOKMARKS,
  txMetadata: undefined,
  txTimeout: undefined,
  impersonatedUser: undefined,
  notificationsMinimumSeverity: undefined,
  notificationsDisabledClassifications: undefined,
});

/**
 * The context of one unit of work (an auto-commit query or an explicit transaction). The
 * AbortController behind `signal` is created only when someone asks for the signal or the work
 * is aborted, so queries that never look at it pay nothing.
 */
export class WorkContext implements QueryContext {
  readonly database: string | undefined;
  readonly mode: 'r' | 'w';
  readonly bookmarks: readonly string[];
  readonly txMetadata: Readonly<Record<string, unknown>> | undefined;
  readonly txTimeout: number | undefined;
  readonly impersonatedUser: string | undefined;
  readonly notificationsMinimumSeverity: string | undefined;
  readonly notificationsDisabledClassifications: readonly string[] | undefined;
  private controller: AbortController | undefined;

  constructor(
    readonly connection: ConnectionInfo,
    readonly user: unknown,
    options: TransactionOptions,
    readonly inTransaction: boolean,
  ) {
    this.database = options.database;
    this.mode = options.mode;
    this.bookmarks = options.bookmarks;
    this.txMetadata = options.txMetadata;
    this.txTimeout = options.txTimeout;
    this.impersonatedUser = options.impersonatedUser;
    this.notificationsMinimumSeverity = options.notificationsMinimumSeverity;
    this.notificationsDisabledClassifications = options.notificationsDisabledClassifications;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Fire the signal (once); `reason` becomes `signal.reason`. */
  abort(reason: unknown): void {
    this.controller ??= new AbortController();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  get aborted(): boolean {
    return this.controller?.signal.aborted === true;
  }
}

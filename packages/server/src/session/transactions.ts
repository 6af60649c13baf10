import type { RequestType } from '@bolt/parser';
import { readTransactionOptions, WorkContext } from '../query-context.js';
import type { ResultCursor } from '../result-cursor.js';
import type { BoltSession } from './bolt-session.js';
import type { HookCall } from './interrupts.js';
import { LegacyTransactions } from './legacy-transactions.js';

/** What varies between calls of `begin`, and of `commit`/`rollback`. */
type BeginCall = {
  transactions: Transactions;
  context: WorkContext;
  legacy: boolean;
  answer: () => void;
};
type FinishCall = {
  transactions: Transactions;
  hook: 'commit' | 'rollback';
  tx: Transaction;
  answer: (bookmark: string | undefined) => void;
};

/** An explicit transaction: its context and its open results by qid. */
export class Transaction {
  /** Open results by qid (4.0+: several per transaction). */
  readonly results = new Map<number, ResultCursor>();
  /** The qid the next result gets. */
  nextQid = 0;
  /** The qid of the last result opened (what `qid: -1` means), -1 before the first. */
  lastQid = -1;

  constructor(
    readonly context: WorkContext,
    /** Bolt 1–2: opened with `RUN "BEGIN"`. */
    readonly legacy: boolean,
    /** A `begin` hook still running when a RESET or disconnect abandoned the transaction: the
     *  rollback waits for it, and is skipped if it fails (nothing was opened). */
    readonly opening?: PromiseLike<unknown>,
  ) {}

  /** Register a result opened in this transaction under the next qid. */
  add(cursor: ResultCursor): void {
    this.results.set(this.nextQid, cursor);
    this.lastQid = this.nextQid++;
  }

  /** Stop the iterators of the results still open. */
  closeResults(): void {
    for (const cursor of this.results.values()) void cursor.close();
    this.results.clear();
  }
}

/**
 * Explicit transactions: BEGIN, COMMIT, ROLLBACK (3+) through the handler's hooks, and the
 * rollback of transactions nobody will finish (RESET, disconnect, shutdown). Bolt 1–2's
 * `RUN "BEGIN"` comes through the small adapter in {@link LegacyTransactions}.
 */
export class Transactions {
  /** The transaction opened by BEGIN. */
  current: Transaction | undefined;
  readonly legacy: LegacyTransactions;

  constructor(private readonly session: BoltSession) {
    this.legacy = new LegacyTransactions(session, this);
  }

  begin(extra: Record<string, unknown>): void | Promise<void> {
    const s = this.session;
    const context = new WorkContext(s.info, s.auth.user, readTransactionOptions(extra), true);
    const meta: Record<string, unknown> = {};
    if (s.features!.homeDbInSuccess && context.database === undefined)
      meta.db = s.results.defaultDatabase();
    return this.open('BEGIN', context, false, () => s.succeed('BEGIN', meta));
  }

  // COMMIT and ROLLBACK take the transaction away before their hook runs: whatever happens next
  // (success, failure, RESET, disconnect), the hook under way decides its fate, and nothing
  // rolls it back a second time (or while it commits).
  commit(): void | Promise<void> {
    const tx = this.current!;
    this.current = undefined;
    return this.finish('COMMIT', 'commit', tx, (bookmark) =>
      this.session.succeed('COMMIT', bookmark === undefined ? {} : { bookmark }),
    );
  }

  rollback(): void | Promise<void> {
    const tx = this.current!;
    this.current = undefined;
    tx.closeResults();
    return this.finish('ROLLBACK', 'rollback', tx, () => this.session.succeed('ROLLBACK', {}));
  }

  /**
   * Call the `begin` hook, then hold the transaction; `answer` sends the SUCCESS. A transaction
   * still being opened when a RESET (or a disconnect) came is held anyway, for that RESET (or
   * the end of the connection) to roll back once `begin` has finished.
   */
  open(
    request: RequestType,
    context: WorkContext,
    legacy: boolean,
    answer: () => void,
  ): void | Promise<void> {
    const call = { transactions: this, context, legacy, answer };
    return this.session.interrupts.hook(request, Transactions.beginHook, call, context);
  }

  private static readonly beginHook: HookCall<unknown, BeginCall> = {
    call: ({ transactions, context }) => transactions.session.handler.begin?.(context),
    ok: (_, { transactions, context, legacy, answer }) => {
      transactions.hold(new Transaction(context, legacy));
      answer();
    },
    abandoned: (opening, { transactions, context, legacy }) =>
      transactions.hold(new Transaction(context, legacy, opening)),
  };

  /** Call the `commit` or `rollback` hook of `tx`; `answer` gets the bookmark a commit returned. */
  finish(
    request: RequestType,
    hook: 'commit' | 'rollback',
    tx: Transaction,
    answer: (bookmark: string | undefined) => void,
  ): void | Promise<void> {
    const call = { transactions: this, hook, tx, answer };
    return this.session.interrupts.hook(request, Transactions.finishHook, call, tx.context);
  }

  private static readonly finishHook: HookCall<unknown, FinishCall> = {
    call: ({ transactions, hook, tx }) => transactions.session.handler[hook]?.(tx.context),
    ok: (r, { hook, answer }) =>
      answer(
        hook === 'rollback'
          ? undefined
          : typeof r === 'string'
            ? r
            : (r as { bookmark?: string } | undefined)?.bookmark,
      ),
  };

  /** Abort the work of the open transaction (RESET, end of the connection). */
  abortWork(reason: unknown): void {
    this.current?.context.abort(reason);
  }

  /** RESET or the end of the connection: roll back the open transaction, if any. */
  abandon(why: string): Promise<void> | undefined {
    const tx = this.current ?? this.legacy.open;
    this.current = undefined;
    this.legacy.open = undefined;
    if (tx === undefined) return undefined;
    tx.closeResults();
    return this.rollbackAbandoned(tx, why);
  }

  /** Roll back a transaction nobody will finish; errors are logged, never sent. */
  async rollbackAbandoned(tx: Transaction, why: string): Promise<void> {
    if (tx.opening !== undefined) {
      try {
        await tx.opening;
      } catch {
        return; // begin failed: there is nothing to roll back
      }
    }
    try {
      await this.session.handler.rollback?.(tx.context);
    } catch (e) {
      this.session.log('warn', `rollback after ${why} failed`, e);
    }
  }

  /** Keep `tx` as the open transaction, unless the connection has ended meanwhile. */
  private hold(tx: Transaction): void {
    if (this.session.ended) void this.rollbackAbandoned(tx, 'the connection closed');
    else if (tx.legacy) this.legacy.open = tx;
    else this.current = tx;
  }
}

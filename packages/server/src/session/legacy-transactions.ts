import { BoltError } from '../bolt-error.js';
import type { ResultSummary } from '../handler.js';
import { readTransactionOptions, WorkContext } from '../query-context.js';
import type { BoltSession } from './bolt-session.js';
import type { Transaction, Transactions } from './transactions.js';

type Command = 'BEGIN' | 'COMMIT' | 'ROLLBACK';

/**
 * Bolt 1–2 have no BEGIN/COMMIT/ROLLBACK messages: drivers send `RUN "BEGIN"` (bookmarks in
 * its parameters), `RUN "COMMIT"` and `RUN "ROLLBACK"`, each followed by a PULL_ALL. This adapter
 * maps them onto the same hooks as the messages, answering each with an empty result. Queries
 * inside such a transaction run as plain RUNs with its context.
 */
export class LegacyTransactions {
  /** The transaction opened by `RUN "BEGIN"`. */
  open: Transaction | undefined;

  constructor(
    private readonly session: BoltSession,
    private readonly transactions: Transactions,
  ) {}

  /** The transaction command a Bolt 1–2 RUN stands for, if any. */
  static command(query: string): Command | undefined {
    const command = query.trim().toUpperCase();
    return command === 'BEGIN' || command === 'COMMIT' || command === 'ROLLBACK'
      ? command
      : undefined;
  }

  run(command: Command, parameters: Record<string, unknown>): void | Promise<void> {
    const s = this.session;
    const tx = this.open;
    const empty = (summary: ResultSummary = {}): void =>
      s.results.opened({ fields: [], summary }, tx?.context ?? s.results.blankContext());
    if (command === 'BEGIN') {
      if (tx !== undefined) {
        s.fail(
          'RUN',
          new BoltError('Nested transactions are not supported.', {
            code: 'Neo.ClientError.Statement.SemanticError',
          }),
        );
        return;
      }
      const options = readTransactionOptions({ bookmarks: parameters.bookmarks });
      const context = new WorkContext(s.info, s.auth.user, options, true);
      return this.transactions.open('RUN', context, true, () => empty());
    }
    if (tx === undefined) {
      s.fail(
        'RUN',
        new BoltError(`${command} without an open transaction.`, {
          code: 'Neo.ClientError.Transaction.TransactionNotFound',
        }),
      );
      return;
    }
    this.open = undefined;
    const hook = command === 'COMMIT' ? 'commit' : 'rollback';
    return this.transactions.finish('RUN', hook, tx, (bookmark) =>
      empty(bookmark === undefined ? {} : { bookmark }),
    );
  }

  /**
   * ACK_FAILURE leaves FAILED. A transaction open when the failure happened is dead: it is
   * rolled back here, so a later `RUN "COMMIT"` finds no transaction.
   */
  ackFailure(): void | Promise<void> {
    const s = this.session;
    const tx = this.open;
    this.open = undefined;
    const done = (): void => s.succeed('ACK_FAILURE', {});
    if (tx === undefined) return done();
    tx.closeResults();
    return this.transactions
      .rollbackAbandoned(tx, 'a failure')
      .then(() => (s.isInterrupted() ? s.sendIgnored() : done()));
  }
}

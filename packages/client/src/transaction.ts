import type { SuccessMetadata } from '@bolt/parser';
import { afterTick } from './after-tick.js';
import { BoltError, usageError } from './bolt-error.js';
import type { Connection, ResponseObserver } from './connection.js';
import type { RecordShape } from './record.js';
import { Result } from './result.js';
import type { ResultEnd, ResultOwner } from './result-types.js';

/** @internal What a transaction needs from its session. */
export interface TransactionContext {
  conn: Connection;
  fetchSize: number;
  /** Awaited results use one `PULL {n: -1}` (no fetch size was configured). */
  eagerAll: boolean;
  /** Called once when the transaction is over (committed, rolled back, failed). */
  onClose(outcome: TransactionOutcome): void;
}

/** @internal How a transaction ended. */
export interface TransactionOutcome {
  bookmark?: string;
  error?: BoltError;
  metadata?: SuccessMetadata;
}

type TxState = 'open' | 'committing' | 'rolling-back' | 'committed' | 'rolled-back' | 'failed';

/**
 * An explicit transaction: `run()` as many queries as needed (their results can be open at the
 * same time on Bolt 4.0+), then `commit()` (resolves with the bookmark) or `rollback()`.
 * `close()` rolls back if still open.
 */
export class Transaction {
  private state: TxState = 'open';
  private readonly results: Result<any>[] = [];
  private failure: BoltError | undefined;
  /** BEGIN's FAILURE: the queries pipelined behind it never ran, and report it (their own RUN
   *  may have come back IGNORED, or lost when the server closed the connection after it). */
  private beginFailure: BoltError | undefined;
  private readonly began: Promise<void>;
  /** What the transaction's results report to (one for all of them). */
  private readonly owner: ResultOwner;

  /** @internal */
  constructor(
    private readonly ctx: TransactionContext,
    beginExtra: Record<string, unknown>,
  ) {
    this.owner = new TransactionResults(this);
    let began!: () => void;
    this.began = new Promise<void>((resolve) => {
      began = resolve;
    });
    // Outside the promise executor: a BEGIN that cannot be sent (unencodable metadata, closed
    // connection) throws here, so beginTransaction() rejects instead of handing out a
    // transaction whose queries would run outside any transaction.
    ctx.conn.begin(beginExtra, new BeginAnswer(this, began));
  }

  /** @internal BEGIN failed: the queries behind it report this failure. */
  _beginFailed(error: BoltError): void {
    this.failure ??= error;
    this.beginFailure = error;
  }

  /** @internal Wait for BEGIN's answer; on a failure the transaction is over (its connection
   *  released) and that failure is thrown. */
  async _begun(): Promise<void> {
    await this.began;
    const failure = this.beginFailure;
    if (!failure) return;
    if (this.state === 'open') this.finish('failed', { error: failure });
    throw failure;
  }

  /** Whether the transaction can still run queries: false once committed, rolled back, or
   *  failed (a query in it failed, so the server rolled it back). */
  isOpen(): boolean {
    return this.state === 'open' && this.failure === undefined;
  }

  /** Run a query in the transaction. The RUN is pipelined with BEGIN and other queries. Throws
   *  BEGIN's failure when it is already known (the transaction never started); any later
   *  failure is reported by the result. */
  run<T extends RecordShape = RecordShape>(
    query: string,
    parameters: Record<string, unknown> = {},
  ): Result<T> {
    if (this.beginFailure) throw this.beginFailure;
    const result = new Result<T>(
      { text: query, parameters },
      this.ctx.fetchSize,
      this.ctx.eagerAll,
      this.owner,
    );
    if (this.state !== 'open') {
      // a failed transaction answers every further query with its failure
      result._fail(
        this.state === 'failed' && this.failure ? this.failure : this.closedError('run a query'),
      );
      return result;
    }
    this.results.push(result);
    result._errorFor = (e) => this.beginFailure ?? e;
    afterTick(() => result._run(this.ctx.conn, { type: 'RUN', query, parameters, extra: {} }));
    return result;
  }

  /** Commit; resolves with the bookmark of the transaction (if the server sent one). Open
   *  results are read to the end first (their records stay readable). */
  async commit(): Promise<string | undefined> {
    // a failed transaction cannot commit: its failure says why
    if (this.state === 'failed' && this.failure) throw this.failure;
    if (this.state !== 'open') throw this.closedError('commit');
    this.state = 'committing';
    await this.began;
    await Promise.all(this.results.map((r) => r._finish()));
    if (this.failure) {
      const err = this.failure;
      this.finish('failed', { error: err });
      throw err;
    }
    let md: SuccessMetadata;
    try {
      md = await request(this.ctx.conn, 'COMMIT');
    } catch (e) {
      const err = incompleteCommit(e as BoltError);
      this.finish('failed', { error: err });
      throw err;
    }
    const bookmark = typeof md.bookmark === 'string' ? md.bookmark : undefined;
    this.finish('committed', { bookmark, metadata: md });
    return bookmark;
  }

  /** Roll back. Open results are discarded first (reading their records fails from then on). A
   *  transaction that failed is already rolled back (by the server, or with its connection):
   *  nothing to do. */
  async rollback(): Promise<void> {
    if (this.state === 'failed') return;
    if (this.state !== 'open') throw this.closedError('roll back');
    this.state = 'rolling-back';
    await this.began;
    await Promise.all(this.results.map((r) => r._drop('transaction ended')));
    if (this.failure) {
      // the server already rolled it back; the pool RESETs the connection
      this.finish('rolled-back', { error: this.failure });
      return;
    }
    try {
      await request(this.ctx.conn, 'ROLLBACK');
    } catch (e) {
      this.finish('failed', { error: e as BoltError });
      throw e;
    }
    this.finish('rolled-back', {});
  }

  /** Roll back if still open; otherwise nothing. */
  async close(): Promise<void> {
    if (this.state === 'open') await this.rollback();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * @internal A result of the transaction ended. When a query failed (FAILURE, or the connection
   * is gone), the server has ended the transaction and nothing more can run in it: its other open
   * results fail with the same error without another request (records they already hold stay
   * readable), and the connection goes back to the pool (which RESETs it), so the session can
   * begin a new transaction at once.
   */
  _onResultEnd(end: ResultEnd): void {
    const error = end.error;
    if (!error || error.kind === 'usage') return;
    this.failure ??= error;
    if (this.state !== 'open') return;
    this.state = 'failed';
    for (const r of this.results) if (!r._ended) r._fail(this.failure);
    this.ctx.onClose({ error: this.failure });
  }

  /** The error for an operation on a transaction that is not open any more. */
  private closedError(what: string): BoltError {
    if (this.state === 'failed' && this.failure)
      return new BoltError(`cannot ${what}: the transaction failed (${this.failure.message})`, {
        kind: 'usage',
        code: 'Neo.ClientError.Request.Invalid',
        classification: 'CLIENT_ERROR',
        retryable: false,
        cause: this.failure,
      });
    return usageError(`cannot ${what}: the transaction is ${this.state.replace('-', ' ')}`);
  }

  private finish(state: TxState, outcome: TransactionOutcome): void {
    this.state = state;
    this.ctx.onClose(outcome);
  }
}

/**
 * The transaction handed to `executeRead` / `executeWrite` work functions: it can only run
 * queries; the driver commits, rolls back and retries.
 */
export class ManagedTransaction {
  /** @internal */
  constructor(private readonly tx: Transaction) {}

  run<T extends RecordShape = RecordShape>(
    query: string,
    parameters: Record<string, unknown> = {},
  ): Result<T> {
    return this.tx.run<T>(query, parameters);
  }
}

function request(conn: Connection, type: 'COMMIT' | 'ROLLBACK'): Promise<SuccessMetadata> {
  return new Promise((resolve, reject) => {
    const observer = { onSuccess: resolve, onFailure: reject };
    try {
      if (type === 'COMMIT') conn.commit(observer);
      else conn.rollback(observer);
    } catch (e) {
      reject(BoltError.isInstance(e) ? e : usageError(String(e)));
    }
  });
}

/**
 * The connection was lost after COMMIT was sent: the server may have committed or not, so the
 * error must not be retried (a retry could run the work twice). Other errors pass unchanged.
 */
function incompleteCommit(e: BoltError): BoltError {
  if (!BoltError.isInstance(e) || e.kind !== 'connection-lost') return e;
  return new BoltError(
    `the connection was lost during COMMIT: the transaction may or may not have been committed (${e.message})`,
    { kind: e.kind, code: e.code, classification: e.classification, retryable: false, cause: e },
  );
}

// What a transaction hands its results and its BEGIN: small objects with methods, not closures
// made per transaction (the bundle keeps function names: every function made where JavaScript
// infers a name, such as `{ onSuccess: () => ... }`, would be renamed with a property
// definition each time, which costs more than the rest of making it).

/** What the results of a transaction report to. */
class TransactionResults implements ResultOwner {
  constructor(private readonly tx: Transaction) {}
  onResultEnd(end: ResultEnd): void {
    this.tx._onResultEnd(end);
  }
}

/** Where BEGIN's answer goes. */
class BeginAnswer implements ResponseObserver {
  constructor(
    private readonly tx: Transaction,
    private readonly began: () => void,
  ) {}
  onSuccess(): void {
    this.began();
  }
  onFailure(error: BoltError): void {
    this.tx._beginFailed(error);
    this.began();
  }
}

import { formatMessage, LOG_FORMAT, type RequestType } from '@bolt/parser';
import { BoltError } from '../bolt-error.js';
import type { RecordValues, ResultSummary, RunReturn } from '../handler.js';
import { readTransactionOptions, WorkContext } from '../query-context.js';
import { ResultCursor } from '../result-cursor.js';
import type { BoltSession } from './bolt-session.js';
import { type HookCall, isThenable } from './interrupts.js';
import { LegacyTransactions } from './legacy-transactions.js';
import { REQUEST_INVALID } from './request-queue.js';
import { summaryMetadata } from './summary.js';

/** Outcome of streaming records for one PULL/DISCARD: exhausted, or more remain. */
type PullOutcome = 'done' | 'more';
/** What a synchronous run of a stream stopped on: a record still to come, or the transport's
 *  back-pressure. */
type Pause = { next: PromiseLike<IteratorResult<RecordValues>> } | { drain: Promise<void> };
type PullRequestType = 'PULL' | 'DISCARD' | 'PULL_ALL' | 'DISCARD_ALL';
/** What varies between calls of the same hook. */
type RunCall = {
  results: Results;
  query: string;
  parameters: Record<string, unknown>;
  context: WorkContext;
};
type ResultCall = { results: Results; request: PullRequestType; cursor: ResultCursor };
type PullCall = ResultCall & { n: number; discard: boolean };

/**
 * Results: RUN opens one from the handler's `run`, PULL and DISCARD stream or skip its records
 * (as many as asked, at the pace the transport takes them), and the last one ends it with the
 * summary. An auto-commit result is held here; results inside a transaction by qid in it.
 */
export class Results {
  /** The open auto-commit result. */
  private auto: ResultCursor | undefined;

  constructor(private readonly session: BoltSession) {}

  run(
    query: string,
    parameters: Record<string, unknown>,
    extra: Record<string, unknown>,
  ): void | Promise<void> {
    const s = this.session;
    const tx = s.transactions.current;
    if (tx === undefined && !s.features!.explicitTx) {
      const command = LegacyTransactions.command(query);
      if (command !== undefined) return s.transactions.legacy.run(command, parameters);
    }
    const context =
      tx?.context ??
      s.transactions.legacy.open?.context ??
      new WorkContext(s.info, s.auth.user, readTransactionOptions(extra), false);
    const work = tx === undefined ? context : undefined;
    return s.interrupts.hook(
      'RUN',
      Results.runHook,
      { results: this, query, parameters, context },
      work,
    );
  }

  /** RUN: the handler's `run` (or the routing procedure of an old client). */
  private static readonly runHook: HookCall<RunReturn, RunCall> = {
    call: ({ results, query, parameters, context }) =>
      results.session.routing.procedure(query, parameters, context) ??
      results.session.handler.run(query, parameters, context),
    ok: (result, { results, context }, async) => results.opened(result, context, async),
    // The result may still come: nobody will read it, so stop its iterator then.
    abandoned: (late, { results }) =>
      void Promise.resolve(late).then(
        (result) => results.abandon(result),
        () => undefined,
      ),
  };

  /** SUCCESS for a RUN whose result is `result` (`async`: `run` answered with a promise). */
  opened(result: RunReturn, context: WorkContext, async = false): void {
    const s = this.session;
    const tx = s.transactions.current;
    let cursor: ResultCursor;
    try {
      cursor = new ResultCursor(result, context, tx ? tx.nextQid : -1, s.lastActivity);
    } catch (e) {
      s.fail('RUN', e);
      return;
    }
    const f = s.features!;
    const meta: Record<string, unknown> = { fields: cursor.fields };
    // Records are available once run() returned: 0 when it answered synchronously, else the
    // time since the request arrived.
    const first = async ? s.options.clock.now() - s.lastActivity : 0;
    if (f.explicitTx) meta.t_first = first;
    else meta.result_available_after = first;
    if (tx !== undefined) {
      tx.add(cursor);
      if (f.multipleResults) meta.qid = cursor.qid;
    } else {
      this.auto = cursor;
      if (f.homeDbInSuccess && context.database === undefined) meta.db = this.defaultDatabase();
    }
    s.succeed('RUN', meta);
  }

  /** PULL or DISCARD `n` records (-1: all) of the result `qid` (-1: the last opened). */
  pull(request: PullRequestType, n: number, qid: number): void | Promise<void> {
    const s = this.session;
    const cursor = this.cursorFor(qid);
    if (cursor === undefined) {
      s.fail(request, invalid(`There is no open result with qid ${qid}.`));
      return;
    }
    if (n === 0 || n < -1) {
      s.fail(request, invalid(`Expected n to be -1 or a positive integer, got ${n}.`));
      return;
    }
    const discard = request === 'DISCARD' || request === 'DISCARD_ALL';
    return s.interrupts.hook(request, Results.pullHook, {
      results: this,
      request,
      cursor,
      n,
      discard,
    });
  }

  /** PULL and DISCARD: stream (or skip) records, then the summary. */
  private static readonly pullHook: HookCall<PullOutcome, PullCall> = {
    call: ({ results, cursor, n, discard }) => {
      if (!discard || n !== -1) return results.stream(cursor, n, discard);
      const closing = cursor.close();
      return closing ? closing.then(() => 'done' as const) : 'done';
    },
    ok: (outcome, { results, request, cursor }) => results.completePull(request, cursor, outcome),
    failed: (e, { results, request, cursor }) => results.resultFailed(request, cursor, e),
  };

  /** The last PULL of a result: its summary (which the handler may compute asynchronously). */
  private completePull(
    request: PullRequestType,
    cursor: ResultCursor,
    outcome: PullOutcome,
  ): void | Promise<void> {
    const s = this.session;
    if (outcome === 'more' && s.features!.pullN) {
      s.succeed(request, { has_more: true }, { hasMore: true, openResults: this.openResults() });
      return;
    }
    cursor.markFinished();
    return s.interrupts.hook(request, Results.summaryHook, { results: this, request, cursor });
  }

  /** The end of a result: the handler's summary, sent with what the server adds. */
  private static readonly summaryHook: HookCall<ResultSummary, ResultCall> = {
    call: ({ cursor }) => cursor.summary(),
    ok: (summary, { results, request, cursor }) => {
      const s = results.session;
      results.forget(cursor);
      const meta = summaryMetadata(s.features!, summary ?? {}, {
        elapsed: s.options.clock.now() - cursor.startedAt,
        records: cursor.count,
        omitted: cursor.fields.length === 0,
        inTransaction: s.transactions.current !== undefined,
        database: cursor.context.database ?? results.defaultDatabase(),
      });
      s.succeed(request, meta, { hasMore: false, openResults: results.openResults() });
    },
    failed: (e, { results, request, cursor }) => results.resultFailed(request, cursor, e),
  };

  /**
   * Send (or skip) up to `n` records (-1: all). Synchronous while the records come
   * synchronously and the transport takes them; asynchronous from the first promise (an async
   * iterator, or transport back-pressure).
   */
  private stream(
    cursor: ResultCursor,
    n: number,
    discard: boolean,
  ): PullOutcome | Promise<PullOutcome> {
    const limit = n < 0 ? Number.POSITIVE_INFINITY : cursor.count + n;
    const outcome = this.pump(cursor, limit, discard);
    return typeof outcome === 'string'
      ? outcome
      : this.streamAsync(cursor, limit, discard, outcome);
  }

  /** Send (or skip) records until the cursor has given `limit`, the records end, or something
   *  must be awaited. The per-record hot loop. */
  private pump(cursor: ResultCursor, limit: number, discard: boolean): PullOutcome | Pause {
    const rows = cursor.rows;
    const it = cursor.iterator;
    while (cursor.count < limit) {
      let record: RecordValues;
      if (rows !== undefined) {
        if (cursor.index >= rows.length) return 'done';
        record = rows[cursor.index++];
      } else {
        const r = it.next();
        if (isThenable<IteratorResult<RecordValues>>(r)) return { next: r };
        if (r.done) return 'done';
        record = r.value;
      }
      const pause = this.emit(cursor, record, discard);
      if (pause !== undefined) return pause;
    }
    return 'more';
  }

  /** One record out (or skipped); a pause when the transport asks to wait, or 'more' when the
   *  connection has ended (a failed write): pull nothing more. */
  private emit(
    cursor: ResultCursor,
    record: RecordValues,
    discard: boolean,
  ): Pause | 'more' | undefined {
    const s = this.session;
    cursor.count++;
    if (!discard) {
      const values = cursor.values(record);
      if (s.debug)
        s.log(
          'debug',
          `S: ${formatMessage({ type: 'RECORD', fields: values as unknown[] }, LOG_FORMAT)}`,
        );
      s.codec!.encodeRecord(values, s.wire.writer);
    }
    if (s.wire.writer.length < s.options.flushThreshold) return undefined;
    const drain = s.wire.flush();
    if (drain !== undefined) return { drain };
    return s.ended ? 'more' : undefined;
  }

  private async streamAsync(
    cursor: ResultCursor,
    limit: number,
    discard: boolean,
    pause: Pause,
  ): Promise<PullOutcome> {
    const s = this.session;
    // A RESET (or the end of the connection) while this stream awaits makes everything it would
    // still produce stale: the RESET may even have been answered before the await resumes.
    const epoch = s.interrupts.epoch;
    for (;;) {
      if ('drain' in pause) {
        await pause.drain;
        if (this.stale(epoch)) return 'more';
      } else {
        const r = await pause.next;
        if (this.stale(epoch)) return 'more';
        if (r.done) return 'done';
        const next = this.emit(cursor, r.value, discard);
        if (next === 'more') return next;
        if (next !== undefined) {
          pause = next;
          continue;
        }
      }
      const outcome = this.pump(cursor, limit, discard);
      if (typeof outcome === 'string') return outcome;
      pause = outcome;
    }
  }

  /** Interrupted (or ended) since `epoch`. */
  private stale(epoch: number): boolean {
    const s = this.session;
    return s.interrupts.epoch !== epoch || s.isInterrupted() || s.ended;
  }

  private resultFailed(request: RequestType, cursor: ResultCursor, e: unknown): void {
    void cursor.close();
    this.forget(cursor);
    this.session.fail(request, e);
  }

  private cursorFor(qid: number): ResultCursor | undefined {
    const tx = this.session.transactions.current;
    if (tx === undefined) return this.auto;
    return tx.results.get(qid === -1 ? tx.lastQid : qid);
  }

  private forget(cursor: ResultCursor): void {
    const tx = this.session.transactions.current;
    if (tx) tx.results.delete(cursor.qid);
    else if (this.auto === cursor) this.auto = undefined;
  }

  private openResults(): number {
    return this.session.transactions.current?.results.size ?? 0;
  }

  /** A late result that nobody will read: stop its iterator. */
  private abandon(result: unknown): void {
    try {
      void new ResultCursor(result as never, this.blankContext(), -1).close();
    } catch {
      // not a valid result: nothing to stop
    }
  }

  /** Abort the work of the open auto-commit result (RESET, end of the connection). */
  abortWork(reason: unknown): void {
    this.auto?.context.abort(reason);
  }

  /** RESET or the end of the connection: stop the open auto-commit result. */
  closeAll(): void {
    const auto = this.auto;
    this.auto = undefined;
    if (auto) void auto.close();
  }

  /** A context outside any transaction, with default options. */
  blankContext(): WorkContext {
    const s = this.session;
    return new WorkContext(s.info, s.auth.user, readTransactionOptions(undefined), false);
  }

  /** The database a request without `db` goes to. */
  defaultDatabase(): string {
    return 'neo4j';
  }
}

function invalid(message: string): BoltError {
  return new BoltError(message, { code: REQUEST_INVALID });
}

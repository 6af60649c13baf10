import type { ScalarListReader } from '@bolt/packstream';
import type { Request } from '@bolt/parser';
import { afterTick } from './after-tick.js';
import { abortError, BoltError, usageError } from './bolt-error.js';
import type { Connection, ResponseObserver } from './connection.js';
import { indexOf, Record, RecordColumns, type RecordShape } from './record.js';
import { RecordBuffer } from './record-buffer.js';
import { HeldPullAnswer, PullAnswer, ResultIterator, RunAnswer } from './result-answers.js';
import {
  dropsRecords,
  isEnded,
  mayPull,
  type ReadMode,
  readsToEnd,
  type StreamEvent,
  type StreamState,
  toEnd,
  transition,
  WAITING,
} from './result-states.js';
import { ResultSummary, type ServerInfo } from './result-summary.js';
import type { QueryResult, ResultObserver, ResultOwner, WaitOptions } from './result-types.js';

type Metadata = { [key: string]: any };

/** The server of a result that never ran (its summary is not given out: it failed). */
const NO_SERVER: ServerInfo = Object.freeze({ address: '', agent: '', protocolVersion: '' });
const NO_VERSION = Object.freeze({ major: 0, minor: 0 });

const PULL_BATCH: StreamEvent = { type: 'pull', unbounded: false };
const PULL_UNBOUNDED: StreamEvent = { type: 'pull', unbounded: true };
const DISCARD: StreamEvent = { type: 'discard' };
const BREAK: StreamEvent = { type: 'break' };
const HAS_MORE: StreamEvent = { type: 'has_more' };
const END: StreamEvent = { type: 'end' };
const FAILURE: StreamEvent = { type: 'failure', interrupted: false };
const INTERRUPTED: StreamEvent = { type: 'failure', interrupted: true };

/** @internal Who dropped the records of a result that were not read. */
export type Dropped = 'consumed' | 'transaction ended' | 'session closed';

const DROPPED_BECAUSE: { [K in Dropped]: string } = {
  consumed: 'consume() dropped the records not read',
  'transaction ended':
    'its transaction was rolled back or closed before they were read, and the rest was discarded',
  'session closed': 'its session was closed before they were read, and the rest was discarded',
};

/**
 * The result of a query: an async iterable of records with back-pressure, and a then-able
 * that collects everything.
 *
 * - `for await (const r of result)` pulls `fetchSize` records at a time (PULL n), and asks for
 *   the next batch only when the consumer has read most of the current one, so memory stays
 *   bounded however long the stream is. `break` discards the rest on the server (DISCARD).
 * - `await result` (or `records()`, `objects()`) asks for everything in one PULL and is the
 *   fastest path when the whole result fits in memory.
 * - `keys()` and `summary()` give the columns and the final summary; `consume()` discards the
 *   rest and returns the summary.
 *
 * Inside, two small states decide everything (result-states.ts): the stream's
 * {@link StreamState} (`waiting` → `pulling` ⇄ `ready` → `discarding` / `resetting` → `done` or
 * `failed`), changed only by `go(event)`, which also sends what a new state needs (DISCARD,
 * RESET); and the reader's {@link ReadMode} (`all`, `stream`, `drain`), which sizes each PULL.
 */
export class Result<T extends RecordShape = RecordShape>
  implements AsyncIterable<Record<T>>, Promise<QueryResult<T>>
{
  /** A Result is a Promise of its {@link QueryResult} (`Object.prototype.toString` says so). */
  get [Symbol.toStringTag](): string {
    return 'Result';
  }
  /** What was sent and what is awaited: see result-states.ts. */
  private state: StreamState = WAITING;
  private mode: ReadMode = 'unknown';
  private conn: Connection | undefined;
  private qid: number | bigint | undefined;
  /** `conn.runsSent` right after this result's RUN. */
  private runSeq = 0;
  private _keys: string[] | undefined;
  private columns: RecordColumns | undefined;
  /** The records read and not handed out yet. */
  private readonly held = new RecordBuffer<Record<T>>();
  /** Reading from the connection is paused (PULL_ALL back-pressure). */
  private paused = false;
  private error: BoltError | undefined;
  private readonly metadata: Metadata = {};
  private summaryValue: ResultSummary | undefined;
  private recordsSeen = 0;
  /** Records the reader took since the latest PULL went out (see `_onPullSuccess`). */
  private takenSincePull = 0;
  /** Why the records not read were dropped for good (`consume()`, or the transaction or
   *  session ended while the stream was open): reading them fails with this. */
  private dropped: Dropped | undefined;
  /** A DISCARD ended the stream: with no record seen, whether the query had any is unknown. */
  private discarded = false;
  /** The user asked for something of this result (its failure, if any, reached them). */
  private observed = false;
  // Who waits (each list made when the first one does; most results have none or one):
  // pending `next()` calls (several when called without waiting), woken in call order; whoever
  // waits for the end; whoever waits for the keys.
  private wakers: (() => void)[] | undefined;
  private doneWaiters: (() => void)[] | undefined;
  private keyWaiters: (() => void)[] | undefined;
  private readonly runObserver: ResponseObserver;
  // the PULLs of an iteration, and those of a result that holds its records, whose rows of
  // scalars come as bytes and are kept so (each made when first used)
  private pullObserver: ResponseObserver | undefined;
  private heldPullObserver: ResponseObserver | undefined;
  /** Sends this auto-commit query: see `_startWith`. */
  private starter: (() => void) | undefined = undefined;

  /** @internal Set by transactions: the error this result reports instead of `error` (a query
   *  behind a failed BEGIN reports the BEGIN's failure, not what became of its own RUN). */
  _errorFor: ((error: BoltError) => BoltError) | undefined;

  /** @internal Set by sessions for auto-commit results: an abort may RESET the connection
   *  (it is this result's alone), which stops a query the server is still working on, or keep
   *  the query from being sent at all. */
  _interruptible = false;

  /** @internal Created by sessions and transactions. */
  constructor(
    private readonly query: { text: string; parameters: { [key: string]: unknown } },
    private readonly fetchSize: number,
    /** Collect an awaited result with one `PULL {n: -1}` (true when no fetch size was
     *  configured); false honours `fetchSize` for every PULL. */
    private readonly eagerAll: boolean,
    private readonly owner: ResultOwner,
  ) {
    this.runObserver = new RunAnswer(this);
  }

  // ---- internal API for owners -------------------------------------------------------------

  /** @internal Send RUN and the first PULL on `conn`. */
  _run(conn: Connection, run: Request): void {
    if (this.state.at === 'cancelled') {
      // aborted before it was sent: an auto-commit query is then not run at all
      this.conn = conn;
      this.fail(
        new BoltError('the query was aborted before it was sent; it was not run', {
          kind: 'aborted',
          code: 'Neo.ClientError.Request.Aborted',
          classification: 'CLIENT_ERROR',
          retryable: false,
        }),
      );
      return;
    }
    if (this.state.at !== 'waiting') return;
    this.conn = conn;
    try {
      conn.enqueue(run, this.runObserver);
      this.runSeq = conn.runsSent;
    } catch (e) {
      this.fail(e as BoltError);
      return;
    }
    // RUN and the first PULL go together, as the official drivers send them, even when the
    // result was consumed before the query started: the rest is discarded after that batch.
    this.pull();
  }

  /** @internal An auto-commit query whose connection is ready (it is alone on it): `start`
   *  (RUN and the first PULL) runs as soon as the reader is known (`await`, `records()`,
   *  iteration) and is written at once; with no reader yet, it runs after the microtasks queued
   *  so far and the ones they queue (an `await` on the result calls `then()` one microtask
   *  later). */
  _startWith(start: () => void): void {
    this.starter = start;
    afterTick(() => this.start());
  }

  /** Send a query that waits for its reader (see `_startWith`), once. */
  private start(): void {
    const start = this.starter;
    if (start === undefined) return;
    this.starter = undefined;
    start();
  }

  /** The reader is known: a query waiting for it goes now, and is written without waiting for
   *  the end of the microtask. */
  private startNow(): void {
    if (this.starter === undefined) return;
    this.start();
    this.conn?.flush();
  }

  /** @internal The query could not be started (no connection, BEGIN failed, ...). */
  _fail(error: BoltError): void {
    this.fail(error);
  }

  /** @internal Read the rest into memory (before COMMIT, or when the session runs the next
   *  query); resolves when the stream has ended (never rejects). */
  _finish(): Promise<void> {
    this._readToEnd();
    return this.whenDone();
  }

  /** @internal `_finish()` without waiting: pull what is left, and stop pausing. An iteration
   *  under way keeps its records in the buffer (its iterator still reads them); otherwise they
   *  are collected. */
  _readToEnd(): void {
    this.mode = toEnd(this.mode);
    if (mayPull(this.state)) this.pull();
    this.resumeReading();
  }

  /** @internal Discard the rest; resolves when the stream has ended (never rejects). */
  _discard(): Promise<void> {
    this.go(DISCARD);
    return this.whenDone();
  }

  /** @internal Its owner ends first (`by`): the rest is discarded, and when the stream was still
   *  open, reading the result fails from now on (records it holds already stay readable when
   *  the stream had ended). */
  _drop(by: Dropped): Promise<void> {
    if (!this._ended) this.dropped ??= by;
    return this._discard();
  }

  /** @internal The session closes: discard the rest, and report a failure nobody was told of
   *  (a query run and never read must not fail silently). */
  async _closeUnread(): Promise<void> {
    await this._drop('session closed');
    if (this.error && !this.observed) {
      this.observed = true;
      throw this.error;
    }
  }

  /** @internal RUN's SUCCESS: the columns (and the qid in a transaction). */
  _onRunSuccess(md: Metadata): void {
    Object.assign(this.metadata, md);
    const keys = Array.isArray(md.fields) ? md.fields : [];
    this._keys = keys;
    this.columns = new RecordColumns(keys, indexOf(keys));
    if (md.qid !== undefined && md.qid !== null) this.qid = md.qid;
    this.wakeKeyWaiters();
  }

  /** @internal RUN failed, or a PULL / DISCARD did: after a RESET, the interrupted PULL is
   *  answered IGNORED (an `aborted` error). */
  _onFailure(error: BoltError, pull: boolean): void {
    this.fail(error, pull && error.kind === 'aborted' ? INTERRUPTED : FAILURE);
  }

  /** @internal */
  get _ended(): boolean {
    return isEnded(this.state);
  }

  // ---- public API ------------------------------------------------------------------------

  /** The column names (waits for the RUN answer). */
  async keys(options: WaitOptions = {}): Promise<string[]> {
    this.observed = true;
    if (this._keys) return this._keys;
    await this.abortable(
      new Promise<void>((resolve) => {
        if (this._keys || this._ended) resolve();
        else (this.keyWaiters ??= []).push(resolve);
      }),
      options.signal,
    );
    if (this._keys) return this._keys;
    throw this.error!;
  }

  /** The summary, once the stream has ended. Does not discard: records not read yet stay
   *  readable (they are kept in memory). Use `consume()` to drop them. */
  async summary(options: WaitOptions = {}): Promise<ResultSummary> {
    this.observed = true;
    await this.abortable(this._finish(), options.signal);
    if (this.error) throw this.error;
    return this.buildSummary();
  }

  /** Discard whatever was not read (DISCARD on the server) and return the summary. The result
   *  is done with: reading records from it afterwards fails (a usage error); `keys()`,
   *  `summary()` and `consume()` still answer. */
  async consume(options: WaitOptions = {}): Promise<ResultSummary> {
    this.observed = true;
    this.dropped ??= 'consumed';
    this.held.clear();
    await this.abortable(this._discard(), options.signal);
    if (this.error) throw this.error;
    return this.buildSummary();
  }

  /** Every record, in one PULL (the fastest way to get a whole result). */
  async records(options: WaitOptions = {}): Promise<Record<T>[]> {
    this.observed = true;
    if (this.dropped) throw this.droppedError();
    if (this.mode === 'unknown') this.mode = 'all';
    this.startNow();
    await this.abortable(this._finish(), options.signal);
    if (this.error) throw this.error;
    return this.takeAll();
  }

  /** Every record as a plain object (`record.toObject()`). */
  async objects(options: WaitOptions = {}): Promise<T[]> {
    const rs = await this.records(options);
    const out = new Array<T>(rs.length);
    for (let i = 0; i < rs.length; i++) out[i] = rs[i].toObject();
    return out;
  }

  /** The values of one column. */
  async column<K extends keyof T & string>(key: K, options: WaitOptions = {}): Promise<T[K][]> {
    const rs = await this.records(options);
    return rs.map((r) => r.get(key));
  }

  /** Exactly one record; a usage error when there are none or several. */
  async single(options: WaitOptions = {}): Promise<Record<T>> {
    const rs = await this.records(options);
    if (rs.length !== 1) throw usageError(`expected exactly one record, got ${rs.length}`);
    return rs[0];
  }

  /** The one record, or undefined when there is none; a usage error when there are several
   *  (the whole result is read either way). */
  async singleOptional(options: WaitOptions = {}): Promise<Record<T> | undefined> {
    const rs = await this.records(options);
    if (rs.length > 1) throw usageError(`expected at most one record, got ${rs.length}`);
    return rs[0];
  }

  /** The next record without taking it: the iterator still returns it next. Undefined when the
   *  stream has ended; rejects with the result's failure. Reads like the iterator (PULL in
   *  batches of the fetch size). */
  async peek(options: WaitOptions = {}): Promise<Record<T> | undefined> {
    this.observed = true;
    if (this.mode === 'unknown') this.mode = 'stream';
    const signal = options.signal;
    const onAbort = () => this.wakeUp();
    signal?.addEventListener('abort', onAbort, { once: true });
    const next = await this._nextRecord(signal).finally(() =>
      signal?.removeEventListener('abort', onAbort),
    );
    if (next.done) return undefined;
    this.held.unshift(next.value);
    return next.value;
  }

  /**
   * Push-style consumption, as in the official driver: `onKeys` once, `onNext` per record (read
   * with back-pressure like the iterator), then `onCompleted` with the summary, or `onError`.
   * Without `onError`, a failure is not reported anywhere.
   */
  subscribe(observer: ResultObserver<T>): void {
    (async () => {
      const keys = await this.keys();
      observer.onKeys?.(keys);
      for await (const r of this) observer.onNext?.(r);
      observer.onCompleted?.(await this.summary());
    })().catch((e) => observer.onError?.(e));
  }

  // biome-ignore lint/suspicious/noThenProperty: a result is deliberately awaitable (all records at once)
  then<R1 = QueryResult<T>, R2 = never>(
    onfulfilled?: ((value: QueryResult<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.all().then(onfulfilled, onrejected);
  }

  catch<R = never>(
    onrejected?: ((reason: any) => R | PromiseLike<R>) | null,
  ): Promise<QueryResult<T> | R> {
    return this.all().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<QueryResult<T>> {
    return this.all().finally(onfinally);
  }

  /** `records()` and the summary, in one step after the stream ended (`await result` is the
   *  hot path of small queries). */
  private all(): Promise<QueryResult<T>> {
    this.observed = true;
    if (this.dropped) return Promise.reject(this.droppedError());
    if (this.mode === 'unknown') this.mode = 'all';
    this._readToEnd();
    this.startNow();
    // settled as the stream ends, not one promise later
    return new Promise((resolve, reject) => {
      if (this._ended) this.settleAll(resolve, reject);
      else (this.doneWaiters ??= []).push(() => this.settleAll(resolve, reject));
    });
  }

  private settleAll(
    resolve: (value: QueryResult<T>) => void,
    reject: (reason: unknown) => void,
  ): void {
    try {
      resolve(this.queryResult());
    } catch (e) {
      reject(e);
    }
  }

  private queryResult(): QueryResult<T> {
    if (this.error) throw this.error;
    const records = this.takeAll();
    return { records, summary: this.buildSummary(), keys: this._keys ?? [] };
  }

  /** Iterate with back-pressure. Options: `signal` aborts the iteration (RESET-free: the rest
   *  is discarded and `next()` rejects with an `aborted` error). */
  [Symbol.asyncIterator](): AsyncIterator<Record<T>> {
    return this.iterate();
  }

  iterate(
    options: { signal?: AbortSignal } = {},
  ): AsyncIterator<Record<T>> & AsyncIterable<Record<T>> {
    this.observed = true;
    if (this.mode === 'unknown') this.mode = 'stream';
    this.startNow();
    const signal = options.signal;
    // one listener per iteration (removed when the stream ends), not one per wait
    if (signal && !signal.aborted) {
      const onAbort = () => this.wakeUp();
      signal.addEventListener('abort', onAbort, { once: true });
      this.whenDone().then(() => signal.removeEventListener('abort', onAbort));
    }
    return new ResultIterator(this, signal);
  }

  /** @internal The iteration stopped early (`break`, `return()`): the rest is dropped. */
  _stopIterating(): Promise<void> {
    // `break` while an unbounded PULL (n = -1, or PULL_ALL on Bolt 1–3) is still streaming:
    // no DISCARD can be sent before it ends, and it may never end. An auto-commit query is
    // this connection's alone, so RESET stops it now instead.
    if (this._interruptible) this.go(BREAK);
    return this._discard();
  }

  /** @internal The next record of the stream (waiting for it, pulling when nothing is
   *  buffered). */
  _nextRecord(signal: AbortSignal | undefined): Promise<IteratorResult<Record<T>>> {
    if (signal?.aborted) {
      this.abort();
      return Promise.reject(abortError(signal, 'reading the result'));
    }
    const value = this.held.shift();
    if (value !== undefined) {
      this.afterTake();
      return Promise.resolve({ done: false, value });
    }
    // (dropped records are never held: consume() and a DISCARD clear them)
    if (this.dropped) return Promise.reject(this.droppedError());
    if (this.state.at === 'done') return Promise.resolve({ done: true, value: undefined });
    if (this.state.at === 'failed') return Promise.reject(this.error);
    // nothing buffered: a result nobody read so far was not pulled further; pull now
    if (mayPull(this.state)) this.pull();
    return new Promise<void>((resolve) => {
      (this.wakers ??= []).push(resolve);
    }).then(() => this._nextRecord(signal));
  }

  /** Wait for `p`; when `signal` fires first, discard the rest of the stream and reject with an
   *  `aborted` (or `timeout`, for `AbortSignal.timeout()`) BoltError. */
  private abortable(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    return untilAborted(p, signal, () => this.abort());
  }

  // ---- stream machinery --------------------------------------------------------------------

  /** Take `event`: the new state and what entering it does. False when the state ignores it. */
  private go(event: StreamEvent): boolean {
    const next = transition(this.state, event);
    if (next === undefined) return false;
    this.state = next;
    // the reader dropped the rest: what it holds goes, and a pause must not stall the stream
    if (event.type === 'discard' || event.type === 'abort' || event.type === 'break') {
      this.held.clear();
      this.resumeReading();
    }
    switch (next.at) {
      case 'discarding':
        this.sendDiscard();
        break;
      case 'resetting':
        // An outstanding PULL is answered IGNORED (an abort fails the result with an `aborted`
        // error; after a break it is expected); RESET's SUCCESS ends the result.
        this.conn!.reset().then(
          () => this.go(END),
          (e) => this.fail(e),
        );
        break;
      case 'failed':
        this.wakeKeyWaiters();
        this.settle();
        break;
      case 'done':
        this.settle();
        break;
    }
    return true;
  }

  /** The reader's signal fired: see the `abort` event in result-states.ts. */
  private abort(): void {
    this.go({ type: 'abort', resettable: this._interruptible });
  }

  private pull(): void {
    const conn = this.conn!;
    const n = (readsToEnd(this.mode) && this.eagerAll) || this.fetchSize <= 0 ? -1 : this.fetchSize;
    if (!this.go(n === -1 || !conn.features.pullN ? PULL_UNBOUNDED : PULL_BATCH)) return;
    this.takenSincePull = 0;
    try {
      const observer =
        this.mode === 'stream'
          ? (this.pullObserver ??= new PullAnswer(this))
          : (this.heldPullObserver ??= new HeldPullAnswer(this));
      conn.pull(n, this.qidFor(conn), observer);
    } catch (e) {
      this.fail(e as BoltError);
    }
  }

  /** @internal A RECORD of the outstanding PULL. */
  _onRecord(fields: unknown[]): void {
    this.recordsSeen++;
    if (dropsRecords(this.state)) return;
    this.hold(new Record<T>(this._keys!, fields, this.columns));
  }

  /** @internal A RECORD of scalars of the outstanding PULL, kept as bytes. */
  _onScalarRecord(bytes: Uint8Array, first: number, count: number, reader: ScalarListReader): void {
    this.recordsSeen++;
    if (dropsRecords(this.state)) return;
    const columns = this.columns!;
    if (count === columns.keys.length) {
      columns.reader ??= reader;
      this.hold(Record.packed<T>(columns, bytes, first));
      return;
    }
    // not one value per key: built now, as a record of values
    const fields = new Array<unknown>(count);
    for (let i = 0, at = first; i < count; i++, at = reader.end) fields[i] = reader.read(bytes, at);
    this.hold(new Record<T>(columns.keys, fields, columns));
  }

  private hold(r: Record<T>): void {
    if (this.mode === 'all') {
      this.held.collect(r);
      return;
    }
    this.held.push(r);
    if (this.wakers !== undefined) this.wakeUp();
    // PULL_ALL (Bolt 1–3) cannot be batched: stop reading when the consumer falls behind.
    // (fetchSize -1 asks for no back-pressure.)
    if (
      !this.conn!.features.pullN &&
      !this.paused &&
      this.mode !== 'drain' &&
      this.fetchSize > 0 &&
      this.held.queued > 2 * this.fetchSize
    ) {
      this.paused = true;
      this.conn!.pauseReading();
    }
  }

  /** @internal The SUCCESS of a PULL or DISCARD. */
  _onPullSuccess(md: Metadata): void {
    if (md.has_more !== true) {
      Object.assign(this.metadata, md);
      this.go(END);
      return;
    }
    // read to the end, or an iteration running low while its reader reads (or has nothing left
    // to read): ask for the next batch now. A result nobody reads yet is not pulled further, and
    // batches smaller than asked for (a server may send fewer records) are not pulled one after
    // the other ahead of a reader that took none of them: its next take asks (`afterTake`).
    if (
      this.go(HAS_MORE) &&
      mayPull(this.state) &&
      (readsToEnd(this.mode) ||
        (this.mode === 'stream' &&
          this.low() &&
          (this.takenSincePull > 0 || this.held.queued === 0)))
    )
      this.pull();
  }

  /** Fewer than half a batch left unread (none, for batches of 1–3): time for the next PULL,
   *  so that the next batch arrives while the rest is read, with at most 1.5 batches held. */
  private low(): boolean {
    return this.held.queued < Math.max(1, Math.floor(this.fetchSize / 2));
  }

  private afterTake(): void {
    this.takenSincePull++;
    if (this.paused && this.held.queued <= this.fetchSize) this.resumeReading();
    if (mayPull(this.state) && this.low()) this.pull();
  }

  private resumeReading(): void {
    if (this.paused) {
      this.paused = false;
      this.conn?.resumeReading();
    }
  }

  private sendDiscard(): void {
    this.discarded = true;
    try {
      this.conn!.discard(this.qidFor(this.conn!), (this.pullObserver ??= new PullAnswer(this)));
    } catch (e) {
      this.fail(e as BoltError);
    }
  }

  private fail(error: BoltError, event: StreamEvent = FAILURE): void {
    if (transition(this.state, event) === undefined) return;
    this.error = this._errorFor ? this._errorFor(error) : error;
    this.go(event);
  }

  /** The `qid` for PULL/DISCARD: left out (the server's default, the latest query) while no
   *  later RUN went out on the connection. */
  private qidFor(conn: Connection): number | bigint | undefined {
    return conn.runsSent === this.runSeq ? undefined : this.qid;
  }

  /** The stream is over: a pause it asked for must not stall the connection's next user. */
  private settle(): void {
    this.resumeReading();
    this.wakeUp();
    this.owner.onResultEnd({ error: this.error, metadata: this.metadata });
    const done = this.doneWaiters;
    if (done !== undefined) {
      this.doneWaiters = undefined;
      for (const w of done) w();
    }
  }

  private wakeUp(): void {
    const wakers = this.wakers;
    if (wakers === undefined) return;
    this.wakers = undefined;
    for (const w of wakers) w();
  }

  private wakeKeyWaiters(): void {
    const waiters = this.keyWaiters;
    if (waiters === undefined) return;
    this.keyWaiters = undefined;
    for (const w of waiters) w();
  }

  /** Why no record can be read: the result's failure, or who dropped its records. */
  private droppedError(): BoltError {
    return (
      this.error ??
      usageError(
        `the records of this result can no longer be read: ${DROPPED_BECAUSE[this.dropped!]}`,
      )
    );
  }

  private whenDone(): Promise<void> {
    if (this._ended) return Promise.resolve();
    return new Promise((resolve) => (this.doneWaiters ??= []).push(resolve));
  }

  private takeAll(): Record<T>[] {
    // the same array every time: a result can be awaited more than once
    return this.held.takeAll();
  }

  private buildSummary(): ResultSummary {
    if (!this.summaryValue) {
      const conn = this.conn;
      this.summaryValue = new ResultSummary(
        this.query,
        this.metadata,
        conn?.summaryServer ?? NO_SERVER,
        conn?.version ?? NO_VERSION,
        this.recordsSeen > 0 ? true : this.discarded ? undefined : false,
      );
    }
    return this.summaryValue;
  }
}

/** `p`, or a rejection with an `aborted` / `timeout` BoltError when `signal` fires first (after
 *  `onAbort()` ran). */
function untilAborted(
  p: Promise<void>,
  signal: AbortSignal | undefined,
  onAbort: () => void,
): Promise<void> {
  if (!signal) return p;
  if (signal.aborted) {
    onAbort();
    return Promise.reject(abortError(signal, 'waiting for the result'));
  }
  return new Promise<void>((resolve, reject) => {
    const aborted = () => {
      onAbort();
      reject(abortError(signal, 'waiting for the result'));
    };
    signal.addEventListener('abort', aborted, { once: true });
    p.then(() => {
      signal.removeEventListener('abort', aborted);
      resolve();
    });
  });
}

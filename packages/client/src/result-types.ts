import type { BoltError } from './bolt-error.js';
import type { Record, RecordShape } from './record.js';
import type { ResultSummary } from './result-summary.js';

// What a result promises its reader (the shapes of what it gives and the options of its
// waiting methods) and what it needs from its owner, a session or a transaction.

type Metadata = { [key: string]: any };

/** What `Result.subscribe()` calls. */
export interface ResultObserver<T extends RecordShape = RecordShape> {
  onKeys?(keys: string[]): void;
  onNext?(record: Record<T>): void;
  onCompleted?(summary: ResultSummary): void;
  onError?(error: BoltError): void;
}

/** Options of the waiting methods of a result. */
export interface WaitOptions {
  /** Give up waiting: the rest of the stream is discarded and the call rejects with an
   *  `aborted` BoltError (`timeout` for `AbortSignal.timeout(ms)`). */
  signal?: AbortSignal;
}

/** Everything of a result at once: what `await result` gives. */
export interface QueryResult<T extends RecordShape = RecordShape> {
  records: Record<T>[];
  summary: ResultSummary;
  keys: string[];
}

/** @internal Whoever ran a result: a session (its auto-commit query) or a transaction. */
export interface ResultOwner {
  /** The stream ended, once. */
  onResultEnd(end: ResultEnd): void;
}

/** How a result ends, for its owner (session or transaction). */
export interface ResultEnd {
  error?: BoltError;
  /** Merged RUN + final PULL/DISCARD metadata (bookmark, db, ...). */
  metadata: Metadata;
}

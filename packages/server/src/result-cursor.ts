import { BoltError } from './bolt-error.js';
import type { RecordValues, ResultSummary, RunResult, RunReturn } from './handler.js';
import type { WorkContext } from './query-context.js';

type AnyIterator = Iterator<RecordValues> | AsyncIterator<RecordValues>;

const NO_SUMMARY: ResultSummary = Object.freeze({});

const EMPTY_ITERATOR: Iterator<RecordValues> = {
  next: () => ({ done: true, value: undefined }),
};

/**
 * One open result: the handler's record iterator, pulled only as the client asks. Records given
 * as objects are turned into value arrays in `fields` order.
 */
export class ResultCursor {
  readonly fields: readonly string[];
  /** The records, when the handler gave an array: read by index, no iterator. */
  readonly rows: readonly RecordValues[] | undefined;
  /** The next row of {@link rows} to send. */
  index = 0;
  /** The handler's iterator (an empty one when the records are {@link rows}). */
  readonly iterator: AnyIterator;
  /** Records sent (or skipped by DISCARD) so far. */
  count = 0;
  private finished = false;

  constructor(
    returned: RunReturn,
    readonly context: WorkContext,
    readonly qid: number,
    /** `Date.now()` when the request arrived (for t_last). */
    readonly startedAt: number = Date.now(),
  ) {
    const result = Array.isArray(returned) ? rowsResult(returned) : (returned as RunResult);
    if (result === null || typeof result !== 'object' || !Array.isArray(result.fields))
      throw new BoltError(
        `run() returned ${describeReturn(result)}; return an array of row objects ([{ n: 1 }], the keys of the first row name the columns), or { fields, records } ({ fields: ['n'], records: [[1]] }; records may be any Iterable or AsyncIterable), or a promise of either.`,
      );
    for (const f of result.fields)
      if (typeof f !== 'string')
        throw new BoltError(`Field names must be strings, got ${typeof f} in run() result fields.`);
    this.fields = result.fields;
    this.summarySource = result.summary;
    const records = result.records;
    this.rows = Array.isArray(records) ? (records as readonly RecordValues[]) : undefined;
    if (records === undefined || records === null || this.rows !== undefined)
      this.iterator = EMPTY_ITERATOR;
    else if (typeof (records as Iterable<RecordValues>)[Symbol.iterator] === 'function')
      this.iterator = (records as Iterable<RecordValues>)[Symbol.iterator]();
    else if (typeof (records as AsyncIterable<RecordValues>)[Symbol.asyncIterator] === 'function')
      this.iterator = (records as AsyncIterable<RecordValues>)[Symbol.asyncIterator]();
    else throw new BoltError('run() result records must be an Iterable or an AsyncIterable.');
  }

  private readonly summarySource: RunResult['summary'];

  /** The values of one record, in field order. */
  values(record: RecordValues): readonly unknown[] {
    if (Array.isArray(record)) {
      if (record.length !== this.fields.length)
        throw new BoltError(
          `A record has ${record.length} values but the result has ${this.fields.length} fields (${this.fields.join(', ')}).`,
        );
      return record;
    }
    if (record === null || typeof record !== 'object')
      throw new BoltError(`A record must be an array or an object, got ${typeof record}.`);
    const out = new Array(this.fields.length);
    const obj = record as Record<string, unknown>;
    for (let i = 0; i < out.length; i++) out[i] = obj[this.fields[i]];
    return out;
  }

  /** The handler's summary, once the records are exhausted or discarded. */
  summary(): ResultSummary | Promise<ResultSummary> {
    const s = this.summarySource;
    if (typeof s === 'function') return s();
    return s ?? NO_SUMMARY;
  }

  /** Mark exhausted: `close()` will no longer call `return()`. */
  markFinished(): void {
    this.finished = true;
  }

  /** Stop the iterator early (DISCARD, RESET, disconnect). Errors from `return()` are swallowed:
   *  the result is being abandoned. Never throws. */
  close(): void | Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const it = this.iterator as { return?: () => unknown };
    if (typeof it.return !== 'function') return;
    try {
      const r = it.return();
      if (r && typeof (r as Promise<unknown>).then === 'function')
        return (r as Promise<unknown>).then(
          () => undefined,
          () => undefined,
        );
    } catch {
      // abandoned anyway
    }
  }
}

/** Rows given as objects: the keys of the first row are the fields. */
export function rowsResult(rows: readonly Record<string, unknown>[]): RunResult {
  return { fields: rows.length > 0 ? Object.keys(rows[0]) : [], records: rows as RecordValues[] };
}

function describeReturn(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v !== 'object') return `a ${typeof v}`;
  return (v as { fields?: unknown }).fields === undefined
    ? 'an object without fields'
    : 'an object whose fields is not a list of names';
}

import type { ScalarListReader } from '@bolt/packstream';
import type { BoltError } from './bolt-error.js';
import type { ResponseObserver } from './connection.js';
import type { Record, RecordShape } from './record.js';
import type { Result } from './result.js';

type Metadata = { [key: string]: any };

// What the connection and the reader call on a result: where its answers go, and its iterator.
// Small objects with methods, not closures made per result: a bundle that keeps function names
// (tsup `keepNames`) would name each closure again for every query, with a property definition
// that costs more than making the closure.

/** Where RUN's answer goes. */
export class RunAnswer implements ResponseObserver {
  constructor(private readonly result: Result<any>) {}
  onSuccess(md: Metadata): void {
    this.result._onRunSuccess(md);
  }
  onFailure(error: BoltError): void {
    this.result._onFailure(error, false);
  }
}

/** Where the answers of PULL and DISCARD go. */
export class PullAnswer implements ResponseObserver {
  constructor(protected readonly result: Result<any>) {}
  onRecord(fields: unknown[]): void {
    this.result._onRecord(fields);
  }
  onSuccess(md: Metadata): void {
    this.result._onPullSuccess(md);
  }
  onFailure(error: BoltError): void {
    this.result._onFailure(error, true);
  }
}

/** The answers of a PULL whose records are held: rows of scalars are kept as bytes. */
export class HeldPullAnswer extends PullAnswer {
  onScalarRecord(bytes: Uint8Array, first: number, count: number, reader: ScalarListReader): void {
    this.result._onScalarRecord(bytes, first, count, reader);
  }
}

/** What `iterate()` returns. */
export class ResultIterator<T extends RecordShape>
  implements AsyncIterator<Record<T>>, AsyncIterable<Record<T>>
{
  constructor(
    private readonly result: Result<T>,
    private readonly signal: AbortSignal | undefined,
  ) {}
  next(): Promise<IteratorResult<Record<T>>> {
    return this.result._nextRecord(this.signal);
  }
  async return(): Promise<IteratorResult<Record<T>>> {
    await this.result._stopIterating();
    return { done: true, value: undefined };
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
}

import type { Request } from '@bolt/parser';
import type { ResponseObserver } from './connection-options.js';

/** A request sent or queued whose summary has not arrived. */
export interface Pending {
  type: Request['type'];
  observer: ResponseObserver;
  /** PULL n: the most RECORDs the server may send for it (-1: no limit). */
  limit: number;
  records: number;
}

/** The requests waiting for their answers, in the order they were sent (Bolt answers in order). */
export class PendingQueue {
  /** The waiting requests are `items[head]` to `items[tail - 1]`; answered slots are cleared.
   *  Once the queue is empty the same slots are used again: the array keeps its capacity
   *  (emptied with `length = 0`, it would be grown again by every query). */
  private readonly items: (Pending | undefined)[] = [];
  private head = 0;
  private tail = 0;

  get size(): number {
    return this.tail - this.head;
  }

  /** The request the next answer belongs to. */
  get first(): Pending | undefined {
    return this.head < this.tail ? this.items[this.head] : undefined;
  }

  push(type: Request['type'], observer: ResponseObserver, limit: number): void {
    this.items[this.tail++] = { type, observer, limit, records: 0 };
  }

  /** Drop the first request (its summary arrived). */
  shift(): void {
    this.items[this.head++] = undefined;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    } else if (this.head > 1024) {
      this.items.splice(0, this.head);
      this.tail -= this.head;
      this.head = 0;
    }
  }

  /** Remove and return everything still waiting. */
  drain(): Pending[] {
    const list = this.items.slice(this.head, this.tail) as Pending[];
    this.items.length = 0;
    this.head = 0;
    this.tail = 0;
    return list;
  }
}

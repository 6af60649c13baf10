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
  private items: Pending[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** The request the next answer belongs to. */
  get first(): Pending | undefined {
    return this.items[this.head];
  }

  push(type: Request['type'], observer: ResponseObserver, limit: number): void {
    this.items.push({ type, observer, limit, records: 0 });
  }

  /** Drop the first request (its summary arrived). */
  shift(): void {
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Remove and return everything still waiting. */
  drain(): Pending[] {
    const list = this.items.slice(this.head);
    this.items.length = 0;
    this.head = 0;
    return list;
  }
}

import type { Request } from '@bolt/parser';
import type { BoltError } from '../bolt-error.js';

/** The code the server answers malformed and out-of-order requests with. */
export const REQUEST_INVALID = 'Neo.ClientError.Request.Invalid';

/** A stream that cannot be read further: answered with FAILURE once the requests before it are. */
export interface FatalEntry {
  type: '__fatal';
  error: BoltError;
}

export type QueueEntry = Request | FatalEntry;

/** What the queue asks of the reader when it fills up and empties again. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

/**
 * Requests decoded but not yet answered, in order (read back-pressure). Reading pauses when
 * `limit` wait, and resumes when fewer than half of that remain.
 */
export class RequestQueue {
  private readonly items: (QueueEntry | undefined)[] = [];
  private head = 0;
  private paused = false;

  constructor(
    private readonly limit: number,
    private readonly flow: FlowControl,
  ) {}

  /** Requests waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  push(entry: QueueEntry): void {
    this.items.push(entry);
    if (!this.paused && this.size >= this.limit) {
      this.paused = true;
      this.flow.pause();
    }
  }

  /** The oldest request, or undefined when none waits. */
  shift(): QueueEntry | undefined {
    const items = this.items;
    if (this.head >= items.length) return undefined;
    const entry = items[this.head];
    items[this.head++] = undefined;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= items.length) {
      items.splice(0, this.head);
      this.head = 0;
    }
    if (this.paused && this.size < this.limit >> 1) {
      this.paused = false;
      this.flow.resume();
    }
    return entry;
  }

  /** Drop everything (the connection ended). */
  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }
}

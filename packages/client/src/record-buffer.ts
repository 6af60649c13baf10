const EMPTY: readonly never[] = Object.freeze([]);

/** A result read whole collects its records in lists of this many, joined once at the end into
 *  a list made at its full size: measured against one list grown record by record, 100k rows
 *  read whole went from ~2.7M to ~4.2M records/s (most of the difference was garbage
 *  collection). */
const COLLECT_BLOCK = 1024;

/**
 * The records a result holds for its reader: a queue for an iteration (read from the head,
 * compacted as it goes) and, for a result read whole, a list collected as records arrive.
 * `takeAll()` hands out both, always the same array for a result read whole twice.
 */
export class RecordBuffer<R> {
  private queue: R[] = [];
  private head = 0;
  // a result read whole: its records in lists of at most COLLECT_BLOCK, the last one open
  private collected: R[] | undefined;
  private full: R[][] | undefined;
  /** What `takeAll()` returned so far. */
  private taken: R[] | undefined;

  /** Records queued and not read yet. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Queue a record for the iteration. */
  push(r: R): void {
    this.queue.push(r);
  }

  /** Keep a record for a reader of the whole result. */
  collect(r: R): void {
    const c = (this.collected ??= []);
    c.push(r);
    if (c.length === COLLECT_BLOCK) {
      (this.full ??= []).push(c);
      this.collected = undefined;
    }
  }

  /** The next queued record, or undefined. */
  shift(): R | undefined {
    if (this.head >= this.queue.length) return undefined;
    const r = this.queue[this.head];
    this.queue[this.head++] = undefined as R;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return r;
  }

  /** Put `r` back at the head: it is the next one `shift()` returns. */
  unshift(r: R): void {
    if (this.head > 0) this.queue[--this.head] = r;
    else this.queue.unshift(r);
  }

  /** Drop the queued records (the rest is discarded). */
  clear(): void {
    this.queue = [];
    this.head = 0;
  }

  /** Everything held, queued first: the same array every time when nothing new came. */
  takeAll(): R[] {
    if (this.taken && this.head === this.queue.length && !this.collected && !this.full)
      return this.taken;
    const rest =
      this.head < this.queue.length ? this.queue.slice(this.head) : (EMPTY as unknown as R[]);
    this.clear();
    const c = this.takeCollected();
    const all = rest.length === 0 ? c : c.length === 0 ? rest : rest.concat(c);
    this.taken = this.taken ? this.taken.concat(all) : all;
    return this.taken;
  }

  /** The collected records, in one list made at its full size (none are collected after). */
  private takeCollected(): R[] {
    const last = this.collected ?? [];
    const full = this.full;
    this.collected = undefined;
    this.full = undefined;
    if (full === undefined) return last;
    let n = last.length;
    for (const block of full) n += block.length;
    const out = new Array<R>(n);
    let j = 0;
    for (const block of full) for (let i = 0; i < block.length; i++) out[j++] = block[i];
    for (let i = 0; i < last.length; i++) out[j++] = last[i];
    return out;
  }
}

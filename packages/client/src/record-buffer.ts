const EMPTY: readonly never[] = Object.freeze([]);

/** A result read whole collects its records in lists of this many, joined once at the end into
 *  a list made at its full size: measured against one list grown record by record, 100k rows
 *  read whole went from ~2.7M to ~4.2M records/s (most of the difference was garbage
 *  collection). */
const COLLECT_BLOCK = 1024;
/** Slots of a new iteration queue (a power of two). */
const INITIAL_RING = 16;
/** Slots an emptied queue keeps (a power of two): more were a backlog, not the flow of batches. */
const KEPT_SLOTS = 65536;

/**
 * The records a result holds for its reader: a queue for an iteration (read from the head) and,
 * for a result read whole, a list collected as records arrive.
 * `takeAll()` hands out both, always the same array for a result read whole twice.
 */
export class RecordBuffer<R> {
  // the iteration's queue: a ring of `ring.length` slots (a power of two) holding `count` records
  // from `head` on. It grows by doubling and is never made anew while the stream flows, so the
  // young generation does not copy a fresh list at every scavenge.
  private ring: (R | undefined)[] = EMPTY as unknown as R[];
  private head = 0;
  private count = 0;
  // a result read whole: its records in lists of at most COLLECT_BLOCK, the last one open
  private collected: R[] | undefined;
  private full: R[][] | undefined;
  /** What `takeAll()` returned so far. */
  private taken: R[] | undefined;

  /** Records queued and not read yet. */
  get queued(): number {
    return this.count;
  }

  /** @internal Slots of the iteration's queue (for tests). */
  get capacity(): number {
    return this.ring.length;
  }

  /** Queue a record for the iteration. */
  push(r: R): void {
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = r;
    this.count++;
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
    if (this.count === 0) return undefined;
    const ring = this.ring;
    const r = ring[this.head];
    ring[this.head] = undefined;
    this.head = (this.head + 1) & (ring.length - 1);
    // a backlog far beyond a batch (a fetch size of -1, a slow reader) drained: its slots go
    if (--this.count === 0 && ring.length > KEPT_SLOTS) this.clear();
    return r;
  }

  /** Put `r` back at the head: it is the next one `shift()` returns. */
  unshift(r: R): void {
    if (this.count === this.ring.length) this.grow();
    this.head = (this.head - 1) & (this.ring.length - 1);
    this.ring[this.head] = r;
    this.count++;
  }

  /** Drop the queued records (the rest is discarded), and the slots that held them. */
  clear(): void {
    this.ring = EMPTY as unknown as R[];
    this.head = 0;
    this.count = 0;
  }

  /** Everything held, queued first: the same array every time when nothing new came. */
  takeAll(): R[] {
    if (this.taken && this.count === 0 && !this.collected && !this.full) return this.taken;
    const rest = this.count > 0 ? this.queuedInOrder() : (EMPTY as unknown as R[]);
    this.clear();
    const c = this.takeCollected();
    const all = rest.length === 0 ? c : c.length === 0 ? rest : rest.concat(c);
    this.taken = this.taken ? this.taken.concat(all) : all;
    return this.taken;
  }

  /** The queued records, oldest first, from index 0 of a new list of `size` (≥ count). */
  private queuedInOrder(size = this.count): R[] {
    const out = new Array<R>(size);
    const mask = this.ring.length - 1;
    for (let i = 0; i < this.count; i++) out[i] = this.ring[(this.head + i) & mask] as R;
    return out;
  }

  /** Twice the slots (the first ones: INITIAL_RING), the queue from slot 0 on. */
  private grow(): void {
    this.ring = this.queuedInOrder(Math.max(INITIAL_RING, this.ring.length * 2));
    this.head = 0;
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

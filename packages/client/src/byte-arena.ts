const FIRST_BLOCK = 1024;
const LAST_BLOCK = 64 * 1024;
// when no more than this is left of the input, its ranges are copied one by one (a lookahead
// would copy the SUCCESS after a small result's rows too)
const SMALL_REST = 512;
const EMPTY = new Uint8Array(0);

/**
 * Copies of small byte ranges, packed one after the other into shared blocks (the first of
 * 1 KiB, each next one twice as big, up to 64 KiB; a bigger copy gets a block of its own).
 * A copy is never changed; a block lives as long as any copy in it is referenced.
 *
 * A range of the input being received (`receiving`) is copied with the rest of that input
 * behind it (up to 64 KiB), in one step, into the block being filled when it fits there, else
 * into a block of its own size: the next ranges of the same input are then found in that copy
 * instead of being copied one by one. When 512 bytes or less are left of the input, its ranges
 * are copied one by one.
 */
export class ByteArena {
  /** The block of the last copy. */
  block: Uint8Array = EMPTY;
  // where copies go
  #fill: Uint8Array = EMPTY;
  #used = 0;
  #next = FIRST_BLOCK;
  // the input being received, and which of its bytes [#from, #to) were copied at #at of #run
  #input: Uint8Array | undefined;
  #run: Uint8Array = EMPTY;
  #from = 0;
  #to = 0;
  #at = 0;

  /**
   * `input` is being received: until the next call, copies of its ranges may take the rest of
   * it along. `undefined` when it was handed on (its bytes may change after that).
   */
  receiving(input: Uint8Array | undefined): void {
    this.#input = input;
    this.#from = 0;
    this.#to = 0;
  }

  /** Copy `src[from, to)`; returns its offset in `block`. */
  copy(src: Uint8Array, from: number, to: number): number {
    if (src !== this.#input) return this.#copy(src, from, to);
    if (from < this.#from || to > this.#to) {
      if (src.length - from <= SMALL_REST) return this.#copy(src, from, to);
      const end = Math.max(to, Math.min(src.length, from + LAST_BLOCK));
      if (end - from <= this.#fill.length - this.#used) {
        this.#at = this.#copy(src, from, end);
        this.#run = this.#fill;
      } else {
        // a block of its own, of the copy's size: the blocks small copies fill stay as they are
        this.#run = new Uint8Array(end - from);
        this.#run.set(src.subarray(from, end));
        this.#at = 0;
      }
      this.#from = from;
      this.#to = end;
    }
    this.block = this.#run;
    return this.#at + (from - this.#from);
  }

  #copy(src: Uint8Array, from: number, to: number): number {
    const n = to - from;
    if (this.#used + n > this.#fill.length) this.#grow(n);
    const block = this.#fill;
    const at = this.#used;
    if (n <= 64) for (let i = 0; i < n; i++) block[at + i] = src[from + i];
    else block.set(src.subarray(from, to), at);
    this.#used = at + n;
    this.block = block;
    return at;
  }

  #grow(n: number): void {
    const size = Math.max(this.#next, n);
    this.#next = Math.min(this.#next * 2, LAST_BLOCK);
    this.#fill = new Uint8Array(size);
    this.#used = 0;
  }
}

const FIRST_BLOCK = 1024;
const LAST_BLOCK = 64 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * Copies of small byte ranges, packed one after the other into shared blocks (the first of
 * 1 KiB, each next one twice as big, up to 64 KiB; a bigger copy gets a block of its own).
 * A copy is never changed; a block lives as long as any copy in it is referenced.
 */
export class ByteArena {
  /** The block the last copy went to. */
  block: Uint8Array = EMPTY;
  #used = 0;
  #next = FIRST_BLOCK;

  /** Copy `src[from, to)`; returns its offset in `block`. */
  copy(src: Uint8Array, from: number, to: number): number {
    const n = to - from;
    if (this.#used + n > this.block.length) this.#grow(n);
    const block = this.block;
    const at = this.#used;
    if (n <= 64) for (let i = 0; i < n; i++) block[at + i] = src[from + i];
    else block.set(src.subarray(from, to), at);
    this.#used = at + n;
    return at;
  }

  #grow(n: number): void {
    const size = Math.max(this.#next, n);
    this.#next = Math.min(this.#next * 2, LAST_BLOCK);
    this.block = new Uint8Array(size);
    this.#used = 0;
  }
}

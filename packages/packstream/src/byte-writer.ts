/**
 * A growable output buffer with a write position. The encoder appends to it and the chunk writer
 * (`@bolt/chunking`) owns one, so a message is encoded straight into its frame.
 */
export class ByteWriter {
  /** The backing store; replaced (grown ×2) by `ensure()`, so re-read it after writing. */
  buffer: Uint8Array;
  /** Always a DataView over `buffer`. */
  view: DataView;
  /** Bytes written so far; also the write position. */
  length = 0;

  /** @param initialCapacity bytes allocated up front (default 8 KiB). */
  constructor(initialCapacity = 8192) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity | 0));
    this.view = new DataView(this.buffer.buffer);
  }

  /** Make room for `extra` more bytes after `length`, growing the buffer at least ×2. */
  ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buffer[this.length++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, v);
    this.length += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v);
    this.length += 4;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buffer.set(src, this.length);
    this.length += src.length;
  }

  /** Forget the content, keep the capacity. */
  reset(): void {
    this.length = 0;
  }

  /** A copy of the bytes written, `[0, length)`. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

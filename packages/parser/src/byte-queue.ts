/**
 * A small accumulator for the handshake: bytes arrive split anywhere, and only a bounded
 * prefix is ever kept (the callers consume or reject before it grows).
 */
export class ByteQueue {
  private buf = new Uint8Array(32);
  private len = 0;

  get length(): number {
    return this.len;
  }

  /** The buffered bytes as a view (valid until the next push/consume). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  push(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + bytes.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** Drops the first `n` bytes and returns a copy of what is left. */
  take(n: number): Uint8Array {
    const rest = this.buf.slice(n, this.len);
    this.len = 0;
    return rest;
  }
}

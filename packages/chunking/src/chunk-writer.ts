import { ByteWriter } from '@bolt/packstream';
import { ChunkingError } from './chunking-error';

/** Options of `ChunkWriter`. */
export interface ChunkWriterOptions {
  /** Largest chunk body, 1..65535. Default 65535. */
  maxChunkSize?: number;
  /** Initial capacity of the output buffer in bytes. Default 16 KiB. */
  initialCapacity?: number;
}

/**
 * Frames messages into Bolt chunks (`size:u16 body` … `00 00`). Several messages can be queued
 * and taken with one `flush()` (pipelining).
 *
 * As a PackStream sink: `beginMessage()`, encode into `out`, `endMessage()`. The body is written
 * once; the 2-byte header is patched afterwards, and a body larger than `maxChunkSize` is split
 * in place (one move of the bytes after the first chunk).
 */
export class ChunkWriter {
  /** The packstream sink. Encode messages into it between beginMessage() and endMessage(). */
  readonly out: ByteWriter;
  readonly maxChunkSize: number;
  #start = -1; // header position of the open message, -1 when none
  #count = 0;

  constructor(options: ChunkWriterOptions = {}) {
    const max = options.maxChunkSize ?? 65535;
    if (!Number.isInteger(max) || max < 1 || max > 65535) {
      throw new RangeError(`maxChunkSize must be an integer 1..65535, got ${max}`);
    }
    this.maxChunkSize = max;
    this.out = new ByteWriter(options.initialCapacity ?? 16384);
  }

  /** Bytes queued: all complete messages (and NOOPs) since the last flush. */
  get length(): number {
    return this.#start < 0 ? this.out.length : this.#start;
  }

  /** Complete messages queued since the last flush. */
  get messageCount(): number {
    return this.#count;
  }

  /** Start a message: reserves its first chunk header. */
  beginMessage(): void {
    if (this.#start >= 0)
      throw new ChunkingError('INVALID_STATE', 'beginMessage() while a message is open');
    const out = this.out;
    out.ensure(2);
    this.#start = out.length;
    out.length += 2;
  }

  /** Close the open message: patch the header(s), split a long body, append `00 00`. */
  endMessage(): void {
    const start = this.#start;
    if (start < 0) throw new ChunkingError('INVALID_STATE', 'endMessage() without beginMessage()');
    const out = this.out;
    const body = out.length - start - 2;
    if (body === 0) {
      out.length = start;
      this.#start = -1;
      throw new ChunkingError(
        'INVALID_STATE',
        'an empty message cannot be framed (it would read as a NOOP)',
      );
    }
    const max = this.maxChunkSize;
    if (body <= max) {
      out.buffer[start] = body >> 8;
      out.buffer[start + 1] = body & 0xff;
    } else {
      const chunks = Math.ceil(body / max);
      const extra = (chunks - 1) * 2;
      out.ensure(extra + 2);
      const b = out.buffer;
      const bodyStart = start + 2;
      // Move chunks back to front so nothing is overwritten before it is moved.
      for (let c = chunks - 1; c >= 1; c--) {
        const from = bodyStart + c * max;
        const size = Math.min(max, body - c * max);
        const to = from + c * 2;
        b.copyWithin(to, from, from + size);
        b[to - 2] = size >> 8;
        b[to - 1] = size & 0xff;
      }
      b[start] = max >> 8;
      b[start + 1] = max & 0xff;
      out.length += extra;
    }
    out.ensure(2);
    out.buffer[out.length++] = 0;
    out.buffer[out.length++] = 0;
    this.#start = -1;
    this.#count++;
  }

  /** Abandon the open message (e.g. its encoding failed); queued messages are kept. */
  abortMessage(): void {
    if (this.#start >= 0) {
      this.out.length = this.#start;
      this.#start = -1;
    }
  }

  /** Frame an already-encoded message body. */
  writeMessage(body: Uint8Array): void {
    if (this.#start >= 0)
      throw new ChunkingError('INVALID_STATE', 'writeMessage() while a message is open');
    if (body.length === 0)
      throw new ChunkingError('INVALID_STATE', 'an empty message cannot be framed');
    const max = this.maxChunkSize;
    const out = this.out;
    out.ensure(body.length + Math.ceil(body.length / max) * 2 + 2);
    const b = out.buffer;
    let p = out.length;
    if (body.length <= max) {
      // One chunk (the usual case): no view of the body needed.
      b[p++] = body.length >> 8;
      b[p++] = body.length & 0xff;
      b.set(body, p);
      b[p + body.length] = 0;
      b[p + body.length + 1] = 0;
      out.length = p + body.length + 2;
      this.#count++;
      return;
    }
    for (let i = 0; i < body.length; i += max) {
      const size = Math.min(max, body.length - i);
      b[p++] = size >> 8;
      b[p++] = size & 0xff;
      b.set(body.subarray(i, i + size), p);
      p += size;
    }
    b[p++] = 0;
    b[p++] = 0;
    out.length = p;
    this.#count++;
  }

  /** Queue a bare `00 00` keep-alive (between messages only). */
  writeNoop(): void {
    if (this.#start >= 0)
      throw new ChunkingError('INVALID_STATE', 'writeNoop() while a message is open');
    this.out.u16(0);
  }

  /**
   * The queued bytes as a view of the writer's own buffer, without a copy; the queue is emptied.
   * The next message is written over those bytes: hand the view only to someone who is done
   * with it by then (a transport that sent it at once), or call {@link detach}.
   */
  flushView(): Uint8Array {
    if (this.#start >= 0)
      throw new ChunkingError('INVALID_STATE', 'flushView() while a message is open');
    const view = this.out.buffer.subarray(0, this.out.length);
    this.out.reset();
    this.#count = 0;
    return view;
  }

  /** Leave the buffer (and the views {@link flushView} gave out) to whoever holds them and go
   *  on in a new buffer of the same capacity; queued bytes move along. */
  detach(): void {
    const out = this.out;
    const next = new Uint8Array(out.buffer.length);
    next.set(out.buffer.subarray(0, out.length));
    out.buffer = next;
    out.view = new DataView(next.buffer);
  }

  /** The queued bytes as a NEW Uint8Array (safe to hand to a socket); the queue is emptied. */
  flush(): Uint8Array {
    if (this.#start >= 0)
      throw new ChunkingError('INVALID_STATE', 'flush() while a message is open');
    const bytes = this.out.toBytes();
    this.out.reset();
    this.#count = 0;
    return bytes;
  }
}

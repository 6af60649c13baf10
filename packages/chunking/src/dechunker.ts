import { ChunkingError } from './chunking-error';

/** Options of `Dechunker`. */
export interface DechunkerOptions {
  /**
   * Called once per complete message with its bytes. The view is valid ONLY during the call
   * (a single-chunk message that arrived in one piece is a view into the pushed input; others
   * view an internal buffer that is reused). Copy it to keep it. Give this or `onMessageAt`.
   */
  onMessage?(message: Uint8Array): void;
  /**
   * Instead of `onMessage`: the message is `bytes[start, end)`, with no view made for it (a
   * receiver of many small messages saves an object per message). The same validity: the
   * pushed input, or an internal buffer that is reused.
   */
  onMessageAt?(bytes: Uint8Array, start: number, end: number): void;
  /** Called for a `00 00` between messages (a NOOP keep-alive). Default: ignored. */
  onNoop?(): void;
  /** Largest message accepted, in bytes; beyond it push() throws MESSAGE_TOO_LARGE before
   *  buffering it. Default 64 MiB. */
  maxMessageSize?: number;
}

const INITIAL = 64 * 1024;
// A reassembly buffer larger than this is released once a message that needs far less of it
// has been delivered (so one huge message does not pin its memory forever).
const KEEP = 4 * 1024 * 1024;

/**
 * Reassembles Bolt messages from bytes split anywhere (even one byte at a time). Chunk bodies
 * are appended to one growable buffer, so reassembly is linear in the message size.
 */
export class Dechunker {
  readonly maxMessageSize: number;
  readonly #onMessage: ((message: Uint8Array) => void) | undefined;
  readonly #onMessageAt: ((bytes: Uint8Array, start: number, end: number) => void) | undefined;
  readonly #onNoop: (() => void) | undefined;
  #buf = new Uint8Array(0);
  #length = 0; // bytes of the current message reassembled so far
  #remaining = 0; // bytes of the current chunk still to come
  #half = -1; // first byte of a header split across pushes, or -1
  #failed = false;

  constructor(options: DechunkerOptions) {
    this.#onMessage = options.onMessage;
    this.#onMessageAt = options.onMessageAt;
    if ((this.#onMessage === undefined) === (this.#onMessageAt === undefined))
      throw new TypeError('Dechunker needs one of onMessage and onMessageAt');
    this.#onNoop = options.onNoop;
    this.maxMessageSize = options.maxMessageSize ?? 64 * 1024 * 1024;
  }

  /** True when no partial message, chunk or header is buffered. */
  get idle(): boolean {
    return this.#length === 0 && this.#remaining === 0 && this.#half < 0;
  }

  /** Forget any partial message and clear a failure. */
  reset(): void {
    this.#length = 0;
    this.#remaining = 0;
    this.#half = -1;
    this.#failed = false;
    if (this.#buf.length > KEEP) this.#buf = new Uint8Array(0);
  }

  /**
   * Feed bytes (any split). Calls onMessage / onNoop synchronously for what completes. After a
   * ChunkingError the dechunker refuses input until reset(). If a callback throws, push rethrows
   * and the rest of this input is dropped; call reset() before reusing it.
   */
  push(bytes: Uint8Array): void {
    if (this.#failed) {
      throw new ChunkingError(
        'INVALID_STATE',
        'the dechunker failed earlier; call reset() before pushing again',
      );
    }
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, n - i);
        this.#append(bytes, i, take);
        i += take;
        this.#remaining -= take;
        continue;
      }
      let size: number;
      if (this.#half >= 0) {
        size = (this.#half << 8) | bytes[i++];
        this.#half = -1;
      } else if (i + 1 < n) {
        size = (bytes[i] << 8) | bytes[i + 1];
        i += 2;
      } else {
        this.#half = bytes[i++];
        break;
      }
      if (size === 0) {
        if (this.#length === 0) {
          this.#onNoop?.();
        } else {
          const len = this.#length;
          this.#length = 0;
          const buf = this.#buf;
          // Keep a big buffer while big messages keep coming; drop it after a small one.
          if (buf.length > KEEP && len * 4 < buf.length) this.#buf = new Uint8Array(0);
          this.#deliver(buf, 0, len);
        }
        continue;
      }
      if (this.#length + size > this.maxMessageSize) {
        this.#failed = true;
        throw new ChunkingError(
          'MESSAGE_TOO_LARGE',
          `message exceeds maxMessageSize ${this.maxMessageSize} bytes (${this.#length} buffered + a ${size}-byte chunk)`,
        );
      }
      // A whole single-chunk message in this input: hand out a view, no copy.
      if (
        this.#length === 0 &&
        i + size + 2 <= n &&
        bytes[i + size] === 0 &&
        bytes[i + size + 1] === 0
      ) {
        const start = i;
        i += size + 2;
        this.#deliver(bytes, start, start + size);
        continue;
      }
      this.#remaining = size;
    }
  }

  #deliver(bytes: Uint8Array, start: number, end: number): void {
    if (this.#onMessageAt !== undefined) this.#onMessageAt(bytes, start, end);
    else this.#onMessage!(bytes.subarray(start, end));
  }

  #append(src: Uint8Array, from: number, count: number): void {
    const need = this.#length + count;
    if (need > this.#buf.length) {
      let cap = this.#buf.length || INITIAL;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, this.#length));
      this.#buf = next;
    }
    this.#buf.set(src.subarray(from, from + count), this.#length);
    this.#length = need;
  }
}

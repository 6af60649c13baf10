const MARKER = Symbol.for('@bolt/chunking/ChunkingError');

/** Why framing failed. */
export type ChunkingErrorCode =
  /** A message grew past the dechunker's `maxMessageSize`. */
  | 'MESSAGE_TOO_LARGE'
  /** A call out of order (e.g. endMessage without beginMessage, push after a failure). */
  | 'INVALID_STATE';

/** The one error type of `@bolt/chunking`. */
export class ChunkingError extends Error {
  override readonly name = 'ChunkingError';
  readonly code: ChunkingErrorCode;

  constructor(code: ChunkingErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  /** True for a ChunkingError from any copy of this package (survives duplicate installs). */
  static isInstance(e: unknown): e is ChunkingError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}
Object.defineProperty(ChunkingError.prototype, MARKER, { value: true });

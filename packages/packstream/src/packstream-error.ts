const MARKER = Symbol.for('@bolt/packstream/PackStreamError');

/** Why a PackStream operation failed. */
export type PackStreamErrorCode =
  /** The input ended before the value did; more bytes would be needed. */
  | 'TRUNCATED'
  /** A marker byte that PackStream v1 reserves (C4–C7, CF, D3, D7, DB–DF, E1–EF). */
  | 'RESERVED_MARKER'
  /** A configured limit (depth, length, entries, message size) was exceeded. */
  | 'LIMIT_EXCEEDED'
  /** A string's bytes are not valid UTF-8. */
  | 'INVALID_UTF8'
  /** A map key is not a string (decode) or not a string key (encode). */
  | 'INVALID_MAP_KEY'
  /** A structure has the wrong field count or field types for its tag, or an invalid tag. */
  | 'INVALID_STRUCT'
  /** Bytes remain after the one value that was asked for. */
  | 'TRAILING_BYTES'
  /** A JS value PackStream cannot carry (function, symbol, unregistered class, out-of-range bigint…). */
  | 'UNSUPPORTED_VALUE'
  /** A value the negotiated Bolt version cannot carry (e.g. UUID `E0` before 6.1). */
  | 'UNSUPPORTED_IN_VERSION';

/**
 * The one error type of `@bolt/packstream`. `offset` is the byte offset in the input where the
 * offending value starts (decoding), or -1 when encoding.
 */
export class PackStreamError extends Error {
  override readonly name = 'PackStreamError';
  readonly code: PackStreamErrorCode;
  readonly offset: number;

  constructor(
    code: PackStreamErrorCode,
    message: string,
    offset = -1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.offset = offset;
  }

  /** True for a PackStreamError from any copy of this package (survives duplicate installs). */
  static isInstance(e: unknown): e is PackStreamError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}
Object.defineProperty(PackStreamError.prototype, MARKER, { value: true });

const MARKER = Symbol.for('@bolt/parser/ProtocolError');

/** Why a handshake or message broke the Bolt protocol. */
export type ProtocolErrorCode =
  /** The server answered the handshake with "HTTP": this is an HTTP port, not Bolt. */
  | 'HTTP_SERVER'
  /** The peers share no version (a `00 00 00 00` reply, or no match in a manifest). */
  | 'NO_COMMON_VERSION'
  /** The client did not open with `60 60 B0 17`. */
  | 'BAD_MAGIC'
  /** A malformed handshake: bad reply, unoffered version, oversized varint or manifest. */
  | 'BAD_HANDSHAKE'
  /** A message signature that no Bolt version defines. */
  | 'UNKNOWN_MESSAGE'
  /** A message that exists, but not in the negotiated version (e.g. LOGON on 4.4). */
  | 'MESSAGE_NOT_IN_VERSION'
  /** A message with the wrong number of fields, or that is not a structure. */
  | 'BAD_MESSAGE'
  /** A field (or a key of an extra/metadata map) with the wrong type or value. */
  | 'BAD_FIELD'
  /** A request that the server state machine does not allow in the current state. */
  | 'STATE_VIOLATION';

/** The one error type of @bolt/parser. Survives duplicate installs: use {@link ProtocolError.isInstance}. */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolError';
    this.code = code;
  }

  /** True for a ProtocolError from any copy of this package. */
  static isInstance(e: unknown): e is ProtocolError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}
Object.defineProperty(ProtocolError.prototype, MARKER, { value: true });

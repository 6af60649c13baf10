const MARKER = Symbol.for('@bolt/net-adapters/TransportError');

/**
 * What went wrong while moving bytes:
 * - `CONNECT_TIMEOUT`: no connection (or no finished TLS/WebSocket handshake) within `connectTimeoutMs`.
 * - `CONNECT_REFUSED`: nothing listens at the address.
 * - `CONNECT_FAILED`: any other failure to connect (DNS, unreachable, WebSocket upgrade refused).
 * - `ABORTED`: the caller's `AbortSignal` fired.
 * - `CLOSED`: the transport is closed (write after `end()`/`destroy()`, `drained()` on a closed transport).
 * - `RESET`: the peer closed abruptly (TCP reset, WebSocket closed without a clean close frame, `destroy()` on a memory peer).
 * - `TLS`: certificate verification or TLS negotiation failed, or a TLS option the module cannot honour.
 * - `LISTEN_FAILED`: the listener could not bind (port in use, bad host).
 * - `PROTOCOL`: the carrier broke its own rules (a text WebSocket frame where Bolt needs binary).
 */
export type TransportErrorCode =
  | 'CONNECT_TIMEOUT'
  | 'CONNECT_REFUSED'
  | 'CONNECT_FAILED'
  | 'ABORTED'
  | 'CLOSED'
  | 'RESET'
  | 'TLS'
  | 'LISTEN_FAILED'
  | 'PROTOCOL';

/** The one error class of `@bolt/net-adapters`. Test with `TransportError.isInstance(e)`, which
 *  also works across duplicate installs of the package. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, MARKER, { value: true });
  }

  static isInstance(e: unknown): e is TransportError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}

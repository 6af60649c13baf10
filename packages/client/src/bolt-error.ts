import {
  classifyCode,
  defaultDescription,
  diagnosticRecord,
  type ErrorClassification,
  type Failure,
  type FailureMetadata,
  failureFromMetadata,
  GENERAL_GQL_STATUS,
  isRetryable,
} from '@bolt/parser/internal';

const MARKER = Symbol.for('@bolt/client/BoltError');

/** Where an error came from. */
export type BoltErrorKind =
  /** The server answered FAILURE (see `code`, `gqlStatus`). */
  | 'server'
  /** No connection could be opened (refused, DNS, TLS, connect timeout). Retryable. */
  | 'could-not-connect'
  /** An open connection died (socket closed, receive timeout) while work was outstanding. Retryable. */
  | 'connection-lost'
  /** The peer is not a usable Bolt server: an HTTP port, no common protocol version, a bad handshake. */
  | 'protocol-refused'
  /** The server broke the protocol after the handshake (undecodable bytes, unexpected message). */
  | 'protocol'
  /** The pool had no free connection within `connectionAcquisitionTimeoutMs`. */
  | 'pool-exhausted'
  /** A wait ran out of time (a `timeoutMs` option). */
  | 'timeout'
  /** A wait was cancelled through its `AbortSignal`. */
  | 'aborted'
  /** The API was used wrongly (closed driver/session, bad argument, feature absent in the version). */
  | 'usage';

export type { ErrorClassification };

/** Neo4j-compatible driver-side codes for errors that did not come from the server. */
export const SERVICE_UNAVAILABLE = 'ServiceUnavailable';
export const SESSION_EXPIRED = 'SessionExpired';
export const PROTOCOL_ERROR = 'ProtocolError';
/** The server's verdict that the credentials a connection holds expired (re-authenticate). */
export const AUTHORIZATION_EXPIRED = 'Neo.ClientError.Security.AuthorizationExpired';

export interface BoltErrorOptions {
  kind: BoltErrorKind;
  /** Neo4j status code (`Neo.ClientError.Statement.SyntaxError`) or a driver code (`ServiceUnavailable`). */
  code: string;
  /** GQLSTATUS. Default `'50N42'` (general processing exception). */
  gqlStatus?: string;
  /** Description of the GQL status. Default: `"error: general processing exception - unexpected
   *  error. " + message` for `50N42`, else `"error: " + message`. */
  gqlStatusDescription?: string;
  /** Entries of the diagnostic record, over the defaults
   *  `{OPERATION: "", OPERATION_CODE: "0", CURRENT_SCHEMA: "/"}`. */
  diagnosticRecord?: Record<string, unknown>;
  /** Default: from `code` (`Neo.<Classification>.…`), else `'UNKNOWN'`. */
  classification?: ErrorClassification;
  /** Default: true for `could-not-connect` and `connection-lost`; for `server`, what
   *  `@bolt/parser`'s `isRetryable` says; false otherwise. */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * The one error class of @bolt/client, compatible with the official driver's `Neo4jError`:
 * `code`, `classification`, `retryable`, `gqlStatus`, `gqlStatusDescription`, `cause`, the
 * same field names as `@bolt/server`'s BoltError. `kind` tells where it came from. What a
 * FAILURE means (codes, classification, retries, GQL fields per version) is `@bolt/parser`'s
 * `failureFromMetadata`. Detect it with `BoltError.isInstance(e)` (works across duplicate
 * installs) or `e instanceof BoltError`.
 */
export class BoltError extends Error {
  override readonly name = 'BoltError';
  readonly kind: BoltErrorKind;
  readonly code: string;
  readonly classification: ErrorClassification;
  readonly retryable: boolean;
  readonly gqlStatus: string;
  readonly gqlStatusDescription: string;
  readonly diagnosticRecord: Record<string, unknown>;
  /** The server's raw FAILURE metadata (for kind 'server'). */
  readonly metadata?: Record<string, unknown>;

  constructor(message: string, options: BoltErrorOptions, metadata?: Record<string, unknown>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, MARKER, { value: true });
    this.kind = options.kind;
    this.code = options.code;
    this.classification = options.classification ?? classifyCode(options.code);
    this.retryable = options.retryable ?? retryableKind(options.kind, this);
    this.gqlStatus = options.gqlStatus ?? GENERAL_GQL_STATUS;
    this.gqlStatusDescription =
      options.gqlStatusDescription ?? defaultDescription(this.gqlStatus, message);
    this.diagnosticRecord = diagnosticRecord(options.diagnosticRecord);
    if (metadata) this.metadata = metadata;
  }

  static isInstance(e: unknown): e is BoltError {
    return typeof e === 'object' && e !== null && (e as any)[MARKER] === true;
  }

  /** Build from a FAILURE's metadata, any Bolt version (pre-5.7 `code`, 5.7+ `neo4j_code` + GQL).
   *  The metadata is read as sent: keys of unexpected types are tolerated. */
  static fromFailure(metadata: Record<string, unknown>): BoltError {
    return fromParsed(failureFromMetadata(metadata as FailureMetadata), metadata);
  }
}

function fromParsed(f: Failure, metadata?: Record<string, unknown>): BoltError {
  return new BoltError(
    f.message,
    {
      kind: 'server',
      code: f.code,
      classification: f.classification,
      // a nested cause is never retryable on its own
      retryable: metadata === undefined ? false : undefined,
      gqlStatus: f.gqlStatus,
      gqlStatusDescription: f.description,
      diagnosticRecord: f.diagnosticRecord,
      cause: f.cause === undefined ? undefined : fromParsed(f.cause),
    },
    metadata,
  );
}

function retryableKind(kind: BoltErrorKind, e: Pick<Failure, 'code' | 'classification'>): boolean {
  if (kind === 'could-not-connect' || kind === 'connection-lost') return true;
  return kind === 'server' && isRetryable(e);
}

/** A usage error (bad argument, closed object, unsupported in the negotiated version). */
export function usageError(message: string): BoltError {
  return new BoltError(message, {
    kind: 'usage',
    code: 'Neo.ClientError.Request.Invalid',
    classification: 'CLIENT_ERROR',
    retryable: false,
  });
}

/** The error to raise when an AbortSignal fires. */
export function abortError(signal: AbortSignal, what: string): BoltError {
  const reason = signal.reason;
  if (BoltError.isInstance(reason)) return reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return new BoltError(`${what} was ${timedOut ? 'timed out' : 'aborted'}`, {
    kind: timedOut ? 'timeout' : 'aborted',
    code: timedOut ? 'Neo.ClientError.Request.Timeout' : 'Neo.ClientError.Request.Aborted',
    classification: 'CLIENT_ERROR',
    retryable: false,
    cause: reason,
  });
}

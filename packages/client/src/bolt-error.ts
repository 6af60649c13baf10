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

export type ErrorClassification = 'CLIENT_ERROR' | 'TRANSIENT_ERROR' | 'DATABASE_ERROR' | 'UNKNOWN';

/** Neo4j-compatible driver-side codes for errors that did not come from the server. */
export const SERVICE_UNAVAILABLE = 'ServiceUnavailable';
export const SESSION_EXPIRED = 'SessionExpired';
export const PROTOCOL_ERROR = 'ProtocolError';

export interface BoltErrorOptions {
  kind: BoltErrorKind;
  /** Neo4j status code (`Neo.ClientError.Statement.SyntaxError`) or a driver code (`ServiceUnavailable`). */
  code: string;
  gqlStatus?: string;
  gqlStatusDescription?: string;
  diagnosticRecord?: Record<string, unknown>;
  classification?: ErrorClassification;
  retryable?: boolean;
  cause?: unknown;
}

const RETRYABLE_CLIENT_CODES = new Set([
  'Neo.ClientError.Security.AuthorizationExpired',
  'Neo.ClientError.Cluster.NotALeader',
  'Neo.ClientError.General.ForbiddenOnReadOnlyDatabase',
]);
/** 4.x transient codes that 5.x reclassified as client errors; never retried. */
const RECLASSIFIED = new Map([
  ['Neo.TransientError.Transaction.Terminated', 'Neo.ClientError.Transaction.Terminated'],
  [
    'Neo.TransientError.Transaction.LockClientStopped',
    'Neo.ClientError.Transaction.LockClientStopped',
  ],
]);

const DEFAULT_DIAGNOSTIC_RECORD = { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' };

/**
 * The one error class of @bolt/client, compatible with the official driver's `Neo4jError`:
 * `code`, `classification`, `retryable`, `gqlStatus`, `gqlStatusDescription`, `cause`.
 * `kind` tells where it came from. Detect it with `BoltError.isInstance(e)` (works across
 * duplicate installs) or `e instanceof BoltError`.
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
    this.classification = options.classification ?? classify(options.code);
    this.retryable = options.retryable ?? isRetryable(options.kind, this.code, this.classification);
    this.gqlStatus = options.gqlStatus ?? '50N42';
    this.gqlStatusDescription =
      options.gqlStatusDescription ??
      `error: general processing exception - unexpected error. ${message}`;
    this.diagnosticRecord = { ...DEFAULT_DIAGNOSTIC_RECORD, ...options.diagnosticRecord };
    if (metadata) this.metadata = metadata;
  }

  static isInstance(e: unknown): e is BoltError {
    return typeof e === 'object' && e !== null && (e as any)[MARKER] === true;
  }

  /** Build from a FAILURE's metadata, any Bolt version (pre-5.7 `code`, 5.7+ `neo4j_code` + GQL). */
  static fromFailure(metadata: Record<string, unknown>): BoltError {
    const rawCode = String(
      metadata.neo4j_code ?? metadata.code ?? 'Neo.DatabaseError.General.UnknownError',
    );
    const code = RECLASSIFIED.get(rawCode) ?? rawCode;
    const message = String(metadata.message ?? 'the server reported a failure without a message');
    const cause = isMap(metadata.cause) ? BoltError.fromGqlCause(metadata.cause) : undefined;
    const diag = isMap(metadata.diagnostic_record) ? metadata.diagnostic_record : undefined;
    const classification = classifyFromDiagnostic(diag) ?? classify(code);
    return new BoltError(
      message,
      {
        kind: 'server',
        code,
        classification: RECLASSIFIED.has(rawCode) ? 'CLIENT_ERROR' : classification,
        gqlStatus: typeof metadata.gql_status === 'string' ? metadata.gql_status : undefined,
        gqlStatusDescription:
          typeof metadata.description === 'string' ? metadata.description : undefined,
        diagnosticRecord: diag,
        cause,
      },
      metadata,
    );
  }

  private static fromGqlCause(m: Record<string, unknown>): BoltError {
    const diag = isMap(m.diagnostic_record) ? m.diagnostic_record : undefined;
    return new BoltError(String(m.message ?? ''), {
      kind: 'server',
      code: 'N/A',
      classification: classifyFromDiagnostic(diag) ?? 'UNKNOWN',
      retryable: false,
      gqlStatus: typeof m.gql_status === 'string' ? m.gql_status : undefined,
      gqlStatusDescription: typeof m.description === 'string' ? m.description : undefined,
      diagnosticRecord: diag,
      cause: isMap(m.cause) ? BoltError.fromGqlCause(m.cause) : undefined,
    });
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function classifyFromDiagnostic(
  diag: Record<string, unknown> | undefined,
): ErrorClassification | undefined {
  const c = diag?._classification;
  if (c === undefined) return undefined;
  return c === 'CLIENT_ERROR' || c === 'TRANSIENT_ERROR' || c === 'DATABASE_ERROR' ? c : 'UNKNOWN';
}

function classify(code: string): ErrorClassification {
  if (code.startsWith('Neo.ClientError.')) return 'CLIENT_ERROR';
  if (code.startsWith('Neo.TransientError.')) return 'TRANSIENT_ERROR';
  if (code.startsWith('Neo.DatabaseError.')) return 'DATABASE_ERROR';
  return 'UNKNOWN';
}

function isRetryable(kind: BoltErrorKind, code: string, c: ErrorClassification): boolean {
  if (kind === 'could-not-connect' || kind === 'connection-lost') return true;
  if (kind !== 'server') return false;
  if (code.startsWith('Neo.TransientError.')) return true;
  return c === 'TRANSIENT_ERROR' || RETRYABLE_CLIENT_CODES.has(code);
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

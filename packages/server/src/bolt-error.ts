import {
  classifyCode,
  defaultDescription,
  type ErrorClassification,
  type Failure,
  type FailureMetadata,
  type FailureShape,
  failureMetadata,
  GENERAL_GQL_STATUS,
  isRetryable,
  MAX_CAUSE_DEPTH,
  UNKNOWN_ERROR_CODE,
} from '@bolt/parser/internal';

export { type ErrorClassification, type FailureShape, GENERAL_GQL_STATUS, UNKNOWN_ERROR_CODE };

const MARKER = Symbol.for('@bolt/server/BoltError');

export interface BoltErrorOptions {
  /** Neo4j status code, `Neo.<Classification>.<Category>.<Title>`.
   *  Default `'Neo.DatabaseError.General.UnknownError'`. */
  code?: string;
  /** 5-character GQLSTATUS sent to Bolt 5.7+ clients. Default `'50N42'` (general processing exception). */
  gqlStatus?: string;
  /** Description of the GQL status (5.7+). Default: `"error: general processing exception - unexpected error. " + message`
   *  for `50N42`, else `"error: " + message`. */
  gqlStatusDescription?: string;
  /** @deprecated The old name of `gqlStatusDescription` (used when that is not given). */
  description?: string;
  /** Extra `diagnostic_record` entries (5.7+), merged over the standard defaults
   *  `{OPERATION: "", OPERATION_CODE: "0", CURRENT_SCHEMA: "/"}` and `_classification`. */
  diagnosticRecord?: Record<string, unknown>;
  /** The underlying error. A BoltError (or Neo4j-coded error) here is sent as the nested
   *  FAILURE `cause` to 5.7+ clients. */
  cause?: unknown;
}

/**
 * The error a handler throws to answer FAILURE with a Neo4j status code. Any other thrown value
 * becomes `Neo.DatabaseError.General.UnknownError` (see {@link BoltError.from}). Its fields are
 * named as in `@bolt/client`'s BoltError and the official driver's `Neo4jError`; what a FAILURE
 * carries in each Bolt version is `@bolt/parser`'s `failureMetadata`.
 *
 * ```ts
 * throw new BoltError('No such label: Persn', { code: 'Neo.ClientError.Statement.SyntaxError', gqlStatus: '42001' });
 * ```
 * Detect it with `BoltError.isInstance(e)`, which works across duplicate installs.
 */
export class BoltError extends Error {
  override readonly name = 'BoltError';
  readonly code: string;
  readonly gqlStatus: string;
  readonly gqlStatusDescription: string;
  readonly diagnosticRecord: Record<string, unknown> | undefined;

  constructor(message: string, options: BoltErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, MARKER, { value: true });
    this.code = options.code ?? UNKNOWN_ERROR_CODE;
    this.gqlStatus = options.gqlStatus ?? GENERAL_GQL_STATUS;
    this.gqlStatusDescription =
      options.gqlStatusDescription ??
      options.description ??
      defaultDescription(this.gqlStatus, message);
    this.diagnosticRecord = options.diagnosticRecord;
  }

  /** @deprecated The old name of {@link BoltError.gqlStatusDescription}. */
  get description(): string {
    return this.gqlStatusDescription;
  }

  /** `CLIENT_ERROR`, `TRANSIENT_ERROR`, `DATABASE_ERROR`, or `UNKNOWN` for a code of another shape. */
  get classification(): ErrorClassification {
    return classifyCode(this.code);
  }

  /** Whether a client may run the work again (transient errors, and the client errors a new
   *  token, member or leader cures), as the client reads this error. */
  get retryable(): boolean {
    return isRetryable(this);
  }

  static isInstance(e: unknown): e is BoltError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }

  /**
   * The BoltError for anything a handler threw. A BoltError is returned as is. An error that
   * already carries a Neo4j code (`code: "Neo.…"`, e.g. a `Neo4jError` from a driver a gateway
   * talks to) keeps its code, `gqlStatus`, description, diagnostic record and cause chain
   * (sent as the nested 5.7+ `cause`). Anything else becomes
   * `Neo.DatabaseError.General.UnknownError` with the error's message.
   */
  static from(e: unknown): BoltError {
    if (BoltError.isInstance(e)) return e;
    if (typeof e === 'object' && e !== null) {
      const o = e as Record<string, unknown>;
      const message = typeof o.message === 'string' ? o.message : String(e);
      if (typeof o.code === 'string' && o.code.startsWith('Neo.')) {
        // The copy stands for the error itself: its cause is the error's own cause (the nested
        // 5.7+ chain), never the error again (that repeated it as its own cause, 8 deep).
        const diagnostics = o.diagnosticRecord;
        return new BoltError(message, {
          code: o.code,
          gqlStatus: typeof o.gqlStatus === 'string' ? o.gqlStatus : undefined,
          gqlStatusDescription:
            typeof o.gqlStatusDescription === 'string' ? o.gqlStatusDescription : undefined,
          diagnosticRecord:
            diagnostics !== null && typeof diagnostics === 'object' && !Array.isArray(diagnostics)
              ? (plainValue(diagnostics) as Record<string, unknown>)
              : undefined,
          cause: o.cause ?? undefined,
        });
      }
      return new BoltError(message, { cause: e });
    }
    return new BoltError(String(e));
  }

  /** The FAILURE metadata map for a version: `{code, message}` before 5.7, the GQL shape from 5.7. */
  toFailureMetadata(shape: FailureShape): FailureMetadata {
    return failureMetadata(this.toFailure(0), shape);
  }

  /** This error as a FAILURE, with the chain of coded causes (at most 8 deep). */
  private toFailure(depth: number): Failure {
    const failure: Failure = {
      code: this.code,
      message: this.message,
      gqlStatus: this.gqlStatus,
      description: this.gqlStatusDescription,
      classification: this.classification,
      diagnosticRecord: this.diagnosticRecord,
    };
    const c = (this as { cause?: unknown }).cause;
    if (depth < MAX_CAUSE_DEPTH && isCoded(c)) {
      const inner = BoltError.from(c);
      if (inner !== this) failure.cause = inner.toFailure(depth + 1);
    }
    return failure;
  }
}

/** A cause that goes out as a nested FAILURE cause: a BoltError, or an error with a Neo4j code
 *  or a GQL status. */
function isCoded(c: unknown): boolean {
  if (BoltError.isInstance(c)) return true;
  if (typeof c !== 'object' || c === null) return false;
  const o = c as { code?: unknown; gqlStatus?: unknown };
  return (
    typeof o.code === 'string' && (o.code.startsWith('Neo.') || typeof o.gqlStatus === 'string')
  );
}

/**
 * A driver's diagnostic record as plain values: neo4j-driver's `Integer` objects (anything with
 * `toBigInt()`) become bigints, maps and lists are copied; nothing else is changed.
 */
function plainValue(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || depth > 8) return v;
  if (typeof (v as { toBigInt?: unknown }).toBigInt === 'function')
    return (v as { toBigInt(): bigint }).toBigInt();
  if (Array.isArray(v)) return v.map((x) => plainValue(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = plainValue((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

const MARKER = Symbol.for('@bolt/server/BoltError');

/** The code a handler error gets when it carries none of its own. */
export const UNKNOWN_ERROR_CODE = 'Neo.DatabaseError.General.UnknownError';
/** The GQL status of a general processing exception, used when an error names none. */
export const GENERAL_GQL_STATUS = '50N42';

/** How Neo4j classifies a status code: the second segment of `Neo.<Classification>.<Category>.<Title>`. */
export type ErrorClassification = 'CLIENT_ERROR' | 'TRANSIENT_ERROR' | 'DATABASE_ERROR' | 'UNKNOWN';

export interface BoltErrorOptions {
  /** Neo4j status code, `Neo.<Classification>.<Category>.<Title>`.
   *  Default `'Neo.DatabaseError.General.UnknownError'`. */
  code?: string;
  /** 5-character GQLSTATUS sent to Bolt 5.7+ clients. Default `'50N42'` (general processing exception). */
  gqlStatus?: string;
  /** Description of the GQL status (5.7+). Default: `"error: general processing exception - unexpected error. " + message`
   *  for `50N42`, else `"error: " + message`. */
  description?: string;
  /** Extra `diagnostic_record` entries (5.7+), merged over the standard defaults
   *  `{OPERATION: "", OPERATION_CODE: "0", CURRENT_SCHEMA: "/"}` and `_classification`. */
  diagnosticRecord?: Record<string, unknown>;
  /** The underlying error. A BoltError (or Neo4j-coded error) here is sent as the nested
   *  FAILURE `cause` to 5.7+ clients. */
  cause?: unknown;
}

/** Which FAILURE shape a version wants: `gqlErrors` is true for Bolt 5.7+. */
export interface FailureShape {
  gqlErrors: boolean;
}

/**
 * The error a handler throws to answer FAILURE with a Neo4j status code. Any other thrown value
 * becomes `Neo.DatabaseError.General.UnknownError` (see {@link BoltError.from}).
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
  readonly description: string;
  readonly diagnosticRecord: Record<string, unknown> | undefined;

  constructor(message: string, options: BoltErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, MARKER, { value: true });
    this.code = options.code ?? UNKNOWN_ERROR_CODE;
    this.gqlStatus = options.gqlStatus ?? GENERAL_GQL_STATUS;
    this.description =
      options.description ??
      (this.gqlStatus === GENERAL_GQL_STATUS
        ? `error: general processing exception - unexpected error. ${message}`
        : `error: ${message}`);
    this.diagnosticRecord = options.diagnosticRecord;
  }

  /** `CLIENT_ERROR`, `TRANSIENT_ERROR`, `DATABASE_ERROR`, or `UNKNOWN` for a code of another shape. */
  get classification(): ErrorClassification {
    return classify(this.code);
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
          description:
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
  toFailureMetadata(shape: FailureShape): Record<string, unknown> {
    if (!shape.gqlErrors) return { code: this.code, message: this.message };
    const meta: Record<string, unknown> = {
      neo4j_code: this.code,
      message: this.message,
      gql_status: this.gqlStatus,
      description: this.description,
      diagnostic_record: this.diagnostics(),
    };
    const cause = this.gqlCause(0);
    if (cause) meta.cause = cause;
    return meta;
  }

  private diagnostics(): Record<string, unknown> {
    return {
      OPERATION: '',
      OPERATION_CODE: '0',
      CURRENT_SCHEMA: '/',
      _classification: this.classification,
      ...this.diagnosticRecord,
    };
  }

  /** The nested `cause` chain (no `neo4j_code` inside, as the protocol says), at most 8 deep. */
  private gqlCause(depth: number): Record<string, unknown> | undefined {
    const c = (this as { cause?: unknown }).cause;
    if (depth >= 8 || c === undefined || c === null) return undefined;
    const isCoded =
      BoltError.isInstance(c) ||
      (typeof c === 'object' &&
        typeof (c as { code?: unknown }).code === 'string' &&
        ((c as { code: string }).code.startsWith('Neo.') ||
          typeof (c as { gqlStatus?: unknown }).gqlStatus === 'string'));
    if (!isCoded) return undefined;
    const inner = BoltError.from(c);
    if (inner === this) return undefined;
    const out: Record<string, unknown> = {
      message: inner.message,
      gql_status: inner.gqlStatus,
      description: inner.description,
      diagnostic_record: inner.diagnostics(),
    };
    const deeper = inner.gqlCause(depth + 1);
    if (deeper) out.cause = deeper;
    return out;
  }
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

function classify(code: string): ErrorClassification {
  const second = code.split('.')[1];
  switch (second) {
    case 'ClientError':
      return 'CLIENT_ERROR';
    case 'TransientError':
      return 'TRANSIENT_ERROR';
    case 'DatabaseError':
      return 'DATABASE_ERROR';
    default:
      return 'UNKNOWN';
  }
}

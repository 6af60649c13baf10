import { BoltError } from '@bolt/client/node';
import { type CypherValue, mapToCypher } from './cypher.js';
import type { TestkitResponse } from './framing.js';

/**
 * An error raised by the test code itself (testkit's "frontend"): `RetryableNegative` without an
 * error id makes the managed transaction's work function throw this, and it comes back to
 * testkit as a `FrontendError`, not as a driver error.
 */
export class FrontendError extends Error {
  override readonly name = 'FrontendError';
  constructor() {
    super('the test code (testkit frontend) failed its transaction function');
  }
}

/** A request testkit should not have sent (unknown id, missing field): a `BackendError`. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

const GQL_CLASSIFICATIONS = new Set(['CLIENT_ERROR', 'DATABASE_ERROR', 'TRANSIENT_ERROR']);

/**
 * The `DriverError` response for an error the client raised. `errorType`: testkit's checks for
 * JavaScript drivers expect the official driver's one error class, `Neo4jError`; `BoltError` is
 * that class's counterpart in @bolt/client (same `code`, `retryable`, GQL fields), so a
 * `BoltError` is reported under that name. Anything else (a bug surfacing as a TypeError, ...)
 * keeps its own class name.
 */
export function driverError(id: string, e: unknown): TestkitResponse {
  if (BoltError.isInstance(e)) {
    return {
      name: 'DriverError',
      data: {
        id,
        errorType: 'Neo4jError',
        msg: e.message,
        code: e.code,
        retryable: e.retryable,
        ...gqlFields(e),
        cause: gqlCause(e.cause),
      },
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    name: 'DriverError',
    data: { id, errorType: err.name, msg: err.message, code: '', retryable: false },
  };
}

/** The GQL fields testkit reads: status, description, the diagnostic record (as Cypher values)
 *  and the classification read from it (`_classification`: the raw string, and the same when it
 *  is one of the three known ones, else `UNKNOWN`). */
function gqlFields(e: BoltError): Record<string, unknown> {
  const raw = e.diagnosticRecord._classification;
  return {
    gqlStatus: e.gqlStatus,
    statusDescription: e.gqlStatusDescription,
    diagnosticRecord: mapToCypher(e.diagnosticRecord),
    classification: typeof raw === 'string' && GQL_CLASSIFICATIONS.has(raw) ? raw : 'UNKNOWN',
    rawClassification: typeof raw === 'string' ? raw : null,
  };
}

/** The GQL cause chain (a server error's `cause`); transport causes are not GQL errors. */
function gqlCause(cause: unknown): CypherValue | null {
  if (!BoltError.isInstance(cause) || cause.kind !== 'server') return null;
  return {
    name: 'GqlError',
    data: { msg: cause.message, ...gqlFields(cause), cause: gqlCause(cause.cause) },
  };
}

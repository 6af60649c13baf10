import { diagnosticRecord } from './diagnostic-record.js';
import type { BoltFeatures } from './features.js';
import { isMap } from './field-checks.js';
import type { FailureCause, FailureMetadata } from './response.js';

/**
 * What a FAILURE means, in one place for both ends: the client reads a FAILURE's metadata into
 * a {@link Failure} ({@link failureFromMetadata}), the server writes a {@link Failure} as the
 * metadata the negotiated version wants ({@link failureMetadata}). Before Bolt 5.7 a FAILURE is
 * `{code, message}`; from 5.7 it is `{neo4j_code, message, gql_status, description,
 * diagnostic_record, cause?}`, and a nested `cause` has the same keys without `neo4j_code`.
 */

/** How Neo4j classifies an error: from the diagnostic record's `_classification` (5.7+) or the
 *  second segment of the code, `Neo.<Classification>.<Category>.<Title>`. */
export type ErrorClassification = 'CLIENT_ERROR' | 'TRANSIENT_ERROR' | 'DATABASE_ERROR' | 'UNKNOWN';

/** The code of a failure that names none. */
export const UNKNOWN_ERROR_CODE = 'Neo.DatabaseError.General.UnknownError';
/** The GQL status of a general processing exception: the status of a failure that names none. */
export const GENERAL_GQL_STATUS = '50N42';
/** The code of a nested GQL cause, which carries none on the wire. */
export const NO_CODE = 'N/A';
/** How deep a written `cause` chain goes; deeper causes are left out. */
export const MAX_CAUSE_DEPTH = 8;

/** A FAILURE, whatever the version it travelled in. */
export interface Failure {
  /** Neo4j status code (`code` before 5.7, `neo4j_code` from 5.7); {@link NO_CODE} in a cause. */
  code: string;
  message: string;
  /** GQLSTATUS; {@link GENERAL_GQL_STATUS} when the server sent none (before 5.7). */
  gqlStatus: string;
  /** The status description; {@link defaultDescription} when the server sent none. */
  description: string;
  classification: ErrorClassification;
  /** Entries of the diagnostic record. Read: as sent, over the defaults. Written: these over
   *  the defaults and `_classification`. */
  diagnosticRecord?: Record<string, unknown>;
  cause?: Failure;
}

/** Which FAILURE shape a version wants (from {@link features}). */
export type FailureShape = Pick<BoltFeatures, 'gqlErrors'>;

/** The description of a GQL status when none is given: `50N42`'s general text, else the message. */
export function defaultDescription(gqlStatus: string, message: string): string {
  return gqlStatus === GENERAL_GQL_STATUS
    ? `error: general processing exception - unexpected error. ${message}`
    : `error: ${message}`;
}

/** The classification of a Neo4j status code; `UNKNOWN` for a code of another shape. */
export function classifyCode(code: string): ErrorClassification {
  switch (code.split('.')[1]) {
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

/** A diagnostic record's `_classification` as a known value, `UNKNOWN` for any other value,
 *  undefined when the record has none. */
export function classificationOf(record: unknown): ErrorClassification | undefined {
  const c = isMap(record) ? record._classification : undefined;
  if (c === undefined) return undefined;
  return c === 'CLIENT_ERROR' || c === 'TRANSIENT_ERROR' || c === 'DATABASE_ERROR' ? c : 'UNKNOWN';
}

/** 4.x transient codes that 5.x reclassified as client errors (never retried). */
const RECLASSIFIED: ReadonlyMap<string, string> = new Map([
  ['Neo.TransientError.Transaction.Terminated', 'Neo.ClientError.Transaction.Terminated'],
  [
    'Neo.TransientError.Transaction.LockClientStopped',
    'Neo.ClientError.Transaction.LockClientStopped',
  ],
]);

/** Client errors that a retry can cure (a new token, another member, the leader). */
const RETRYABLE_CLIENT_CODES: ReadonlySet<string> = new Set([
  'Neo.ClientError.Security.AuthorizationExpired',
  'Neo.ClientError.Cluster.NotALeader',
  'Neo.ClientError.General.ForbiddenOnReadOnlyDatabase',
]);

/** Whether running the work again may succeed: transient errors and the client errors a new
 *  token, member or leader cures. A nested cause is never retryable on its own. */
export function isRetryable(failure: Pick<Failure, 'code' | 'classification'>): boolean {
  return (
    failure.code.startsWith('Neo.TransientError.') ||
    failure.classification === 'TRANSIENT_ERROR' ||
    RETRYABLE_CLIENT_CODES.has(failure.code)
  );
}

/**
 * The failure a FAILURE's metadata reports, any version. A missing code becomes
 * {@link UNKNOWN_ERROR_CODE}; the 4.x codes `Neo.TransientError.Transaction.Terminated` and
 * `…LockClientStopped` read as the client errors 5.x made them. The classification comes from
 * the diagnostic record when it has one, else from the code.
 */
export function failureFromMetadata(metadata: FailureMetadata): Failure {
  const raw = String(metadata.neo4j_code ?? metadata.code ?? UNKNOWN_ERROR_CODE);
  const code = RECLASSIFIED.get(raw) ?? raw;
  const message = String(metadata.message ?? 'the server reported a failure without a message');
  const failure = readGql(metadata, code, message);
  if (RECLASSIFIED.has(raw)) failure.classification = 'CLIENT_ERROR';
  else failure.classification ??= classifyCode(code);
  return failure as Failure;
}

function readGql(
  m: FailureCause,
  code: string,
  message: string,
): Omit<Failure, 'classification'> & { classification?: ErrorClassification } {
  const gqlStatus = typeof m.gql_status === 'string' ? m.gql_status : GENERAL_GQL_STATUS;
  const sent = isMap(m.diagnostic_record) ? m.diagnostic_record : undefined;
  const out: Omit<Failure, 'classification'> & { classification?: ErrorClassification } = {
    code,
    message,
    gqlStatus,
    description:
      typeof m.description === 'string' ? m.description : defaultDescription(gqlStatus, message),
    classification: classificationOf(sent),
    diagnosticRecord: diagnosticRecord(sent),
  };
  if (isMap(m.cause)) {
    const cause = readGql(
      m.cause,
      NO_CODE,
      typeof m.cause.message === 'string' ? m.cause.message : '',
    );
    cause.classification ??= 'UNKNOWN';
    out.cause = cause as Failure;
  }
  return out;
}

/** The FAILURE metadata for `failure` in a version: `{code, message}` before 5.7, the GQL
 *  shape from 5.7 with the `cause` chain (at most {@link MAX_CAUSE_DEPTH} deep). */
export function failureMetadata(failure: Failure, shape: FailureShape): FailureMetadata {
  if (!shape.gqlErrors) return { code: failure.code, message: failure.message };
  return { neo4j_code: failure.code, ...gqlFields(failure, 0) };
}

function gqlFields(f: Failure, depth: number): FailureCause {
  const out: FailureCause = {
    message: f.message,
    gql_status: f.gqlStatus,
    description: f.description,
    diagnostic_record: diagnosticRecord({
      _classification: f.classification,
      ...f.diagnosticRecord,
    }),
  };
  if (f.cause !== undefined && depth < MAX_CAUSE_DEPTH) out.cause = gqlFields(f.cause, depth + 1);
  return out;
}

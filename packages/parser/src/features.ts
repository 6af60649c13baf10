import { type StructFeatures, structFeatures } from '@bolt/packstream';
import { atLeast, type BoltVersion } from './versions.js';

/**
 * What a negotiated Bolt version can do, as plain booleans: every difference between versions
 * is one row here, and code reads the flag instead of comparing versions. The rows about values
 * (`temporal`, `elementIds`, `utcDateTime`, `vector`, `uuid`) are `@bolt/packstream`'s
 * {@link StructFeatures}, which build the struct registries.
 */
export interface BoltFeatures extends StructFeatures {
  /** HELLO (3+) instead of INIT (1–2). */
  readonly hasHello: boolean;
  /** Auth keys travel inside HELLO (3–5.0) or INIT's second field (1–2 use INIT, so false). */
  readonly hasHelloAuth: boolean;
  /** LOGON/LOGOFF and the AUTHENTICATION state (5.1+). */
  readonly hasLogon: boolean;
  /** GOODBYE (3+). */
  readonly goodbye: boolean;
  /** PULL/DISCARD `{n, qid}` with `has_more` (4.0+) instead of PULL_ALL/DISCARD_ALL. */
  readonly pullN: boolean;
  /** Several open results in one explicit transaction, addressed by `qid` (4.0+). */
  readonly multipleResults: boolean;
  /** The ROUTE message (4.3+). */
  readonly hasRoute: boolean;
  /** ROUTE's third field is `extra {db, imp_user}` (4.4+) rather than `db` (4.3). */
  readonly routeExtraMap: boolean;
  /** HELLO may request `patch_bolt: ["utc"]` (4.3–4.4). */
  readonly utcPatch: boolean;
  /** Notification filters in HELLO/BEGIN/RUN (5.2+). */
  readonly notifFilter: boolean;
  /** `notifications_disabled_classifications` replaces `..._categories` (5.6+). */
  readonly notifKeyClassifications: boolean;
  /** `bolt_agent` in HELLO, mandatory (5.3+). */
  readonly boltAgent: boolean;
  /** TELEMETRY (5.4+). */
  readonly telemetry: boolean;
  /** `statuses` replace `notifications` in summaries (5.6+). */
  readonly statuses: boolean;
  /** FAILURE carries `neo4j_code`, `gql_status`, `description`, `diagnostic_record`, `cause` (5.7+). */
  readonly gqlErrors: boolean;
  /** Handshake manifest v1 can have been used; HELLO SUCCESS `protocol_version` (5.7+). */
  readonly manifest: boolean;
  /** BEGIN / auto-commit RUN SUCCESS carry the resolved home `db` (5.8+). */
  readonly homeDbInSuccess: boolean;
  /** BEGIN/COMMIT/ROLLBACK and the TX_* states (3+). */
  readonly explicitTx: boolean;
  /** ACK_FAILURE (1–2). */
  readonly ackFailure: boolean;
  /** NOOP keep-alive chunks are allowed (4.1+). */
  readonly noop: boolean;
  /** `routing` in HELLO (4.1+). */
  readonly routingInHello: boolean;
  /** `imp_user` in RUN/BEGIN/ROUTE (4.4+). */
  readonly impUser: boolean;
  /** `db` in RUN/BEGIN (4.0+). */
  readonly db: boolean;
  /** `hints` in HELLO SUCCESS, e.g. `connection.recv_timeout_seconds` (4.3+). */
  readonly hints: boolean;
  /** RUN carries an `extra` map as its third field (3+); Bolt 1–2 RUN has two fields. */
  readonly runExtra: boolean;
  /** A server of this version reads the minor byte of the client's proposals (4.0+); Bolt 1–3
   *  servers read the major byte only. */
  readonly handshakeMinor: boolean;
  /** A server of this version reads version ranges in the client's proposals (4.3+). */
  readonly handshakeRanges: boolean;
}

/**
 * The feature flags of a version. `utcPatch` (default false) says whether a 4.3/4.4 HELLO
 * SUCCESS echoed `patch_bolt: ["utc"]`; it is ignored for other versions. The result is frozen
 * and shared: calling this per message costs a lookup.
 */
export function features(v: BoltVersion, options?: { utcPatch?: boolean }): BoltFeatures {
  const utcPatchable = v.major === 4 && v.minor >= 3;
  const patched = utcPatchable && options?.utcPatch === true;
  const key = v.major * 512 + v.minor * 2 + (patched ? 1 : 0);
  let f = cache.get(key);
  if (f === undefined) {
    f = Object.freeze(table(v, utcPatchable, patched));
    // Versions come from handshakes (at most 255.255), so the cache stays small.
    cache.set(key, f);
  }
  return f;
}

const cache = new Map<number, BoltFeatures>();

function table(v: BoltVersion, utcPatchable: boolean, patched: boolean): BoltFeatures {
  return {
    ...structFeatures(v, { utc: patched }),
    hasHello: atLeast(v, 3),
    hasHelloAuth: atLeast(v, 3) && !atLeast(v, 5, 1),
    hasLogon: atLeast(v, 5, 1),
    goodbye: atLeast(v, 3),
    pullN: atLeast(v, 4),
    multipleResults: atLeast(v, 4),
    hasRoute: atLeast(v, 4, 3),
    routeExtraMap: atLeast(v, 4, 4),
    utcPatch: utcPatchable,
    notifFilter: atLeast(v, 5, 2),
    notifKeyClassifications: atLeast(v, 5, 6),
    boltAgent: atLeast(v, 5, 3),
    telemetry: atLeast(v, 5, 4),
    statuses: atLeast(v, 5, 6),
    gqlErrors: atLeast(v, 5, 7),
    manifest: atLeast(v, 5, 7),
    homeDbInSuccess: atLeast(v, 5, 8),
    explicitTx: atLeast(v, 3),
    ackFailure: !atLeast(v, 3),
    noop: atLeast(v, 4, 1),
    routingInHello: atLeast(v, 4, 1),
    impUser: atLeast(v, 4, 4),
    db: atLeast(v, 4),
    hints: atLeast(v, 4, 3),
    runExtra: atLeast(v, 3),
    handshakeMinor: atLeast(v, 4),
    handshakeRanges: atLeast(v, 4, 3),
  };
}

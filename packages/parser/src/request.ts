/**
 * Request messages (client → server), one object per message. `type` is the spec's message
 * name; extra maps keep the wire key names (https://neo4j.com/docs/bolt/current/bolt/message/).
 */

/** An auth token: LOGON's map, inline in HELLO (3–5.0), INIT's field 2 (1–2). */
export interface AuthToken {
  scheme?: string;
  principal?: string;
  credentials?: string;
  realm?: string;
  parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

/** HELLO `bolt_agent` (5.3+, mandatory): identifies the driver. */
export interface BoltAgent {
  product: string;
  platform?: string;
  language?: string;
  language_details?: string;
  [key: string]: unknown;
}

/** Notification filter keys shared by HELLO, BEGIN and RUN (5.2+). */
export interface NotificationFilterKeys {
  /** `"OFF"`, `"WARNING"` or `"INFORMATION"`; null = server default. */
  notifications_minimum_severity?: string | null;
  /** 5.2–5.4. */
  notifications_disabled_categories?: string[] | null;
  /** 5.6+. */
  notifications_disabled_classifications?: string[] | null;
}

/** HELLO `extra`. Auth keys are inline for 3–5.0 and forbidden from 5.1. */
export interface HelloExtra extends NotificationFilterKeys {
  user_agent?: string;
  bolt_agent?: BoltAgent;
  /** 4.1+: null/absent = no routing; `{}` or `{address, …}` = routing context. */
  routing?: Record<string, unknown> | null;
  /** 4.3–4.4: `["utc"]`. */
  patch_bolt?: string[];
  scheme?: string;
  principal?: string;
  credentials?: string;
  realm?: string;
  parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

/** BEGIN `extra`, and auto-commit RUN `extra`. */
export interface TxExtra extends NotificationFilterKeys {
  bookmarks?: string[];
  /** Milliseconds; an integer. */
  tx_timeout?: number | bigint;
  tx_metadata?: Record<string, unknown>;
  /** `"r"` or `"w"` (default). */
  mode?: string;
  /** 4.0+. */
  db?: string | null;
  /** 4.4+. */
  imp_user?: string | null;
  [key: string]: unknown;
}
export type BeginExtra = TxExtra;
export type RunExtra = TxExtra;

/** PULL/DISCARD `extra` (4.0+): `n` records (−1 = all), result `qid` (−1 = last). */
export interface PullExtra {
  n: number | bigint;
  qid?: number | bigint;
  [key: string]: unknown;
}

export interface InitRequest {
  type: 'INIT';
  userAgent: string;
  authToken: AuthToken;
}
export interface HelloRequest {
  type: 'HELLO';
  extra: HelloExtra;
}
export interface LogonRequest {
  type: 'LOGON';
  auth: AuthToken;
}
export interface RunRequest {
  type: 'RUN';
  query: string;
  parameters: Record<string, unknown>;
  /** Bolt 1–2 have no extra field: it is `{}` when decoded and must be empty to encode. */
  extra: RunExtra;
}
export interface PullRequest {
  type: 'PULL';
  extra: PullExtra;
}
export interface DiscardRequest {
  type: 'DISCARD';
  extra: PullExtra;
}
export interface BeginRequest {
  type: 'BEGIN';
  extra: BeginExtra;
}
/** ROUTE (4.3+). 4.3 carries `db` as the third field; 4.4+ an extra map `{db, imp_user}`. */
export interface RouteRequest {
  type: 'ROUTE';
  routing: Record<string, unknown>;
  bookmarks: string[];
  db?: string | null;
  /** 4.4+ (`imp_user` on the wire). */
  impUser?: string | null;
}
/** TELEMETRY (5.4+): 0 managed tx, 1 explicit tx, 2 auto-commit, 3 executeQuery. */
export interface TelemetryRequest {
  type: 'TELEMETRY';
  api: number | bigint;
}
export interface LogoffRequest {
  type: 'LOGOFF';
}
export interface PullAllRequest {
  type: 'PULL_ALL';
}
export interface DiscardAllRequest {
  type: 'DISCARD_ALL';
}
export interface CommitRequest {
  type: 'COMMIT';
}
export interface RollbackRequest {
  type: 'ROLLBACK';
}
export interface ResetRequest {
  type: 'RESET';
}
export interface AckFailureRequest {
  type: 'ACK_FAILURE';
}
export interface GoodbyeRequest {
  type: 'GOODBYE';
}

export type Request =
  | InitRequest
  | HelloRequest
  | LogonRequest
  | LogoffRequest
  | RunRequest
  | PullRequest
  | PullAllRequest
  | DiscardRequest
  | DiscardAllRequest
  | BeginRequest
  | CommitRequest
  | RollbackRequest
  | ResetRequest
  | AckFailureRequest
  | GoodbyeRequest
  | RouteRequest
  | TelemetryRequest;

/** The name of a request message. */
export type RequestType = Request['type'];

/** Every request name, in signature order. */
export const REQUEST_TYPES: readonly RequestType[] = Object.freeze([
  'INIT',
  'HELLO',
  'GOODBYE',
  'ACK_FAILURE',
  'RESET',
  'RUN',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'DISCARD_ALL',
  'DISCARD',
  'PULL_ALL',
  'PULL',
  'TELEMETRY',
  'ROUTE',
  'LOGON',
  'LOGOFF',
] as const);

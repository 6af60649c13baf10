/**
 * Response messages (server → client). Metadata maps keep the wire key names (https://neo4j.com/docs/bolt/current/bolt/message/).
 */

/** HELLO SUCCESS `hints` (4.3+). */
export interface Hints {
  'connection.recv_timeout_seconds'?: number | bigint;
  'telemetry.enabled'?: boolean;
  'ssr.enabled'?: boolean;
  [key: string]: unknown;
}

/** One entry of a routing table's `servers`. */
export interface RoutingServer {
  addresses: string[];
  role: 'ROUTE' | 'READ' | 'WRITE' | (string & {});
  [key: string]: unknown;
}

/** ROUTE SUCCESS `rt` (4.3+). */
export interface RoutingTable {
  ttl: number | bigint;
  /** 4.4+. */
  db?: string;
  servers: RoutingServer[];
  [key: string]: unknown;
}

/** A plan or profile node. */
export interface PlanNode {
  operatorType: string;
  identifiers: string[];
  args: Record<string, unknown>;
  children: PlanNode[];
  dbHits?: number | bigint;
  rows?: number | bigint;
  pageCacheHits?: number | bigint;
  pageCacheMisses?: number | bigint;
  pageCacheHitRatio?: number;
  time?: number | bigint;
  [key: string]: unknown;
}

/** A notification (≤5.4). */
export interface Notification {
  code: string;
  title: string;
  description: string;
  severity?: string;
  category?: string;
  position?: { offset: number | bigint; line: number | bigint; column: number | bigint };
  [key: string]: unknown;
}

/** A GQL diagnostic record (5.6+ statuses, 5.7+ failures). */
export interface DiagnosticRecord {
  OPERATION?: string;
  OPERATION_CODE?: string;
  CURRENT_SCHEMA?: string;
  _severity?: string;
  _classification?: string;
  _position?: { offset: number | bigint; line: number | bigint; column: number | bigint };
  _status_parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A GQL status object (5.6+). */
export interface GqlStatus {
  gql_status: string;
  status_description: string;
  neo4j_code?: string;
  title?: string;
  description?: string;
  diagnostic_record?: DiagnosticRecord;
  [key: string]: unknown;
}

/** Update counters; hyphenated names, a missing key means 0. */
export interface QueryStats {
  'nodes-created'?: number | bigint;
  'nodes-deleted'?: number | bigint;
  'relationships-created'?: number | bigint;
  'relationships-deleted'?: number | bigint;
  'properties-set'?: number | bigint;
  'labels-added'?: number | bigint;
  'labels-removed'?: number | bigint;
  'indexes-added'?: number | bigint;
  'indexes-removed'?: number | bigint;
  'constraints-added'?: number | bigint;
  'constraints-removed'?: number | bigint;
  'system-updates'?: number | bigint;
  'contains-updates'?: boolean;
  'contains-system-updates'?: boolean;
  [key: string]: unknown;
}

/** SUCCESS metadata: the union of every request's SUCCESS keys. */
export interface SuccessMetadata {
  // HELLO / INIT
  server?: string;
  connection_id?: string;
  hints?: Hints;
  patch_bolt?: string[];
  protocol_version?: string;
  // LOGON
  credentials_expired?: boolean;
  advertised_address?: string;
  // RUN / BEGIN
  fields?: string[];
  t_first?: number | bigint;
  result_available_after?: number | bigint;
  qid?: number | bigint;
  db?: string;
  // PULL / DISCARD
  has_more?: boolean;
  bookmark?: string;
  type?: string;
  t_last?: number | bigint;
  result_consumed_after?: number | bigint;
  stats?: QueryStats;
  plan?: PlanNode;
  profile?: PlanNode;
  notifications?: Notification[];
  statuses?: GqlStatus[];
  // ROUTE
  rt?: RoutingTable;
  [key: string]: unknown;
}

/** A nested FAILURE cause (5.7+): like the failure, without `neo4j_code`. */
export interface FailureCause {
  message?: string;
  gql_status?: string;
  description?: string;
  diagnostic_record?: DiagnosticRecord;
  cause?: FailureCause;
  [key: string]: unknown;
}

/** FAILURE metadata: `code` up to 5.6, `neo4j_code` + GQL keys from 5.7. */
export interface FailureMetadata extends FailureCause {
  code?: string;
  neo4j_code?: string;
}

export interface SuccessResponse {
  type: 'SUCCESS';
  metadata: SuccessMetadata;
}
export interface RecordResponse {
  type: 'RECORD';
  fields: unknown[];
}
export interface IgnoredResponse {
  type: 'IGNORED';
}
export interface FailureResponse {
  type: 'FAILURE';
  metadata: FailureMetadata;
}

export type Response = SuccessResponse | RecordResponse | IgnoredResponse | FailureResponse;
export type ResponseType = Response['type'];
